//! Every user-facing text, rendered from prompts/{fr,en} by typed functions.
//!
//! Coordinators change the wording without touching Rust: one template file per message,
//! embedded at build time (`include_str!`) so the binary runs from anywhere. A template holds
//! `{name}` placeholders; the one function that renders it fills every one of them (a test
//! renders every template in both languages and checks it, and that no file in prompts/ is left
//! unused).
//!
//! Rendering escapes nothing: values from users must go through [`text::sanitize`] (or
//! [`text::escape_markdown`] and [`text::neutralize_mentions`]) before they are passed in.

mod alert;
mod command;
mod commands;
#[cfg(test)]
mod coverage;
mod digest;
mod digest_chart;
mod helpline;
mod labels;
mod motcle;
mod permanence;
mod question;
mod registry;
mod resource;
mod rights;
pub mod text;

use std::fmt;
use std::str::FromStr;

pub use alert::*;
pub use command::*;
pub use commands::*;
pub use digest::*;
pub use digest_chart::*;
pub use helpline::*;
pub use labels::*;
pub use motcle::*;
pub use permanence::*;
pub use question::*;
pub use resource::*;
pub use rights::*;

use registry::Template;

/// The language of a guild (and of its texts). French first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A language we have no texts for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (expected \"fr\" or \"en\")")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// "fr" or "en", in any case; Discord locales such as "en-GB" or "fr" are accepted too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lowered = s.trim().to_ascii_lowercase();
        let base = lowered.split(['-', '_']).next().unwrap_or_default();
        match base {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

/// The placeholder name at the start of `after_brace` (the text just after a `{`), if it is
/// one: lowercase letters, digits and `_`, then `}`.
fn placeholder_at(after_brace: &str) -> Option<&str> {
    let len = after_brace
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(after_brace.len());
    (len > 0 && after_brace[len..].starts_with('}')).then(|| &after_brace[..len])
}

/// The `{name}` placeholders of a template, in order (with repeats).
#[cfg(test)]
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('{')
        .filter_map(move |(open, _)| placeholder_at(&text[open + 1..]))
}

/// Fills a template's placeholders from `args`, in one pass: values are never scanned for
/// placeholders themselves. A placeholder without a value stays as typed, visible rather than
/// silently dropped; the tests make sure that never ships.
fn render(lang: Lang, template: &Template, args: &[(&str, &str)]) -> String {
    let source = template.text(lang);
    #[cfg(test)]
    registry::record_render(template, lang, args);
    let mut out = String::with_capacity(source.len() + 64);
    let mut rest = source;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let filled = placeholder_at(after).and_then(|name| {
            args.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (name.len(), *value))
        });
        match filled {
            Some((name_len, value)) => {
                out.push_str(value);
                rest = &after[name_len + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_from_their_codes_and_discord_locales() {
        assert_eq!("fr".parse(), Ok(Lang::Fr));
        assert_eq!(" EN ".parse(), Ok(Lang::En));
        assert_eq!("en-GB".parse(), Ok(Lang::En));
        assert_eq!("de".parse::<Lang>(), Err(UnknownLang("de".into())));
        assert_eq!(Lang::default(), Lang::Fr);
    }

    #[test]
    fn placeholders_are_lowercase_names_in_braces() {
        let found: Vec<&str> = placeholders("{a} {b_2} { c} {D} {} {e").collect();
        assert_eq!(found, ["a", "b_2"]);
    }

    #[test]
    fn values_are_inserted_once_and_never_rendered_again() {
        let template = Template::for_test("Salut {name}, {name} !");
        let out = render(Lang::Fr, &template, &[("name", "{name} @everyone")]);
        assert_eq!(out, "Salut {name} @everyone, {name} @everyone !");
    }

    #[test]
    fn braces_that_are_not_placeholders_stay_as_they_are() {
        let template = Template::for_test("{ a } {x");
        assert_eq!(render(Lang::Fr, &template, &[]), "{ a } {x");
    }
}
