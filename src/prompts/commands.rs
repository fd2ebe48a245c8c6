//! The texts Discord shows for the slash commands (the description of each command and
//! option, `commands.toml`) and the words the close modal understands for each outcome
//! (`labels/outcome_words.toml`). Both are data files in prompts/, so coordinators change
//! them like any other text.

use std::collections::BTreeMap;

use super::registry::{COMMANDS, OUTCOME_WORDS};
use super::{render, Lang};
use crate::domain::alerts::Outcome;

/// One language's `commands.toml`: command path -> key -> text.
fn command_table(lang: Lang) -> BTreeMap<String, toml::Value> {
    toml::from_str(&render(lang, &COMMANDS, &[])).unwrap_or_default()
}

/// The table of a command path such as `alerte.clore`.
fn lookup(lang: Lang, path: &str, key: &str) -> Option<String> {
    let table = command_table(lang);
    let mut node: Option<&toml::Value> = None;
    for (i, part) in path.split('.').enumerate() {
        node = if i == 0 {
            table.get(part)
        } else {
            node.and_then(|n| n.get(part))
        };
    }
    node?.get(key)?.as_str().map(str::to_owned)
}

/// The description of the command at `path` (`"alerte.clore"`), if the file has one.
pub fn command_description(lang: Lang, path: &str) -> Option<String> {
    lookup(lang, path, "description")
}

/// The description of option `option` of the command at `path`.
pub fn option_description(lang: Lang, path: &str, option: &str) -> Option<String> {
    lookup(lang, path, option)
}

/// Every word the close modal understands for each outcome, in every language.
pub fn outcome_vocabulary() -> Vec<(Outcome, Vec<String>)> {
    let mut out: Vec<(Outcome, Vec<String>)> = Outcome::ALL
        .into_iter()
        .map(|o| (o, vec![o.as_str().to_owned()]))
        .collect();
    for lang in Lang::ALL {
        let table: BTreeMap<String, Vec<String>> =
            toml::from_str(&render(lang, &OUTCOME_WORDS, &[])).unwrap_or_default();
        for (outcome, words) in &mut out {
            if let Some(more) = table.get(outcome.as_str()) {
                words.extend(more.iter().cloned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_command_files_parse_and_have_the_same_commands_and_options() {
        for lang in Lang::ALL {
            let text = COMMANDS.text(lang);
            let parsed: Result<toml::Table, _> = toml::from_str(text);
            assert!(parsed.is_ok(), "prompts/{lang}/commands.toml: {parsed:?}");
        }
        let shape = |lang| {
            fn keys(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
                if let Some(t) = v.as_table() {
                    for (k, child) in t {
                        keys(&format!("{prefix}.{k}"), child, out);
                    }
                } else {
                    out.push(prefix.to_owned());
                }
            }
            let mut out = Vec::new();
            for (k, v) in command_table(lang) {
                keys(&k, &v, &mut out);
            }
            out
        };
        assert_eq!(shape(Lang::Fr), shape(Lang::En));
    }

    #[test]
    fn option_and_command_descriptions_are_found_by_path() {
        assert_eq!(
            option_description(Lang::En, "alerte.clore", "issue").as_deref(),
            Some("Outcome of the support")
        );
        assert!(command_description(Lang::Fr, "alerte").is_some());
        assert_eq!(command_description(Lang::Fr, "alerte.inconnu"), None);
    }

    #[test]
    fn every_outcome_has_words_in_every_language_file() {
        for lang in Lang::ALL {
            let table: Result<BTreeMap<String, Vec<String>>, _> =
                toml::from_str(OUTCOME_WORDS.text(lang));
            let table =
                table.unwrap_or_else(|e| panic!("prompts/{lang}/labels/outcome_words.toml: {e}"));
            for o in Outcome::ALL {
                assert!(
                    table.get(o.as_str()).is_some_and(|w| !w.is_empty()),
                    "prompts/{lang}/labels/outcome_words.toml: no words for `{o}`"
                );
            }
        }
    }

    #[test]
    fn the_shipped_words_understand_what_promeneurs_type() {
        let vocabulary = outcome_vocabulary();
        let read = |typed| Outcome::from_user_input(typed, &vocabulary);
        assert_eq!(read("Orienté"), Some(Outcome::Oriente));
        assert_eq!(read("faux-positif"), Some(Outcome::FauxPositif));
        assert_eq!(read("accompagnée"), Some(Outcome::Accompagne));
        assert_eq!(read("referred"), Some(Outcome::Oriente));
        assert_eq!(read("fp"), Some(Outcome::FauxPositif));
        assert_eq!(read("autre"), Some(Outcome::Autre));
        assert_eq!(read("peut-être"), None);
    }
}
