//! The theme registry: the one list of themes a resource is filed under (`data/themes.toml`,
//! embedded at build time and checked by [`parse`]).
//!
//! The network's own themes come first; then one theme per detection category, with the
//! category's id, so a resource filed under `harassment` is offered with a harassment alert and
//! its helpline card. The theme menu, `/ressource liste theme:`, the search and the alert all read
//! this list; adding a theme is one table in the data file.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::prompts::Lang;
use crate::safety::Category;

/// Discord shows at most 25 options in a select menu: the theme menu is one.
pub const MAX_THEMES: usize = 25;
/// Discord's limit for a select option's label and an autocomplete choice's name.
const MAX_LABEL_CHARS: usize = 100;

/// One theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub id: String,
    label_fr: String,
    label_en: String,
    /// The detection category this theme stands for, when it is one.
    pub category: Option<Category>,
}

impl Theme {
    /// The label shown in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.label_fr,
            Lang::En => &self.label_en,
        }
    }
}

/// Every theme, in the data file's order.
pub fn registry() -> &'static [Theme] {
    static REGISTRY: OnceLock<Vec<Theme>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        parse(include_str!("../../data/themes.toml"))
            .unwrap_or_else(|e| panic!("data/themes.toml is checked by the tests: {e}"))
    })
}

/// The theme with this id.
pub fn find(id: &str) -> Option<&'static Theme> {
    registry().iter().find(|t| t.id == id)
}

/// The theme of a detection category (the registry has one for each: [`parse`] checks it).
pub fn of_category(category: Category) -> Option<&'static Theme> {
    registry().iter().find(|t| t.category == Some(category))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    theme: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    fr: String,
    en: String,
}

/// Reads a theme file: unique ids of lowercase ascii and `_`, both labels present and short
/// enough for Discord, one theme per detection category, no more than a menu can show.
pub fn parse(text: &str) -> Result<Vec<Theme>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut themes: Vec<Theme> = Vec::with_capacity(file.theme.len());
    for raw in file.theme {
        let id = raw.id;
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!(
                "theme id `{id}`: lowercase ascii letters and `_` only"
            ));
        }
        if themes.iter().any(|t| t.id == id) {
            return Err(format!("theme `{id}` is listed twice"));
        }
        for (lang, label) in [("fr", &raw.fr), ("en", &raw.en)] {
            let chars = label.trim().chars().count();
            if chars == 0 || chars > MAX_LABEL_CHARS {
                return Err(format!(
                    "theme `{id}`: the {lang} label must have 1 to {MAX_LABEL_CHARS} characters"
                ));
            }
        }
        let category = id.parse::<Category>().ok();
        themes.push(Theme {
            id,
            label_fr: raw.fr.trim().to_owned(),
            label_en: raw.en.trim().to_owned(),
            category,
        });
    }
    for c in Category::ALL {
        if !themes.iter().any(|t| t.category == Some(c)) {
            return Err(format!("category `{c}` has no theme"));
        }
    }
    if themes.len() > MAX_THEMES {
        return Err(format!(
            "{} themes: a Discord menu shows {MAX_THEMES} at most",
            themes.len()
        ));
    }
    Ok(themes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_themes_start_with_the_networks_and_cover_every_category() {
        let all = registry();
        assert_eq!(all[0].id, "vie_quotidienne");
        assert_eq!(all[0].label(Lang::Fr), "Vie quotidienne et prévention");
        for c in Category::ALL {
            let theme = of_category(c);
            assert_eq!(theme.map(|t| t.id.as_str()), Some(c.as_str()));
        }
        assert!(find("harassment").is_some_and(|t| t.label(Lang::En) == "Harassment"));
        assert!(find("nope").is_none());
    }

    #[test]
    fn a_theme_file_with_a_bad_id_a_repeat_a_blank_label_or_a_missing_category_is_refused() {
        let shipped = include_str!("../../data/themes.toml");
        let one = "[[theme]]\nid = \"info\"\nfr = \"Info\"\nen = \"Info\"\n";
        assert!(parse(one).is_err_and(|e| e.contains("has no theme")));
        let bad_id = shipped.replace("id = \"info_pratique\"", "id = \"Info-pratique\"");
        assert!(parse(&bad_id).is_err_and(|e| e.contains("Info-pratique")));
        let twice = format!("{shipped}{one}{one}");
        assert!(parse(&twice).is_err_and(|e| e.contains("twice")));
        let blank = shipped.replace("en = \"Practical information\"", "en = \" \"");
        assert!(parse(&blank).is_err_and(|e| e.contains("info_pratique")));
        let mut many = shipped.to_owned();
        for i in 0..20 {
            let id: String = std::iter::repeat_n('x', i + 1).collect();
            many.push_str(&format!(
                "[[theme]]\nid = \"{id}\"\nfr = \"X\"\nen = \"X\"\n"
            ));
        }
        assert!(parse(&many).is_err_and(|e| e.contains("25")));
    }
}
