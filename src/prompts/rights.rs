//! A young person's rights: seeing (`/mes-donnees`), erasing (`/oubli`) and reading what the
//! bot keeps (`/confidentialite`).

use super::registry::*;
use super::text::user_mention;
use super::{render, Lang};

/// The DM that carries the file of a young person's data: what is kept and for how long.
pub fn rights_export_dm(lang: Lang, retention_days: u32, journal_days: u32) -> String {
    render(
        lang,
        &RIGHTS_EXPORT_DM,
        &[
            ("days", &retention_days.to_string()),
            ("journal_days", &journal_days.to_string()),
        ],
    )
}

/// The ephemeral answer to `/mes-donnees` once the DM is sent.
pub fn rights_export_sent(lang: Lang) -> String {
    render(lang, &RIGHTS_EXPORT_SENT, &[])
}

/// The ephemeral answer to `/mes-donnees` when the DM could not be sent.
pub fn rights_export_dm_closed(lang: Lang) -> String {
    render(lang, &RIGHTS_EXPORT_DM_CLOSED, &[])
}

/// `/oubli`: what erasing does, above the confirm button.
pub fn rights_forget_confirm(lang: Lang) -> String {
    render(lang, &RIGHTS_FORGET_CONFIRM, &[])
}

/// The label of `/oubli`'s confirm button.
pub fn rights_forget_button(lang: Lang) -> String {
    render(lang, &RIGHTS_FORGET_BUTTON, &[])
}

/// After the erasure.
pub fn rights_forget_done(lang: Lang) -> String {
    render(lang, &RIGHTS_FORGET_DONE, &[])
}

/// `/confidentialite`: what the bot reads, keeps, for how long, who sees it, the rights.
pub fn rights_privacy(lang: Lang, retention_days: u32, journal_days: u32) -> String {
    render(
        lang,
        &RIGHTS_PRIVACY,
        &[
            ("days", &retention_days.to_string()),
            ("journal_days", &journal_days.to_string()),
        ],
    )
}

/// To the promeneur who held an alert (or the alert channel): the alert was closed by an
/// erasure. No content.
pub fn rights_alert_erased(lang: Lang, alert_id: i64, promeneur: Option<u64>) -> String {
    let who = promeneur.map(user_mention).unwrap_or_default();
    let text = render(
        lang,
        &RIGHTS_ALERT_ERASED,
        &[("promeneur", &who), ("alert_id", &alert_id.to_string())],
    );
    text.trim_start().to_string()
}
