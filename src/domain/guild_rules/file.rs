//! A guild's rules as a rule file in the shipped format (`rules/fr.toml`): what
//! `promeneur rules export` prints, and what the bot compiles into the guild's own set with
//! the detection crate's own loader, so a guild rule means exactly what a shipped one does.

use serde::Serialize;

use super::{Field, GuildRule, InputError, Kind, NewRule, REGEX_NEST_LIMIT, REGEX_SIZE_LIMIT};
use crate::safety::{normalize, RuleError, RuleSet};

/// Every guild rule's id starts with this, then the guild and the rule's number
/// (`guild.123.7`): an alert's match or an explanation says it is a guild's rule.
pub const GUILD_RULE_PREFIX: &str = "guild.";

/// The id of a guild rule in the compiled set and the exported file.
pub fn rule_id(guild_id: u64, id: i64) -> String {
    format!("{GUILD_RULE_PREFIX}{guild_id}.{id}")
}

/// The number of the guild rule whose id is `rule_id` (`guild.123.7` -> 7); `None` for a
/// shipped rule.
pub fn rule_number(rule_id: &str) -> Option<i64> {
    let rest = rule_id.strip_prefix(GUILD_RULE_PREFIX)?;
    rest.rsplit_once('.')?.1.parse().ok()
}

#[derive(Serialize)]
struct File {
    rule: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    id: String,
    category: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    terms: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    regex: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    when: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    exceptions: Vec<String>,
}

/// One rule table for `rule` under `id`.
fn table(id: String, rule: &NewRule) -> Rule {
    let (terms, regex, when) = match rule.kind {
        Kind::Term => (vec![rule.term.clone()], Vec::new(), Vec::new()),
        // Checked when the rule was added; a regex whose words cannot be read here gets no
        // prefilter, and the loader refuses the file, naming the rule.
        Kind::Regex => (
            Vec::new(),
            vec![rule.term.clone()],
            prefilter(&rule.term).unwrap_or_default(),
        ),
    };
    Rule {
        id,
        category: rule.category.as_str(),
        severity: rule.severity.as_str(),
        terms,
        regex,
        when,
        exceptions: rule.exception.iter().cloned().collect(),
    }
}

/// The rule file of `rules` (in order), in the shipped format.
pub fn to_toml(guild_id: u64, rules: &[GuildRule]) -> String {
    let file = File {
        rule: rules
            .iter()
            .map(|r| table(rule_id(guild_id, r.id), &r.rule))
            .collect(),
    };
    let body = toml::to_string(&file).unwrap_or_default();
    format!(
        "# Rules added from Discord (/motcle) by guild {guild_id}; format: rules/fr.toml.\n\n{body}"
    )
}

/// The guild's own rule set, compiled apart from the shipped one.
pub fn compile(guild_id: u64, rules: &[GuildRule]) -> Result<RuleSet, RuleError> {
    RuleSet::from_sources(&[(format!("guild {guild_id}"), to_toml(guild_id, rules))])
}

/// A set holding `rule` alone (to try it on the harmless lines before it is saved).
pub(super) fn compile_one(rule: &NewRule) -> Result<RuleSet, RuleError> {
    let file = File {
        rule: vec![table(rule_id(0, 0), rule)],
    };
    let text = toml::to_string(&file).unwrap_or_default();
    RuleSet::from_sources(&[("new rule", text)])
}

/// The regex compiles within the limits and starts with fixed words.
pub(super) fn check_regex(field: Field, re: &str) -> Result<(), InputError> {
    let bad = |e: String| InputError::BadRegex { field, reason: e };
    match regex_syntax::ParserBuilder::new()
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .parse(re)
    {
        Ok(_) => {}
        Err(regex_syntax::Error::Parse(e))
            if matches!(e.kind(), regex_syntax::ast::ErrorKind::NestLimitExceeded(_)) =>
        {
            return Err(InputError::CostlyRegex(field))
        }
        Err(e) => return Err(bad(first_line(&e.to_string()))),
    }
    match regex::RegexBuilder::new(re)
        .size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
    {
        Ok(_) => {}
        Err(regex::Error::CompiledTooBig(_)) => return Err(InputError::CostlyRegex(field)),
        Err(e) => return Err(bad(first_line(&e.to_string()))),
    }
    prefilter(re)
        .map(|_| ())
        .ok_or(InputError::RegexWithoutWords(field))
}

/// The regex parser's messages draw the pattern over several lines; the last line says why.
fn first_line(msg: &str) -> String {
    msg.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(msg)
        .trim()
        .trim_start_matches("error: ")
        .to_owned()
}

/// The fixed words every match of `re` starts with, as `when` prefilter terms (`*word*`), or
/// `None` when a match could start with anything (or with less than 2 letters).
fn prefilter(re: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::parse(re).ok()?;
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() {
        return None;
    }
    let mut when = Vec::with_capacity(literals.len());
    for lit in literals {
        let words = normalize(std::str::from_utf8(lit.as_bytes()).ok()?);
        if words.chars().count() < 2 {
            return None;
        }
        let term = format!("*{words}*");
        if !when.contains(&term) {
            when.push(term);
        }
    }
    Some(when)
}
