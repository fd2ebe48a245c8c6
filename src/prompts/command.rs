//! Replies to `/alerte` and the generic replies every command shares.

use super::registry::*;
use super::text::user_mention;
use super::{categories_label, elapsed, outcome_label, render, severity_label, status_label, Lang};
use crate::domain::alerts::{AlertStatus, Outcome, TransitionError, MAX_NOTE_CHARS};
use crate::safety::{Category, Severity};

/// One alert in the `/alerte` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertListItem<'a> {
    pub id: i64,
    pub severity: Severity,
    pub categories: &'a [Category],
    pub status: AlertStatus,
    pub taken_by: Option<u64>,
    /// How long since the alert was flagged, in milliseconds.
    pub age_ms: i64,
    /// Link to the alert message in the alert channel.
    pub url: &'a str,
}

/// Header of the `/alerte` list: "Alertes en attente : 3".
pub fn alerte_list_header(lang: Lang, count: usize) -> String {
    render(lang, &ALERTE_LIST_HEADER, &[("count", &count.to_string())])
}

/// The `/alerte` list when nothing waits.
pub fn alerte_list_empty(lang: Lang) -> String {
    render(lang, &ALERTE_LIST_EMPTY, &[])
}

/// One line of the `/alerte` list.
pub fn alerte_list_line(lang: Lang, item: &AlertListItem<'_>) -> String {
    render(
        lang,
        &ALERTE_LIST_LINE,
        &[
            ("id", &item.id.to_string()),
            ("severity", &severity_label(lang, item.severity)),
            ("category", &categories_label(lang, item.categories)),
            ("status", &status_label(lang, item.status, item.taken_by)),
            ("age", &elapsed(lang, item.age_ms)),
            ("link", item.url),
        ],
    )
}

/// The whole list: the header then one line per alert, or the empty message.
pub fn alerte_list(lang: Lang, items: &[AlertListItem<'_>]) -> String {
    if items.is_empty() {
        return alerte_list_empty(lang);
    }
    let mut lines = vec![alerte_list_header(lang, items.len())];
    lines.extend(items.iter().map(|item| alerte_list_line(lang, item)));
    lines.join("\n")
}

pub fn alerte_taken_ok(lang: Lang, id: i64) -> String {
    render(lang, &ALERTE_TAKEN_OK, &[("id", &id.to_string())])
}

/// "L'alerte #12 est déjà prise en charge par @X."
pub fn alerte_already_taken(lang: Lang, id: i64, by: u64) -> String {
    render(
        lang,
        &ALERTE_ALREADY_TAKEN,
        &[("id", &id.to_string()), ("by", &user_mention(by))],
    )
}

pub fn alerte_already_closed(lang: Lang, id: i64) -> String {
    render(lang, &ALERTE_ALREADY_CLOSED, &[("id", &id.to_string())])
}

pub fn alerte_not_closed(lang: Lang, id: i64) -> String {
    render(lang, &ALERTE_NOT_CLOSED, &[("id", &id.to_string())])
}

pub fn alerte_closed_ok(lang: Lang, id: i64, outcome: Outcome) -> String {
    render(
        lang,
        &ALERTE_CLOSED_OK,
        &[
            ("id", &id.to_string()),
            ("outcome", &outcome_label(lang, outcome)),
        ],
    )
}

pub fn alerte_reopened_ok(lang: Lang, id: i64) -> String {
    render(lang, &ALERTE_REOPENED_OK, &[("id", &id.to_string())])
}

pub fn alerte_not_found(lang: Lang, id: i64) -> String {
    render(lang, &ALERTE_NOT_FOUND, &[("id", &id.to_string())])
}

/// The reply for a refused transition of alert `id`.
pub fn transition_refused(lang: Lang, id: i64, error: &TransitionError) -> String {
    match error {
        TransitionError::AlreadyTaken { by } => alerte_already_taken(lang, id, *by),
        TransitionError::AlreadyClosed => alerte_already_closed(lang, id),
        TransitionError::NotClosed => alerte_not_closed(lang, id),
        TransitionError::NoteTooLong { len } => note_too_long(lang, *len),
    }
}

/// `/aide`: what the bot does and how to reach a promeneur.
pub fn help(lang: Lang) -> String {
    render(lang, &HELP, &[])
}

/// Polite refusal for someone who is not staff.
pub fn not_staff(lang: Lang) -> String {
    render(lang, &NOT_STAFF, &[])
}

/// "Oups, quelque chose n'a pas marché…": the reply when something failed on our side.
pub fn generic_error(lang: Lang) -> String {
    render(lang, &GENERIC_ERROR, &[])
}

/// A command argument was refused; `reason` says why (sanitise it if it quotes the user).
pub fn bad_argument(lang: Lang, reason: &str) -> String {
    render(lang, &BAD_ARGUMENT, &[("reason", reason)])
}

pub fn note_too_long(lang: Lang, len: usize) -> String {
    render(
        lang,
        &NOTE_TOO_LONG,
        &[
            ("len", &len.to_string()),
            ("max", &MAX_NOTE_CHARS.to_string()),
        ],
    )
}

/// An outcome typed in the close modal that we do not understand; `input` is the user's text,
/// sanitised here because it is echoed back.
pub fn unknown_outcome(lang: Lang, input: &str) -> String {
    let choices = Outcome::ALL
        .iter()
        .map(|&o| outcome_label(lang, o))
        .collect::<Vec<_>>()
        .join(", ");
    let input = super::text::sanitize(&super::text::truncate_chars(input, 100));
    render(
        lang,
        &UNKNOWN_OUTCOME,
        &[("input", &input), ("choices", &choices)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64) -> AlertListItem<'static> {
        AlertListItem {
            id,
            severity: Severity::High,
            categories: &[Category::Harassment],
            status: AlertStatus::Taken,
            taken_by: Some(42),
            age_ms: 20 * 60_000,
            url: "https://discord.com/channels/1/2/3",
        }
    }

    #[test]
    fn a_list_line_shows_everything_a_promeneur_needs() {
        assert_eq!(
            alerte_list_line(Lang::Fr, &item(12)),
            "**#12** · élevée · harcèlement · prise par <@42> · depuis 20 min · \
             https://discord.com/channels/1/2/3"
        );
    }

    #[test]
    fn an_empty_list_says_so_without_a_header() {
        assert_eq!(alerte_list(Lang::Fr, &[]), alerte_list_empty(Lang::Fr));
    }

    #[test]
    fn a_list_has_a_header_and_one_line_per_alert() {
        let text = alerte_list(Lang::Fr, &[item(1), item(2)]);
        assert_eq!(text.lines().count(), 3);
        assert!(text.starts_with("**Alertes en attente : 2**"));
    }

    #[test]
    fn a_refused_take_names_who_holds_the_alert() {
        assert_eq!(
            transition_refused(Lang::Fr, 3, &TransitionError::AlreadyTaken { by: 7 }),
            "L'alerte #3 est déjà prise en charge par <@7>."
        );
    }

    #[test]
    fn an_unknown_outcome_is_echoed_safely() {
        let text = unknown_outcome(Lang::Fr, "@everyone **lol**");
        assert!(!text.contains("@everyone"));
        assert!(text.contains("faux positif"));
    }

    #[test]
    fn the_generic_error_is_the_friendly_one() {
        assert!(generic_error(Lang::Fr).starts_with("Oups, quelque chose n'a pas marché…"));
    }
}
