//! The alert as staff see it: embed title and fields, status lines, buttons, the close modal,
//! the message that pings the promeneur role, and the escalation to coordinators.

use super::registry::*;
use super::text::{role_mention, user_mention};
use super::{categories_label, elapsed, outcome_label, render, severity_label, Lang};
use crate::domain::alerts::{AlertState, AlertStatus, Outcome};
use crate::safety::{Category, Severity};

/// A field of the alert embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertField {
    Category,
    Severity,
    Channel,
    Author,
    Excerpt,
    Time,
    Link,
    Status,
    Target,
}

impl AlertField {
    pub const ALL: [AlertField; 9] = [
        Self::Category,
        Self::Severity,
        Self::Channel,
        Self::Author,
        Self::Excerpt,
        Self::Time,
        Self::Link,
        Self::Status,
        Self::Target,
    ];
}

/// Embed title: "Alerte critique : harcèlement".
pub fn alert_title(lang: Lang, severity: Severity, categories: &[Category]) -> String {
    render(
        lang,
        &ALERT_TITLE,
        &[
            ("severity", &severity_label(lang, severity)),
            ("category", &categories_label(lang, categories)),
        ],
    )
}

/// The name of an embed field: "Catégorie", "Gravité", "Salon"...
pub fn alert_field_label(lang: Lang, field: AlertField) -> String {
    let template = match field {
        AlertField::Category => &ALERT_FIELD_CATEGORY,
        AlertField::Severity => &ALERT_FIELD_SEVERITY,
        AlertField::Channel => &ALERT_FIELD_CHANNEL,
        AlertField::Author => &ALERT_FIELD_AUTHOR,
        AlertField::Excerpt => &ALERT_FIELD_EXCERPT,
        AlertField::Time => &ALERT_FIELD_TIME,
        AlertField::Link => &ALERT_FIELD_LINK,
        AlertField::Status => &ALERT_FIELD_STATUS,
        AlertField::Target => &ALERT_FIELD_TARGET,
    };
    render(lang, template, &[])
}

/// The name of the authors field when several people wrote an alert's messages (a pile-on).
pub fn alert_field_authors(lang: Lang, count: usize) -> String {
    render(lang, &ALERT_FIELD_AUTHORS, &[("count", &count.to_string())])
}

/// The target field of an aggression whose target is unknown.
pub fn alert_target_unknown(lang: Lang) -> String {
    render(lang, &ALERT_TARGET_UNKNOWN, &[])
}

/// The line under a message that tipped a pile-on: how many messages from how many people aim
/// at whom (a pseudonym, or `None` when unknown) since when (a Discord timestamp), with a link
/// to the first one; and a second line when a plea tipped it.
pub fn alert_pile_on(
    lang: Lang,
    (messages, authors): (u32, u32),
    target: Option<&str>,
    since: &str,
    first_url: &str,
    plea: bool,
) -> String {
    let unknown;
    let target = match target {
        Some(t) => t,
        None => {
            unknown = render(lang, &ALERT_PILE_ON_TARGET_UNKNOWN, &[]);
            &unknown
        }
    };
    let mut line = render(
        lang,
        &ALERT_PILE_ON,
        &[
            ("messages", &messages.to_string()),
            ("authors", &authors.to_string()),
            ("target", target),
            ("since", since),
            ("url", first_url),
        ],
    );
    if plea {
        line.push('\n');
        line.push_str(&render(lang, &ALERT_PILE_ON_PLEA, &[]));
    }
    line
}

/// The value of the link field: a Markdown link to the flagged message.
pub fn alert_jump_link(lang: Lang, message_url: &str) -> String {
    render(lang, &ALERT_JUMP_LINK, &[("url", message_url)])
}

/// Status line: open.
pub fn alert_status_open(lang: Lang) -> String {
    render(lang, &ALERT_STATUS_OPEN, &[])
}

/// Status line: taken by a promeneur (a user mention; mentions in embeds never ping).
pub fn alert_status_taken(lang: Lang, promeneur_id: u64) -> String {
    render(
        lang,
        &ALERT_STATUS_TAKEN,
        &[("promeneur", &user_mention(promeneur_id))],
    )
}

/// Status line: closed with an outcome.
pub fn alert_status_closed(lang: Lang, outcome: Outcome) -> String {
    render(
        lang,
        &ALERT_STATUS_CLOSED,
        &[("outcome", &outcome_label(lang, outcome))],
    )
}

/// The status line for an alert's current state.
pub fn alert_status_line(lang: Lang, state: &AlertState) -> String {
    match (state.status, state.taken_by, state.outcome) {
        (AlertStatus::Closed, _, Some(outcome)) => alert_status_closed(lang, outcome),
        (AlertStatus::Closed, _, None) => alert_status_closed(lang, Outcome::Autre),
        (AlertStatus::Taken, Some(by), _) => alert_status_taken(lang, by),
        _ => alert_status_open(lang),
    }
}

/// Footer note when a burst of messages was grouped: "3 messages regroupés dans cette alerte".
pub fn alert_burst_note(lang: Lang, count: u32) -> String {
    render(lang, &ALERT_BURST_NOTE, &[("count", &count.to_string())])
}

/// Note when the helpline card could not be sent by DM (Discord error 50007).
pub fn alert_dm_refused(lang: Lang) -> String {
    render(lang, &ALERT_DM_REFUSED, &[])
}

