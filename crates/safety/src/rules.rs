//! Rule files: the TOML format, its parsing and validation into specs (what `compile.rs` turns
//! into a [`crate::RuleSet`]), with errors that name the file, the line and why. No file I/O
//! here: `load.rs` reads the files.
//!
//! A file holds three kinds of tables:
//!
//! ```toml
//! [[rule]]                       # words that flag a message
//! id = "fr.suicide.intent"
//! category = "suicide_selfharm"  # one of the design's eight ids
//! severity = "high"              # low, medium, high, critical, or "signal" (never flags alone,
//!                                # only feeds combinations: a time, a means, a target cue...)
//! terms = ["veux mourir", "suicid*"]   # AutoMod-like: whole word; `*` first/last = prefix,
//!                                      # suffix or anywhere
//! regex = ['\d+ ?mg']            # optional, run on the normalised text only when a `when`
//! when = ["mg"]                  # term hits (cheap prefilter; required with `regex`)
//! exceptions = ["mort de rire"]  # cancel this rule where one of these phrases covers the match
//!
//! [[exception]]                  # idioms and contexts shared by many rules
//! id = "fr.ctx.gaming"
//! terms = ["en ranked"]
//! scope = "message"              # "overlap" (default): must cover the match; "message": anywhere
//! action = "lower"               # "cancel" (default) or "lower" (one level)
//! rules = ["fr.sexual.*"]        # which rules (ids, `*` suffix for a prefix); or `categories`
//!
//! [[combo]]                      # combinations raise severity
//! id = "fr.suicide.plan"
//! category = "suicide_selfharm"
//! severity = "critical"
//! all = [["fr.suicide.*"], ["fr.sig.time", "fr.sig.means"]]   # one hit from each group
//! within = 120                   # optional: parts at most this many bytes apart
//! ```
//!
//! Terms are normalised exactly like messages, so `tuée`, `TUEE` and `tu33` are the same term.
//! Regexes see the normalised text (lowercase ASCII, no accents, doubled letters squeezed).

use serde::Deserialize;
use toml::Spanned;

use crate::normalize::normalize;
use crate::{Category, Severity};

/// A rule file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    exception: Vec<RawException>,
    #[serde(default)]
    combo: Vec<RawCombo>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    category: Spanned<String>,
    severity: Spanned<String>,
    #[serde(default)]
    terms: Vec<Spanned<String>>,
    #[serde(default)]
    regex: Vec<Spanned<String>>,
    #[serde(default)]
    when: Vec<Spanned<String>>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    id: Spanned<String>,
    terms: Vec<Spanned<String>>,
    #[serde(default)]
    scope: Option<Spanned<String>>,
    #[serde(default)]
    action: Option<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCombo {
    id: Spanned<String>,
    category: Spanned<String>,
    severity: Spanned<String>,
    all: Spanned<Vec<Vec<String>>>,
    #[serde(default)]
    within: Option<usize>,
}

/// Where a rule came from, for error messages and `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub file: String,
    pub line: usize,
}

impl Origin {
    pub(crate) fn error(&self, reason: impl Into<String>) -> RuleError {
        RuleError {
            file: self.file.clone(),
            line: self.line,
            reason: reason.into(),
        }
    }
}

/// A normalised term and where word boundaries are required.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Term {
    pub text: String,
    pub left: bool,
    pub right: bool,
}

/// A rule id pattern: exact, or a prefix when written with a trailing `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdPattern {
    Exact(String),
    Prefix(String),
}

impl IdPattern {
    fn parse(s: &str) -> IdPattern {
        match s.strip_suffix('*') {
            Some(p) => IdPattern::Prefix(p.to_owned()),
            None => IdPattern::Exact(s.to_owned()),
        }
    }

