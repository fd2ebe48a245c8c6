//! A guild's own keyword rules, added by its coordinators from Discord (`/motcle`): what a
//! coordinator typed, checked field by field ([`NewRule::parse`]); the stored rule
//! ([`GuildRule`]); and the rule file they make together, in the shipped rules' format
//! (`file.rs`), which is both what `promeneur rules export` prints and what the bot compiles
//! into the guild's own small [`RuleSet`], apart from the shipped one. `harmless.rs` tries a
//! new rule against the repository's labelled harmless lines before it is saved.
//!
//! A term follows the shipped terms' syntax (a whole word or phrase, `*` first or last for a
//! prefix or suffix); a term written between slashes (`/pendr(e|ai)/`) is a regex on the
//! normalised text, which must start with fixed words (they are its prefilter: a regex that
//! could start anywhere would run on every message).

mod file;
mod harmless;

use std::fmt;

use crate::domain::categories;
use crate::safety::{normalize, Category, Severity};

pub use file::{compile, rule_id, rule_number, to_toml, GUILD_RULE_PREFIX};
pub use harmless::{harmless_lines, would_flag};

/// Longest term, regex or exception, in characters.
pub const MAX_TERM_CHARS: usize = 100;
/// The compiled size a guild's regex may take (the shipped rules allow 1 MiB; a guild's rule
/// is typed in a chat box and tried at once).
pub const REGEX_SIZE_LIMIT: usize = 64 * 1024;
/// How deeply a guild's regex may nest groups and repetitions.
pub const REGEX_NEST_LIMIT: u32 = 10;

/// A term or a regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Term,
    Regex,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Term => "term",
            Kind::Regex => "regex",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "term" => Some(Kind::Term),
            "regex" => Some(Kind::Regex),
            _ => None,
        }
    }
}

/// Where a stored rule stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Would flag labelled harmless lines: waits for the coordinator's confirmation.
    Pending,
    Active,
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Removed => "removed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pending" => Some(Status::Pending),
            "active" => Some(Status::Active),
            "removed" => Some(Status::Removed),
            _ => None,
        }
    }
}

/// The fields of `/motcle ajouter`, as the user named them (errors name them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Terme,
    Categorie,
    Gravite,
    Exception,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Terme => "terme",
            Field::Categorie => "categorie",
            Field::Gravite => "gravite",
            Field::Exception => "exception",
        })
    }
}

/// Why a field of a new rule is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{0}: at least 2 letters once normalised")]
    TooShort(Field),
    #[error("{0}: over {MAX_TERM_CHARS} characters")]
    TooLong(Field),
    #[error("{field}: the regex does not compile: {reason}")]
    BadRegex { field: Field, reason: String },
    #[error("{0}: the regex is too costly (too big or too deeply nested)")]
    CostlyRegex(Field),
    #[error("{0}: the regex must start with fixed words of 2 letters or more")]
    RegexWithoutWords(Field),
    #[error("categorie: unknown category `{0}`")]
    UnknownCategory(String),
    #[error("gravite: unknown severity `{0}`")]
    UnknownSeverity(String),
}

/// A rule as a coordinator typed it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRule {
    pub kind: Kind,
    /// The term (with its `*`), or the regex without its slashes.
    pub term: String,
    pub category: Category,
    pub severity: Severity,
    /// Words that cancel the rule where they cover its match (the shipped `exceptions`).
    pub exception: Option<String>,
}

/// The severities a guild rule may have (a guild rule flags on its own: no `signal`).
pub const SEVERITIES: [Severity; 4] = [
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

impl NewRule {
    /// Checks `/motcle ajouter`'s fields; the error names the first field refused.
    pub fn parse(
        terme: &str,
        categorie: &str,
        gravite: &str,
        exception: Option<&str>,
    ) -> Result<NewRule, InputError> {
        let (kind, term) = parse_term(terme)?;
        let category = parse_category(categorie)?;
        let severity = parse_severity(gravite)?;
        let exception = match exception.map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e) => {
                check_words(Field::Exception, e)?;
                Some(e.to_owned())
            }
        };
        Ok(NewRule {
            kind,
            term,
            category,
            severity,
            exception,
        })
    }
}

/// A term or `/regex/`, trimmed, checked.
pub fn parse_term(terme: &str) -> Result<(Kind, String), InputError> {
    let t = terme.trim();
    if t.chars().count() > MAX_TERM_CHARS {
        return Err(InputError::TooLong(Field::Terme));
    }
    match t
        .strip_prefix('/')
        .and_then(|r| r.strip_suffix('/'))
        .filter(|r| !r.is_empty())
    {
        Some(re) => {
            file::check_regex(Field::Terme, re)?;
            Ok((Kind::Regex, re.to_owned()))
        }
        None => {
            check_words(Field::Terme, t)?;
            Ok((Kind::Term, t.to_owned()))
        }
    }
}

/// A term or exception: 2 letters at least once normalised (stars aside), 100 characters at
/// most.
fn check_words(field: Field, t: &str) -> Result<(), InputError> {
    if t.chars().count() > MAX_TERM_CHARS {
        return Err(InputError::TooLong(field));
    }
    if normalize(t.trim_matches('*')).chars().count() < 2 {
        return Err(InputError::TooShort(field));
    }
    Ok(())
}

/// A category id of the registry (`data/categories.toml`).
fn parse_category(s: &str) -> Result<Category, InputError> {
    let s = s.trim();
    categories::registry()
        .iter()
        .map(|e| e.category)
        .find(|c| c.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| InputError::UnknownCategory(s.to_owned()))
}

/// `low`, `medium`, `high` or `critical`.
fn parse_severity(s: &str) -> Result<Severity, InputError> {
    let s = s.trim();
    SEVERITIES
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| InputError::UnknownSeverity(s.to_owned()))
}

/// A stored guild rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildRule {
    pub id: i64,
    pub guild_id: u64,
    pub rule: NewRule,
    pub status: Status,
    pub added_by: u64,
    pub added_at: i64,
    pub removed_by: Option<u64>,
    pub removed_at: Option<i64>,
}

/// How a term is compared when removing or adding it again: a term by its normalised text
/// (with its stars), a regex as written.
pub fn same_term(kind: Kind, a: &str, b: &str) -> bool {
    match kind {
        Kind::Regex => a.trim() == b.trim(),
        Kind::Term => key(a) == key(b),
    }
}

fn key(t: &str) -> (bool, String, bool) {
    let t = t.trim();
    (
        t.starts_with('*'),
        normalize(t.trim_matches('*')),
        t.ends_with('*'),
    )
}

#[cfg(test)]
mod tests;