/// The message content above the embed; it mentions the promeneur role, which the caller
/// must list (alone) in `allowed_mentions`.
pub fn alert_content(lang: Lang, promeneur_role_id: u64, severity: Severity) -> String {
    render(
        lang,
        &ALERT_CONTENT,
        &[
            ("role", &role_mention(promeneur_role_id)),
            ("severity", &severity_label(lang, severity)),
        ],
    )
}

/// Button label: "Je prends".
pub fn button_take(lang: Lang) -> String {
    render(lang, &ALERT_BUTTON_TAKE, &[])
}

/// Button label: "Clore".
pub fn button_close(lang: Lang) -> String {
    render(lang, &ALERT_BUTTON_CLOSE, &[])
}

/// Close modal: its title.
pub fn close_modal_title(lang: Lang) -> String {
    render(lang, &CLOSE_MODAL_TITLE, &[])
}

/// Close modal: the outcome field's label.
pub fn close_modal_outcome_label(lang: Lang) -> String {
    render(lang, &CLOSE_MODAL_OUTCOME, &[])
}

/// Close modal: the outcome field's placeholder, listing the accepted answers.
pub fn close_modal_outcome_hint(lang: Lang) -> String {
    render(lang, &CLOSE_MODAL_OUTCOME_HINT, &[])
}

/// Close modal: the note field's label.
pub fn close_modal_note_label(lang: Lang) -> String {
    render(lang, &CLOSE_MODAL_NOTE, &[])
}

/// Escalation to coordinators: an alert nobody took, how long it has waited, and its link.
/// Mentions the coordinator role, which the caller lists in `allowed_mentions`.
pub fn escalation_message(
    lang: Lang,
    coordinator_role_id: u64,
    severity: Severity,
    categories: &[Category],
    waiting_ms: i64,
    alert_url: &str,
) -> String {
    render(
        lang,
        &ESCALATION_MESSAGE,
        &[
            ("role", &role_mention(coordinator_role_id)),
            ("severity", &severity_label(lang, severity)),
            ("category", &categories_label(lang, categories)),
            ("age", &elapsed(lang, waiting_ms)),
            ("link", alert_url),
        ],
    )
}

/// The content above a pack of alerts (several alerts in one message, when they pile up
/// behind Discord's limits). It pings the promeneurs on duty (`on_duty`) or, when nobody is,
/// the promeneur role, which the caller must list (alone) in `allowed_mentions`.
pub fn alert_pack_content(
    lang: Lang,
    promeneur_role_id: u64,
    on_duty: &[u64],
    count: usize,
    gravest: Severity,
) -> String {
    let who = if on_duty.is_empty() {
        role_mention(promeneur_role_id)
    } else {
        on_duty
            .iter()
            .map(|&id| user_mention(id))
            .collect::<Vec<_>>()
            .join(" ")
    };
    render(
        lang,
        &ALERT_PACK_CONTENT,
        &[
            ("who", &who),
            ("count", &count.to_string()),
            ("severity", &severity_label(lang, gravest)),
        ],
    )
}

/// The title of the `number`th alert of a pack.
pub fn alert_pack_title(lang: Lang, number: usize, title: &str) -> String {
    render(
        lang,
        &ALERT_PACK_TITLE,
        &[("number", &number.to_string()), ("title", title)],
    )
}

/// Button label: "Je prends n°2".
pub fn pack_button_take(lang: Lang, number: usize) -> String {
    render(
        lang,
        &ALERT_PACK_BUTTON_TAKE,
        &[("number", &number.to_string())],
    )
}

/// Button label: "Clore n°2".
pub fn pack_button_close(lang: Lang, number: usize) -> String {
    render(
        lang,
        &ALERT_PACK_BUTTON_CLOSE,
        &[("number", &number.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alert_title_names_severity_and_category_in_french() {
        assert_eq!(
            alert_title(Lang::Fr, Severity::Critical, &[Category::SuicideSelfharm]),
            "Alerte critique : idées suicidaires, automutilation"
        );
    }

    #[test]
    fn the_alert_content_pings_only_the_given_role() {
        let content = alert_content(Lang::Fr, 555, Severity::High);
        assert!(content.starts_with("<@&555> "));
        assert!(!content.contains("@everyone"));
        assert!(!content.contains("@here"));
    }

    #[test]
    fn the_status_line_follows_the_alert_state() {
        let open = AlertState::open(0);
        assert!(alert_status_line(Lang::Fr, &open).contains("Ouverte"));
        let taken = open.take(42, 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            alert_status_line(Lang::Fr, &taken),
            "🟠 Prise en charge par <@42>"
        );
        let closed = taken
            .close(42, Outcome::Oriente, None, 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            alert_status_line(Lang::Fr, &closed),
            "🟢 Close : orienté·e vers un service"
        );
    }

    #[test]
    fn the_escalation_gives_the_age_and_the_link() {
        let text = escalation_message(
            Lang::Fr,
            9,
            Severity::Critical,
            &[Category::SuicideSelfharm],
            6 * 60_000,
            "https://discord.com/channels/1/2/3",
        );
        assert!(text.starts_with("<@&9> "));
        assert!(text.contains("**6 min**"));
        assert!(text.contains("https://discord.com/channels/1/2/3"));
    }
}