    pub(crate) fn matches(&self, id: &str) -> bool {
        match self {
            IdPattern::Exact(e) => e == id,
            IdPattern::Prefix(p) => id.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RuleSpec {
    pub id: String,
    pub category: Category,
    /// `None` for a signal rule.
    pub severity: Option<Severity>,
    pub terms: Vec<Term>,
    pub regexes: Vec<regex::Regex>,
    pub when: Vec<Term>,
    pub exceptions: Vec<Term>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Overlap,
    Message,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Cancel,
    Lower,
}

#[derive(Debug, Clone)]
pub(crate) struct ExceptionSpec {
    pub id: String,
    pub terms: Vec<Term>,
    pub scope: Scope,
    pub action: Action,
    pub rules: Vec<IdPattern>,
    pub categories: Vec<Category>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub(crate) struct ComboSpec {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub groups: Vec<Vec<IdPattern>>,
    pub within: Option<usize>,
    pub origin: Origin,
}

/// Everything parsed from a set of files, before compilation into a rule set.
#[derive(Debug, Default, Clone)]
pub(crate) struct Specs {
    pub rules: Vec<RuleSpec>,
    pub exceptions: Vec<ExceptionSpec>,
    pub combos: Vec<ComboSpec>,
}

/// 1-based line of byte offset `pos` in `src`.
fn line_of(src: &str, pos: usize) -> usize {
    let pos = pos.min(src.len());
    src.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

struct Ctx<'a> {
    file: &'a str,
    src: &'a str,
}

impl Ctx<'_> {
    fn origin<T>(&self, s: &Spanned<T>) -> Origin {
        Origin {
            file: self.file.to_owned(),
            line: line_of(self.src, s.span().start),
        }
    }

    fn err<T>(&self, at: &Spanned<T>, reason: impl Into<String>) -> RuleError {
        self.origin(at).error(reason)
    }

    fn category(&self, what: &str, c: &Spanned<String>) -> Result<Category, RuleError> {
        c.get_ref()
            .parse()
            .map_err(|e| self.err(c, format!("{what}: {e}")))
    }

    fn terms(&self, what: &str, raw: &[Spanned<String>]) -> Result<Vec<Term>, RuleError> {
        raw.iter()
            .map(|t| parse_term(t.get_ref()).map_err(|r| self.err(t, format!("{what}: {r}"))))
            .collect()
    }
}

/// Parses one term: `*` at the start or end lifts the word boundary on that side.
pub(crate) fn parse_term(raw: &str) -> Result<Term, String> {
    let trimmed = raw.trim();
    let (left, rest) = match trimmed.strip_prefix('*') {
        Some(r) => (false, r),
        None => (true, trimmed),
    };
    let (right, body) = match rest.strip_suffix('*') {
        Some(r) => (false, r),
        None => (true, rest),
    };
    let text = normalize(body);
    if text.is_empty() {
        return Err(format!("term `{raw}` is empty once normalised"));
    }
    Ok(Term { text, left, right })
}

/// Parses one rule file from its text. `file` is only used in error messages.
pub(crate) fn parse_file(file: &str, src: &str, into: &mut Specs) -> Result<(), RuleError> {
    let raw: RawFile = toml::from_str(src).map_err(|e| RuleError {
        file: file.to_owned(),
        line: e.span().map(|s| line_of(src, s.start)).unwrap_or(1),
        reason: e.message().trim().to_owned(),
    })?;
    let cx = Ctx { file, src };
    for r in raw.rule {
        into.rules.push(parse_rule(&cx, r)?);
    }
    for x in raw.exception {
        into.exceptions.push(parse_exception(&cx, x)?);
    }
    for c in raw.combo {
        into.combos.push(parse_combo(&cx, c)?);
    }
    Ok(())
}

fn parse_rule(cx: &Ctx<'_>, r: RawRule) -> Result<RuleSpec, RuleError> {
    let id = r.id.get_ref().trim().to_owned();
    let what = format!("rule `{id}`");
    if id.is_empty() {
        return Err(cx.err(&r.id, "rule with an empty id"));
    }
    let category = cx.category(&what, &r.category)?;
    let severity = match r.severity.get_ref().as_str() {
        "signal" => None,
        s => match s.parse::<Severity>() {
            Ok(Severity::None) | Err(_) => {
                return Err(cx.err(
                    &r.severity,
                    format!(
                        "{what}: unknown severity `{s}` (low, medium, high, critical or signal)"
                    ),
                ))
            }
            Ok(sev) => Some(sev),
        },
    };
    let terms = cx.terms(&what, &r.terms)?;
    let when = cx.terms(&what, &r.when)?;
    let exceptions = cx.terms(&what, &r.exceptions)?;
    let mut regexes = Vec::with_capacity(r.regex.len());
    for re in &r.regex {
        let compiled = regex::RegexBuilder::new(re.get_ref())
            .size_limit(1 << 20)
            .build()
            .map_err(|e| cx.err(re, format!("{what}: bad regex: {e}")))?;
        regexes.push(compiled);
    }
    if !regexes.is_empty() && when.is_empty() {
        return Err(cx.err(
            &r.id,
            format!("{what}: `regex` needs `when` prefilter terms"),
        ));
    }
    if terms.is_empty() && regexes.is_empty() {
        return Err(cx.err(&r.id, format!("{what}: no `terms` and no `regex`")));
    }
    Ok(RuleSpec {
        id,
        category,
        severity,
        terms,
        regexes,
        when,
        exceptions,
        origin: cx.origin(&r.id),
    })
}

fn parse_exception(cx: &Ctx<'_>, x: RawException) -> Result<ExceptionSpec, RuleError> {
    let id = x.id.get_ref().trim().to_owned();
    let what = format!("exception `{id}`");
    let terms = cx.terms(&what, &x.terms)?;
    if terms.is_empty() {
        return Err(cx.err(&x.id, format!("{what}: no `terms`")));
    }
    let scope = match x.scope.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("overlap") => Scope::Overlap,
        Some("message") => Scope::Message,
        Some(other) => {
            let at = x.scope.as_ref().unwrap_or(&x.id);
            return Err(cx.err(
                at,
                format!("{what}: unknown scope `{other}` (overlap or message)"),
            ));
        }
    };
    let action = match x.action.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("cancel") => Action::Cancel,
        Some("lower") => Action::Lower,
        Some(other) => {
            let at = x.action.as_ref().unwrap_or(&x.id);
            return Err(cx.err(
                at,
                format!("{what}: unknown action `{other}` (cancel or lower)"),
            ));
        }
    };
    let categories = x
        .categories
        .iter()
        .map(|c| cx.category(&what, c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ExceptionSpec {
        id,
        terms,
        scope,
        action,
        rules: x
            .rules
            .iter()
            .map(|r| IdPattern::parse(r.get_ref()))
            .collect(),
        categories,
        origin: cx.origin(&x.id),
    })
}

fn parse_combo(cx: &Ctx<'_>, c: RawCombo) -> Result<ComboSpec, RuleError> {
    let id = c.id.get_ref().trim().to_owned();
    let what = format!("combo `{id}`");
    let category = cx.category(&what, &c.category)?;
    let severity = match c.severity.get_ref().parse::<Severity>() {
        Ok(Severity::None) | Err(_) => {
            return Err(cx.err(
                &c.severity,
                format!(
                    "{what}: unknown severity `{}` (low, medium, high or critical)",
                    c.severity.get_ref()
                ),
            ))
        }
        Ok(s) => s,
    };
    let groups: Vec<Vec<IdPattern>> = c
        .all
        .get_ref()
        .iter()
        .map(|g| g.iter().map(|p| IdPattern::parse(p)).collect())
        .collect();
    if groups.len() < 2 || groups.len() > 8 || groups.iter().any(|g| g.is_empty()) {
        return Err(cx.err(
            &c.all,
            format!("{what}: `all` needs 2 to 8 non-empty groups of rule ids"),
        ));
    }
    Ok(ComboSpec {
        id,
        category,
        severity,
        groups,
        within: c.within,
        origin: cx.origin(&c.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Specs, RuleError> {
        let mut s = Specs::default();
        parse_file("rules/test.toml", src, &mut s).map(|_| s)
    }

    #[test]
    fn an_unknown_category_is_refused_with_file_line_and_rule() {
        let src = "\n[[rule]]\nid = \"x\"\ncategory = \"suicid\"\nseverity = \"high\"\nterms = [\"a b\"]\n";
        let e = parse(src).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rules/test.toml:4: rule `x`: unknown category `suicid` (expected one of: \
             suicide_selfharm, sexual_violence, domestic_violence, harassment, violence_threat, \
             substances, eating_disorder, distress)"
        );
    }

    #[test]
    fn a_toml_syntax_error_names_its_line() {
        let e = parse("[[rule]]\nid = \"x\"\nterms = [\n").unwrap_err();
        assert_eq!(e.file, "rules/test.toml");
        assert!(e.line >= 3, "{e}");
    }

    #[test]
    fn a_regex_without_prefilter_and_a_bad_regex_are_refused() {
        let src =
            "[[rule]]\nid = \"x\"\ncategory = \"substances\"\nseverity = \"low\"\nregex = ['a']\n";
        assert!(parse(src).unwrap_err().reason.contains("when"));
        let src = "[[rule]]\nid = \"x\"\ncategory = \"substances\"\nseverity = \"low\"\nwhen = [\"a\"]\nregex = ['(']\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.reason.contains("bad regex"));
    }

    #[test]
    fn terms_are_normalised_and_stars_lift_boundaries() {
        let t = parse_term("*Suicidé*").unwrap();
        assert_eq!(
            t,
            Term {
                text: "suicide".into(),
                left: false,
                right: false
            }
        );
        assert!(parse_term("**").is_err());
    }
}
