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
