//! Texts of questions: the acknowledgement, the anonymous and private ways, relays, staff
//! replies, the list, reminders. User text passed in must be sanitized by the caller.

use super::registry::*;
use super::text::user_mention;
use super::{elapsed, render, Lang};
use crate::domain::questions::{QuestionOutcome, QuestionStatus, Way};

pub fn way_label(lang: Lang, way: Way) -> String {
    let t = match way {
        Way::Open => &QL_WAY_OPEN,
        Way::Anonymous => &QL_WAY_ANONYMOUS,
        Way::Private => &QL_WAY_PRIVATE,
    };
    render(lang, t, &[])
}

pub fn question_status_label(lang: Lang, status: QuestionStatus) -> String {
    let t = match status {
        QuestionStatus::Open => &QL_QUESTION_STATUS_OPEN,
        QuestionStatus::Taken => &QL_QUESTION_STATUS_TAKEN,
        QuestionStatus::Answered => &QL_QUESTION_STATUS_ANSWERED,
        QuestionStatus::Closed => &QL_QUESTION_STATUS_CLOSED,
    };
    render(lang, t, &[])
}

pub fn question_outcome_label(lang: Lang, outcome: QuestionOutcome) -> String {
    let t = match outcome {
        QuestionOutcome::Repondu => &QL_QUESTION_OUTCOME_REPONDU,
        QuestionOutcome::Oriente => &QL_QUESTION_OUTCOME_ORIENTE,
        QuestionOutcome::SansSuite => &QL_QUESTION_OUTCOME_SANS_SUITE,
    };
    render(lang, t, &[])
}

/// The acknowledgement in a question's thread; `on_duty` says who answers (or when).
pub fn question_ack(lang: Lang, on_duty: &str) -> String {
    render(lang, &QUESTION_ACK, &[("on_duty", on_duty)])
}

/// Who answers, when the permanences say nothing more precise.
pub fn question_on_duty_default(lang: Lang) -> String {
    render(lang, &QUESTION_ON_DUTY_DEFAULT, &[])
}

/// The acknowledgement's status line once a promeneur took, answered or closed it.
pub fn question_status_line(lang: Lang, status: QuestionStatus, taken_by: Option<u64>) -> String {
    match (status, taken_by) {
        (QuestionStatus::Closed, _) => render(lang, &QUESTION_STATUS_CLOSED, &[]),
        (QuestionStatus::Answered, _) => render(lang, &QUESTION_STATUS_ANSWERED, &[]),
        (_, Some(who)) => render(lang, &QUESTION_STATUS_TAKEN, &[("who", &user_mention(who))]),
        (_, None) => String::new(),
    }
}

pub fn question_button_take(lang: Lang) -> String {
    render(lang, &QUESTION_BUTTON_TAKE, &[])
}

pub fn question_thread_fallback(lang: Lang, id: i64) -> String {
    render(lang, &QUESTION_THREAD_FALLBACK, &[("id", &id.to_string())])
}

pub fn question_anonymous_title(lang: Lang) -> String {
    render(lang, &QUESTION_ANONYMOUS_TITLE, &[])
}

pub fn question_anonymous_posted(lang: Lang, link: &str) -> String {
    render(lang, &QUESTION_ANONYMOUS_POSTED, &[("link", link)])
}

pub fn question_anonymous_pending(lang: Lang, channel: u64) -> String {
    render(
        lang,
        &QUESTION_ANONYMOUS_PENDING,
        &[("channel", &format!("<#{channel}>"))],
    )
}

pub fn question_anonymous_answered_dm(lang: Lang, link: &str) -> String {
    render(lang, &QUESTION_ANONYMOUS_ANSWERED_DM, &[("link", link)])
}

pub fn question_modal_title(lang: Lang) -> String {
    render(lang, &QUESTION_MODAL_TITLE, &[])
}

pub fn question_modal_label(lang: Lang) -> String {
    render(lang, &QUESTION_MODAL_LABEL, &[])
}

pub fn question_too_short(lang: Lang) -> String {
    render(lang, &QUESTION_TOO_SHORT, &[])
}

pub fn question_too_long(lang: Lang, length: usize, max: usize) -> String {
    render(
        lang,
        &QUESTION_TOO_LONG,
        &[("length", &length.to_string()), ("max", &max.to_string())],
    )
}

pub fn question_no_channel(lang: Lang) -> String {
    render(lang, &QUESTION_NO_CHANNEL, &[])
}

/// The head of a private question's staff thread; `label` is pseudonymous.
pub fn question_private_head(lang: Lang, id: i64, label: &str) -> String {
    render(
        lang,
        &QUESTION_PRIVATE_HEAD,
        &[("id", &id.to_string()), ("label", label)],
    )
}

/// A private question's thread name: its number and a pseudonymous label, never a tag.
pub fn question_private_label(lang: Lang, id: i64, label: &str) -> String {
    render(
        lang,
        &QUESTION_PRIVATE_LABEL,
        &[("id", &id.to_string()), ("label", label)],
    )
}

