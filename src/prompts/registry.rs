//! The static registry of template files: each is embedded in both languages at build time,
//! so a missing translation fails the build, and a file nobody registered fails the tests.

use super::Lang;

/// One message's template, in every language.
#[derive(Debug)]
pub(crate) struct Template {
    /// Path under prompts/{lang}/, e.g. `alert/title.txt`; the tests compare it with the files.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) path: &'static str,
    fr: &'static str,
    en: &'static str,
}

impl Template {
    /// The template text, without the final newline that editors add to files.
    pub(crate) fn text(&self, lang: Lang) -> &'static str {
        let raw = match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        };
        raw.trim_end_matches(['\n', '\r'])
    }

    #[cfg(test)]
    pub(crate) const fn for_test(text: &'static str) -> Template {
        Template {
            path: "<test>",
            fr: text,
            en: text,
        }
    }
}

macro_rules! templates {
    ($($name:ident => $path:literal,)*) => {
        $(
            pub(crate) static $name: Template = Template {
                path: $path,
                fr: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/fr/", $path)),
                en: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/en/", $path)),
            };
        )*
        /// Every registered template.
        #[cfg(test)]
        pub(crate) static ALL: &[&Template] = &[$(&$name),*];
    };
}

templates! {
    SEVERITY_NONE => "labels/severity/none.txt",
    SEVERITY_LOW => "labels/severity/low.txt",
    SEVERITY_MEDIUM => "labels/severity/medium.txt",
    SEVERITY_HIGH => "labels/severity/high.txt",
    SEVERITY_CRITICAL => "labels/severity/critical.txt",
    CATEGORY_SUICIDE_SELFHARM => "labels/category/suicide_selfharm.txt",
    CATEGORY_SEXUAL_VIOLENCE => "labels/category/sexual_violence.txt",
    CATEGORY_DOMESTIC_VIOLENCE => "labels/category/domestic_violence.txt",
    CATEGORY_HARASSMENT => "labels/category/harassment.txt",
    CATEGORY_VIOLENCE_THREAT => "labels/category/violence_threat.txt",
    CATEGORY_SUBSTANCES => "labels/category/substances.txt",
    CATEGORY_EATING_DISORDER => "labels/category/eating_disorder.txt",
    CATEGORY_DISTRESS => "labels/category/distress.txt",
    OUTCOME_ACCOMPAGNE => "labels/outcome/accompagne.txt",
    OUTCOME_ORIENTE => "labels/outcome/oriente.txt",
    OUTCOME_FAUX_POSITIF => "labels/outcome/faux_positif.txt",
    OUTCOME_AUTRE => "labels/outcome/autre.txt",
    STATUS_OPEN => "labels/status/open.txt",
    STATUS_TAKEN => "labels/status/taken.txt",
    STATUS_CLOSED => "labels/status/closed.txt",
    DURATION_UNDER_A_MINUTE => "duration/under_a_minute.txt",
    DURATION_MINUTES => "duration/minutes.txt",
    DURATION_HOURS => "duration/hours.txt",
    DURATION_DAYS => "duration/days.txt",

    ALERT_TITLE => "alert/title.txt",
    ALERT_FIELD_CATEGORY => "alert/field/category.txt",
    ALERT_FIELD_SEVERITY => "alert/field/severity.txt",
    ALERT_FIELD_CHANNEL => "alert/field/channel.txt",
    ALERT_FIELD_AUTHOR => "alert/field/author.txt",
    ALERT_FIELD_EXCERPT => "alert/field/excerpt.txt",
    ALERT_FIELD_TIME => "alert/field/time.txt",
    ALERT_FIELD_LINK => "alert/field/link.txt",
    ALERT_FIELD_STATUS => "alert/field/status.txt",
    ALERT_FIELD_TARGET => "alert/field/target.txt",
    ALERT_FIELD_AUTHORS => "alert/field/authors.txt",
    ALERT_TARGET_UNKNOWN => "alert/target_unknown.txt",
    ALERT_JUMP_LINK => "alert/jump_link.txt",
    ALERT_STATUS_OPEN => "alert/status_open.txt",
    ALERT_STATUS_TAKEN => "alert/status_taken.txt",
    ALERT_STATUS_CLOSED => "alert/status_closed.txt",
    ALERT_BURST_NOTE => "alert/burst_note.txt",
    ALERT_DM_REFUSED => "alert/dm_refused.txt",
    ALERT_CONTENT => "alert/content.txt",
    ALERT_BUTTON_TAKE => "alert/button_take.txt",
    ALERT_BUTTON_CLOSE => "alert/button_close.txt",
    CLOSE_MODAL_TITLE => "alert/close_modal_title.txt",
    CLOSE_MODAL_OUTCOME => "alert/close_modal_outcome.txt",
    CLOSE_MODAL_OUTCOME_HINT => "alert/close_modal_outcome_hint.txt",
    CLOSE_MODAL_NOTE => "alert/close_modal_note.txt",
    ESCALATION_MESSAGE => "escalation/message.md",

    HELPLINE_INTRO => "helpline/intro.md",
    HELPLINE_OUTRO => "helpline/outro.md",
    HELPLINE_TARGETED_INTRO => "helpline/targeted_intro.md",
    HELPLINE_TARGETED_OUTRO => "helpline/targeted_outro.md",
    HELPLINE_FRIEND_INTRO => "helpline/friend_intro.md",
    HELPLINE_FRIEND_OUTRO => "helpline/friend_outro.md",
    HELPLINE_3114 => "helpline/service/3114.txt",
    HELPLINE_119 => "helpline/service/119.txt",
    HELPLINE_3919 => "helpline/service/3919.txt",
    HELPLINE_3018 => "helpline/service/3018.txt",
    HELPLINE_FIL_SANTE_JEUNES => "helpline/service/fil_sante_jeunes.txt",
    HELPLINE_URGENCE => "helpline/service/urgence.txt",

    ALERTE_LIST_HEADER => "alerte/list_header.txt",
    ALERTE_LIST_EMPTY => "alerte/list_empty.txt",
    ALERTE_LIST_LINE => "alerte/list_line.txt",
    ALERTE_TAKEN_OK => "alerte/taken_ok.txt",
    ALERTE_ALREADY_TAKEN => "alerte/already_taken.txt",
    ALERTE_ALREADY_CLOSED => "alerte/already_closed.txt",
    ALERTE_NOT_CLOSED => "alerte/not_closed.txt",
    ALERTE_CLOSED_OK => "alerte/closed_ok.txt",
    ALERTE_REOPENED_OK => "alerte/reopened_ok.txt",
    ALERTE_NOT_FOUND => "alerte/not_found.txt",
    NOT_STAFF => "common/not_staff.txt",
    GENERIC_ERROR => "common/generic_error.txt",
    BAD_ARGUMENT => "common/bad_argument.txt",
    NOTE_TOO_LONG => "common/note_too_long.txt",
    UNKNOWN_OUTCOME => "common/unknown_outcome.txt",
    HELP => "help.md",
    COMMANDS => "commands.toml",
    OUTCOME_WORDS => "labels/outcome_words.toml",

    QL_QUESTION_OUTCOME_ORIENTE => "labels/question_outcome/oriente.txt",
    QL_QUESTION_OUTCOME_REPONDU => "labels/question_outcome/repondu.txt",
    QL_QUESTION_OUTCOME_SANS_SUITE => "labels/question_outcome/sans_suite.txt",
    QL_QUESTION_STATUS_ANSWERED => "labels/question_status/answered.txt",
    QL_QUESTION_STATUS_CLOSED => "labels/question_status/closed.txt",
    QL_QUESTION_STATUS_OPEN => "labels/question_status/open.txt",
    QL_QUESTION_STATUS_TAKEN => "labels/question_status/taken.txt",
    QL_WAY_ANONYMOUS => "labels/way/anonymous.txt",
    QL_WAY_OPEN => "labels/way/open.txt",
    QL_WAY_PRIVATE => "labels/way/private.txt",
    QUESTION_ACK => "question/ack.txt",
    QUESTION_ALREADY_CLOSED => "question/already_closed.txt",
    QUESTION_ALREADY_TAKEN => "question/already_taken.txt",
    QUESTION_ANONYMOUS_ANSWERED_DM => "question/anonymous_answered_dm.txt",
    QUESTION_ANONYMOUS_PENDING => "question/anonymous_pending.txt",
    QUESTION_ANONYMOUS_POSTED => "question/anonymous_posted.txt",
    QUESTION_ANONYMOUS_TITLE => "question/anonymous_title.txt",
    QUESTION_BUTTON_TAKE => "question/button_take.txt",
    QUESTION_CHOOSE_GUILD => "question/choose_guild.txt",
    QUESTION_CLOSED_DM => "question/closed_dm.txt",
    QUESTION_CLOSED_OK => "question/closed_ok.txt",
    QUESTION_EMPTY_ANSWER => "question/empty_answer.txt",
    QUESTION_ESCALATE => "question/escalate.txt",
    QUESTION_GUILD_CHOSEN => "question/guild_chosen.txt",
    QUESTION_LIST_EMPTY => "question/list_empty.txt",
    QUESTION_LIST_HEADER => "question/list_header.txt",
    QUESTION_LIST_LINE => "question/list_line.txt",
    QUESTION_MODAL_LABEL => "question/modal_label.txt",
    QUESTION_MODAL_TITLE => "question/modal_title.txt",
    QUESTION_NO_CHANNEL => "question/no_channel.txt",
    QUESTION_NOT_A_QUESTION_THREAD => "question/not_a_question_thread.txt",
    QUESTION_NOT_PRIVATE => "question/not_private.txt",
    QUESTION_ON_DUTY_DEFAULT => "question/on_duty_default.txt",
    QUESTION_PRIVATE_HEAD => "question/private_head.txt",
    QUESTION_PRIVATE_LABEL => "question/private_label.txt",
    QUESTION_PRIVATE_OPENED_DM => "question/private_opened_dm.txt",
    QUESTION_RELAY_IN => "question/relay_in.txt",
    QUESTION_RELAY_OUT => "question/relay_out.txt",
    QUESTION_RELAY_REFUSED => "question/relay_refused.txt",
    QUESTION_REMIND => "question/remind.txt",
    QUESTION_REPLIED_OK => "question/replied_ok.txt",
    QUESTION_STATUS_ANSWERED => "question/status_answered.txt",
    QUESTION_STATUS_CLOSED => "question/status_closed.txt",
    QUESTION_STATUS_TAKEN => "question/status_taken.txt",
    QUESTION_TAKEN_OK => "question/taken_ok.txt",
    QUESTION_TEXT_ONLY => "question/text_only.txt",
    QUESTION_THREAD_FALLBACK => "question/thread_fallback.txt",
    QUESTION_THREAD_REOPENED => "question/thread_reopened.txt",
    QUESTION_TOO_LONG => "question/too_long.txt",
    QUESTION_TOO_SHORT => "question/too_short.txt",
    QUESTION_HELPLINES_MEANWHILE => "question/helplines_meanwhile.txt",
    QUESTION_BUTTON_REPLY => "question/button_reply.txt",
    QUESTION_REPLY_MODAL_TITLE => "question/reply_modal_title.txt",
    QUESTION_REPLY_MODAL_LABEL => "question/reply_modal_label.txt",
    ALERT_CONTENT_ON_DUTY => "alert/content_on_duty.txt",
    WEEKDAY_MON => "labels/weekday/mon.txt",
    WEEKDAY_TUE => "labels/weekday/tue.txt",
    WEEKDAY_WED => "labels/weekday/wed.txt",
    WEEKDAY_THU => "labels/weekday/thu.txt",
    WEEKDAY_FRI => "labels/weekday/fri.txt",
    WEEKDAY_SAT => "labels/weekday/sat.txt",
    WEEKDAY_SUN => "labels/weekday/sun.txt",
    PERMANENCE_ADDED => "permanence/added.txt",
    PERMANENCE_AND => "permanence/and.txt",
    PERMANENCE_ANNOUNCEMENT => "permanence/announcement.txt",
    PERMANENCE_CANCELLED_OK => "permanence/cancelled_ok.txt",
    PERMANENCE_DAY_DATE => "permanence/day_date.txt",
    PERMANENCE_ERROR => "permanence/error.txt",
    PERMANENCE_EVENT_DESCRIPTION => "permanence/event_description.txt",
    PERMANENCE_EVENT_LOCATION => "permanence/event_location.txt",
    PERMANENCE_EVENT_NAME => "permanence/event_name.txt",
    PERMANENCE_LIST_EMPTY => "permanence/list_empty.txt",
    PERMANENCE_LIST_HEADER => "permanence/list_header.txt",
    PERMANENCE_LIST_LINE => "permanence/list_line.txt",
    PERMANENCE_LOCATION => "permanence/location.txt",
    PERMANENCE_MOVED_OK => "permanence/moved_ok.txt",
    PERMANENCE_NEXT => "permanence/next.txt",
    PERMANENCE_NOBODY => "permanence/nobody.txt",
    PERMANENCE_ON_DUTY_NOW => "permanence/on_duty_now.txt",
    PERMANENCE_REMOVED_OK => "permanence/removed_ok.txt",
    PERMANENCE_TIME => "permanence/time.txt",
    PERMANENCE_TIME_ON_THE_HOUR => "permanence/time_on_the_hour.txt",
    PERMANENCE_ERROR_BAD_DATE => "permanence/error/bad_date.txt",
    PERMANENCE_ERROR_BAD_TIME => "permanence/error/bad_time.txt",
    PERMANENCE_ERROR_DATE_IN_PAST => "permanence/error/date_in_past.txt",
    PERMANENCE_ERROR_END_BEFORE_START => "permanence/error/end_before_start.txt",
    PERMANENCE_ERROR_INCOMPLETE => "permanence/error/incomplete.txt",
    PERMANENCE_ERROR_NO_SLOT_THAT_DAY => "permanence/error/no_slot_that_day.txt",
    PERMANENCE_ERROR_NOT_FOUND => "permanence/error/not_found.txt",
    PERMANENCE_ERROR_OVERLAP => "permanence/error/overlap.txt",
    PERMANENCE_ERROR_SEVERAL_SLOTS => "permanence/error/several_slots.txt",
    PERMANENCE_ERROR_TOO_LONG => "permanence/error/too_long.txt",
    PERMANENCE_ERROR_UNKNOWN_DAY => "permanence/error/unknown_day.txt",
    PERMANENCE_ERROR_WRONG_WEEKDAY => "permanence/error/wrong_weekday.txt",
    RESOURCE_MODAL_TITLE_ADD => "resource/modal_title_add.txt",
    RESOURCE_MODAL_TITLE_EDIT => "resource/modal_title_edit.txt",
    RESOURCE_MODAL_FIELD_TITLE => "resource/modal_field_title.txt",
    RESOURCE_MODAL_FIELD_LINK => "resource/modal_field_link.txt",
    RESOURCE_MODAL_FIELD_DESCRIPTION => "resource/modal_field_description.txt",
    RESOURCE_THEMES_PROMPT => "resource/themes_prompt.txt",
    RESOURCE_THEMES_PLACEHOLDER => "resource/themes_placeholder.txt",
    RESOURCE_ADDED => "resource/added.txt",
    RESOURCE_ADDED_UNPOSTED => "resource/added_unposted.txt",
    RESOURCE_EDITED => "resource/edited.txt",
    RESOURCE_RETIRED => "resource/retired.txt",
    RESOURCE_FIELD_MISSING => "resource/field_missing.txt",
    RESOURCE_FIELD_TOO_LONG => "resource/field_too_long.txt",
    RESOURCE_LINK_NOT_HTTP => "resource/link_not_http.txt",
    RESOURCE_LINK_MALFORMED => "resource/link_malformed.txt",
    RESOURCE_UNKNOWN_THEME => "resource/unknown_theme.txt",
    RESOURCE_FIX_HINT => "resource/fix_hint.txt",
    RESOURCE_FIX_BUTTON => "resource/fix_button.txt",
    RESOURCE_NOT_FOUND => "resource/not_found.txt",
    RESOURCE_ALREADY_RETIRED => "resource/already_retired.txt",
    RESOURCE_DRAFT_EXPIRED => "resource/draft_expired.txt",
    RESOURCE_CHANGED_MEANWHILE => "resource/changed_meanwhile.txt",
    RESOURCE_SEARCH_HEADER => "resource/search_header.txt",
    RESOURCE_SEARCH_EMPTY => "resource/search_empty.txt",
    RESOURCE_LIST_HEADER => "resource/list_header.txt",
    RESOURCE_LIST_HEADER_THEME => "resource/list_header_theme.txt",
    RESOURCE_LIST_EMPTY => "resource/list_empty.txt",
    RESOURCE_LINE => "resource/line.txt",
    RESOURCE_EMBED_THEMES => "resource/embed_themes.txt",
    RESOURCE_EMBED_FOOTER => "resource/embed_footer.txt",
    RESOURCE_ALERT_FIELD => "resource/alert_field.txt",
    RESOURCE_CARD_SECTION => "resource/card_section.md",

    OUTCOME_EFFACE => "labels/outcome/efface.txt",
    RIGHTS_ALERT_ERASED => "rights/alert_erased.txt",
    RIGHTS_EXPORT_DM => "rights/export_dm.txt",
    RIGHTS_EXPORT_SENT => "rights/export_sent.txt",
    RIGHTS_EXPORT_DM_CLOSED => "rights/export_dm_closed.txt",
    RIGHTS_FORGET_CONFIRM => "rights/forget_confirm.txt",
    RIGHTS_FORGET_BUTTON => "rights/forget_button.txt",
    RIGHTS_FORGET_DONE => "rights/forget_done.txt",
    RIGHTS_PRIVACY => "rights/privacy.md",
    JOURNAL_COORDINATORS_ONLY => "journal/coordinators_only.txt",
    JOURNAL_BAD_DATE => "journal/bad_date.txt",
    JOURNAL_REVERSED => "journal/reversed.txt",
    JOURNAL_TOO_LONG => "journal/too_long.txt",
    JOURNAL_EXPORT_READY => "journal/export_ready.txt",
    JOURNAL_EXPORT_TOO_BIG => "journal/export_too_big.txt",
    JOURNAL_HEADER => "journal/header.txt",
    JOURNAL_LINE => "journal/line.txt",
    JOURNAL_EMPTY => "journal/empty.txt",
    JOURNAL_ACTIONS => "journal/actions.toml",
    ALERT_PACK_CONTENT => "alert/pack_content.txt",
    ALERT_PACK_TITLE => "alert/pack_title.txt",
    ALERT_PACK_BUTTON_TAKE => "alert/pack_button_take.txt",
    ALERT_PACK_BUTTON_CLOSE => "alert/pack_button_close.txt",
    DIGEST_REPORT => "digest/report.md",
    DIGEST_EMPTY => "digest/empty.md",
    DIGEST_PARTIAL => "digest/partial.txt",
    DIGEST_WAITING_LINE => "digest/waiting_line.txt",
    DIGEST_WAITING_MORE => "digest/waiting_more.txt",
    DIGEST_NO_THREAD => "digest/no_thread.txt",
    DIGEST_COUNT_ITEM => "digest/count_item.txt",
    DIGEST_RULE_ITEM => "digest/rule_item.txt",
    DIGEST_WHO_ITEM => "digest/who_item.txt",
    DIGEST_PERCENT => "digest/percent.txt",
    DIGEST_NONE => "digest/none.txt",
    DIGEST_NOT_AVAILABLE => "digest/not_available.txt",
    DIGEST_WAY_OPEN => "digest/way/open.txt",
    DIGEST_WAY_ANONYMOUS => "digest/way/anonymous.txt",
    DIGEST_WAY_PRIVATE => "digest/way/private.txt",
    DIGEST_COORDINATORS_ONLY => "digest/coordinators_only.txt",
    DIGEST_BAD_WEEK => "digest/bad_week.txt",
    DIGEST_FUTURE_WEEK => "digest/future_week.txt",
}

#[cfg(test)]
thread_local! {
    /// Templates rendered by the current test thread, by path and language.
    static RENDERED: std::cell::RefCell<std::collections::BTreeSet<(&'static str, &'static str)>> =
        const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

/// Test-only check on every render: each placeholder of the template has a value.
#[cfg(test)]
pub(crate) fn record_render(template: &Template, lang: Lang, args: &[(&str, &str)]) {
    for name in super::placeholders(template.text(lang)) {
        assert!(
            args.iter().any(|(key, _)| *key == name),
            "prompts/{lang}/{}: placeholder `{{{name}}}` is not filled by its render function",
            template.path
        );
    }
    RENDERED.with(|r| r.borrow_mut().insert((template.path, lang.as_str())));
}

/// The templates rendered so far by this test thread.
#[cfg(test)]
pub(crate) fn rendered() -> std::collections::BTreeSet<(&'static str, &'static str)> {
    RENDERED.with(|r| r.borrow().clone())
}
