//! The category registry: what the bot does for each detection category, read from one list
//! (`data/categories.toml`, embedded at build time).
//!
//! The detection crate names the categories; this registry says, for each one, whether a flag
//! sends the young person the helpline card by default and which helplines the card offers.
//! The config (`alerts.helpline_categories`), the helpline card, the prompts' labels, the rules
//! and the evaluation data all read the same ids; [`check`] is the test-time guard that every
//! category has all of them, so adding one is one table in the data file plus its texts.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::helpline::ServiceId;
use crate::safety::Category;

/// What the bot does for one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryEntry {
    pub category: Category,
    /// Whether a flag of this category sends the helpline card by default.
    pub helpline_card: bool,
    /// The helplines the card offers for it.
    pub services: Vec<ServiceId>,
}

/// Every category's entry, in the detection crate's order (`Category::ALL`).
pub fn registry() -> &'static [CategoryEntry] {
    static REGISTRY: OnceLock<Vec<CategoryEntry>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        parse(include_str!("../../data/categories.toml"))
            .unwrap_or_else(|e| panic!("data/categories.toml is checked by the tests: {e}"))
    })
}

/// The entry of one category (the registry holds every category: [`parse`] refuses a file
/// that lacks one).
pub fn entry(category: Category) -> &'static CategoryEntry {
    let all = registry();
    let index = Category::ALL
        .iter()
        .position(|&c| c == category)
        .unwrap_or_default();
    &all[index]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    category: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    helpline_card: bool,
    services: Vec<String>,
}

/// Reads a registry file: every category exactly once, known services only. The result is in
/// `Category::ALL` order, whatever the file's.
pub fn parse(text: &str) -> Result<Vec<CategoryEntry>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut entries: Vec<CategoryEntry> = Vec::with_capacity(Category::ALL.len());
    for raw in file.category {
        let category: Category = raw.id.parse().map_err(|e| format!("{e}"))?;
        if entries.iter().any(|e| e.category == category) {
            return Err(format!("category `{category}` is listed twice"));
        }
        let services = raw
            .services
            .iter()
            .map(|s| s.parse::<ServiceId>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("category `{category}`: {e}"))?;
        entries.push(CategoryEntry {
            category,
            helpline_card: raw.helpline_card,
            services,
        });
    }
    let mut ordered = Vec::with_capacity(entries.len());
    for c in Category::ALL {
        let Some(pos) = entries.iter().position(|e| e.category == c) else {
            return Err(format!("category `{c}` has no entry"));
        };
        ordered.push(entries.swap_remove(pos));
    }
    Ok(ordered)
}

/// What each category needs besides its registry entry, as the caller found it.
pub trait Needs {
    /// The label shown to staff, in each language (`None` when the text is missing or blank).
    fn labels(&self, category: Category) -> Vec<(&'static str, Option<String>)>;
    /// How many shipped rules flag this category.
    fn rules(&self, category: Category) -> usize;
}

/// Every problem with the registry: a category without a label in some language, without a
/// rule, or whose card would offer nothing.
pub fn check(entries: &[CategoryEntry], needs: &dyn Needs) -> Vec<String> {
    let mut problems = Vec::new();
    for e in entries {
        let c = e.category;
        for (lang, label) in needs.labels(c) {
            if label.is_none_or(|l| l.trim().is_empty()) {
                problems.push(format!("`{c}` has no label in prompts/{lang}"));
            }
        }
        if needs.rules(c) == 0 {
            problems.push(format!("`{c}` has no rule in rules/"));
        }
        if e.helpline_card && e.services.is_empty() {
            problems.push(format!(
                "`{c}` sends a helpline card that offers no service"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_registry_has_every_category_once_in_detection_order() {
        let all: Vec<Category> = registry().iter().map(|e| e.category).collect();
        assert_eq!(all, Category::ALL);
        for c in Category::ALL {
            assert_eq!(entry(c).category, c);
        }
    }

    #[test]
    fn a_registry_file_missing_a_category_or_naming_an_unknown_service_is_refused() {
        let one =
            "[[category]]\nid = \"harassment\"\nhelpline_card = true\nservices = [\"3018\"]\n";
        assert!(parse(one).is_err_and(|e| e.contains("has no entry")));
        let unknown = one.replace("3018", "3615");
        assert!(parse(&unknown).is_err_and(|e| e.contains("3615")));
        let twice = format!("{one}{one}");
        assert!(parse(&twice).is_err_and(|e| e.contains("twice")));
    }

    struct Found {
        without_label: Option<Category>,
    }

    impl Needs for Found {
        fn labels(&self, category: Category) -> Vec<(&'static str, Option<String>)> {
            let text = (Some(category) != self.without_label).then(|| "Label".to_owned());
            vec![("fr", text.clone()), ("en", text)]
        }
        fn rules(&self, _: Category) -> usize {
            1
        }
    }

    #[test]
    fn a_category_that_lacks_its_label_is_reported_in_each_language() {
        let found = Found {
            without_label: Some(Category::Distress),
        };
        let problems = check(registry(), &found);
        assert_eq!(
            problems,
            [
                "`distress` has no label in prompts/fr",
                "`distress` has no label in prompts/en"
            ]
        );
        let complete = Found {
            without_label: None,
        };
        assert!(check(registry(), &complete).is_empty());
    }

    #[test]
    fn a_card_that_would_offer_nothing_is_reported() {
        let mut entries = registry().to_vec();
        entries[0].services.clear();
        let found = Found {
            without_label: None,
        };
        assert_eq!(check(&entries, &found).len(), 1);
    }
}