pub fn question_private_opened_dm(lang: Lang, on_duty: &str) -> String {
    render(lang, &QUESTION_PRIVATE_OPENED_DM, &[("on_duty", on_duty)])
}

pub fn question_relay_in(lang: Lang, text: &str) -> String {
    render(lang, &QUESTION_RELAY_IN, &[("text", text)])
}

pub fn question_relay_out(lang: Lang, name: &str, text: &str) -> String {
    render(lang, &QUESTION_RELAY_OUT, &[("name", name), ("text", text)])
}

pub fn question_relay_refused(lang: Lang) -> String {
    render(lang, &QUESTION_RELAY_REFUSED, &[])
}

pub fn question_thread_reopened(lang: Lang) -> String {
    render(lang, &QUESTION_THREAD_REOPENED, &[])
}

pub fn question_closed_dm(lang: Lang) -> String {
    render(lang, &QUESTION_CLOSED_DM, &[])
}

pub fn question_closed_ok(lang: Lang, id: i64, outcome: QuestionOutcome) -> String {
    render(
        lang,
        &QUESTION_CLOSED_OK,
        &[
            ("id", &id.to_string()),
            ("outcome", &question_outcome_label(lang, outcome)),
        ],
    )
}

pub fn question_taken_ok(lang: Lang, id: i64) -> String {
    render(lang, &QUESTION_TAKEN_OK, &[("id", &id.to_string())])
}

pub fn question_already_taken(lang: Lang, id: i64, who: u64) -> String {
    render(
        lang,
        &QUESTION_ALREADY_TAKEN,
        &[("id", &id.to_string()), ("who", &user_mention(who))],
    )
}

pub fn question_already_closed(lang: Lang, id: i64) -> String {
    render(lang, &QUESTION_ALREADY_CLOSED, &[("id", &id.to_string())])
}

pub fn question_not_a_question_thread(lang: Lang) -> String {
    render(lang, &QUESTION_NOT_A_QUESTION_THREAD, &[])
}

pub fn question_not_private(lang: Lang) -> String {
    render(lang, &QUESTION_NOT_PRIVATE, &[])
}

pub fn question_replied_ok(lang: Lang) -> String {
    render(lang, &QUESTION_REPLIED_OK, &[])
}

pub fn question_empty_answer(lang: Lang) -> String {
    render(lang, &QUESTION_EMPTY_ANSWER, &[])
}

/// One question in `/question liste`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionListItem<'a> {
    pub id: i64,
    pub way: Way,
    pub status: QuestionStatus,
    pub age_ms: i64,
    pub url: &'a str,
}

pub fn question_list(lang: Lang, items: &[QuestionListItem<'_>]) -> String {
    if items.is_empty() {
        return render(lang, &QUESTION_LIST_EMPTY, &[]);
    }
    let mut lines = vec![render(
        lang,
        &QUESTION_LIST_HEADER,
        &[("count", &items.len().to_string())],
    )];
    for i in items {
        lines.push(render(
            lang,
            &QUESTION_LIST_LINE,
            &[
                ("id", &i.id.to_string()),
                ("way", &way_label(lang, i.way)),
                ("status", &question_status_label(lang, i.status)),
                ("age", &elapsed(lang, i.age_ms)),
                ("link", i.url),
            ],
        ));
    }
    lines.join("\n")
}

/// The reminder (step 1, alert channel) or escalation (step 2, coordination) of a question
/// nobody answered; `ping` is the mentions of who should see it.
pub fn question_nudge(
    lang: Lang,
    escalate: bool,
    ping: &str,
    id: i64,
    way: Way,
    age_ms: i64,
    link: &str,
) -> String {
    let t = if escalate {
        &QUESTION_ESCALATE
    } else {
        &QUESTION_REMIND
    };
    render(
        lang,
        t,
        &[
            ("ping", ping),
            ("id", &id.to_string()),
            ("way", &way_label(lang, way)),
            ("age", &elapsed(lang, age_ms)),
            ("link", link),
        ],
    )
}

pub fn question_choose_guild(lang: Lang) -> String {
    render(lang, &QUESTION_CHOOSE_GUILD, &[])
}

pub fn question_guild_chosen(lang: Lang, guild: &str) -> String {
    render(lang, &QUESTION_GUILD_CHOSEN, &[("guild", guild)])
}

pub fn question_text_only(lang: Lang) -> String {
    render(lang, &QUESTION_TEXT_ONLY, &[])
}

/// Before the services open now, when no promeneur is on duty for a private question.
pub fn question_helplines_meanwhile(lang: Lang) -> String {
    render(lang, &QUESTION_HELPLINES_MEANWHILE, &[])
}

pub fn question_button_reply(lang: Lang) -> String {
    render(lang, &QUESTION_BUTTON_REPLY, &[])
}

pub fn question_reply_modal_title(lang: Lang) -> String {
    render(lang, &QUESTION_REPLY_MODAL_TITLE, &[])
}

pub fn question_reply_modal_label(lang: Lang) -> String {
    render(lang, &QUESTION_REPLY_MODAL_LABEL, &[])
}
