//! Texts of `/ressource`, the resource modal and menu, the posted embed, and the resources shown
//! with an alert and in the helpline card. Titles and descriptions are staff's text: every
//! function here sanitizes what it is given, so callers pass them as stored.

use super::registry::*;
use super::text::{sanitize, truncate_chars};
use super::{render, Lang};
use crate::domain::resources::{ChangeError, Field, FieldError, LinkProblem};

/// The modal's title: adding, or editing resource `editing`.
pub fn resource_modal_title(lang: Lang, editing: Option<i64>) -> String {
    match editing {
        Some(id) => render(lang, &RESOURCE_MODAL_TITLE_EDIT, &[("id", &id.to_string())]),
        None => render(lang, &RESOURCE_MODAL_TITLE_ADD, &[]),
    }
}

/// The label of a modal field (title, link, description).
pub fn resource_modal_label(lang: Lang, field: Field) -> String {
    let template = match field {
        Field::Title => &RESOURCE_MODAL_FIELD_TITLE,
        Field::Link => &RESOURCE_MODAL_FIELD_LINK,
        Field::Description | Field::Themes | Field::Resource => &RESOURCE_MODAL_FIELD_DESCRIPTION,
    };
    render(lang, template, &[])
}

pub fn resource_themes_prompt(lang: Lang, title: &str) -> String {
    render(
        lang,
        &RESOURCE_THEMES_PROMPT,
        &[("title", &sanitize(title))],
    )
}

pub fn resource_themes_placeholder(lang: Lang) -> String {
    render(lang, &RESOURCE_THEMES_PLACEHOLDER, &[])
}

/// A new resource saved; `channel` is where it will be posted (none configured: not posted).
pub fn resource_added(lang: Lang, id: i64, title: &str, channel: Option<u64>) -> String {
    let id = id.to_string();
    let title = sanitize(title);
    match channel {
        Some(c) => render(
            lang,
            &RESOURCE_ADDED,
            &[
                ("id", &id),
                ("title", &title),
                ("channel", &format!("<#{c}>")),
            ],
        ),
        None => render(
            lang,
            &RESOURCE_ADDED_UNPOSTED,
            &[("id", &id), ("title", &title)],
        ),
    }
}

pub fn resource_edited(lang: Lang, id: i64, title: &str) -> String {
    render(
        lang,
        &RESOURCE_EDITED,
        &[("id", &id.to_string()), ("title", &sanitize(title))],
    )
}

pub fn resource_retired(lang: Lang, id: i64, title: &str) -> String {
    render(
        lang,
        &RESOURCE_RETIRED,
        &[("id", &id.to_string()), ("title", &sanitize(title))],
    )
}

/// The modal label of a field, or the option name, as the user knows it.
fn field_name(lang: Lang, field: Field) -> String {
    match field {
        Field::Title | Field::Link | Field::Description => resource_modal_label(lang, field),
        Field::Themes | Field::Resource => field.as_str().to_owned(),
    }
}

/// What was wrong with what was typed, naming the field.
pub fn resource_field_error(lang: Lang, error: &FieldError) -> String {
    let field = field_name(lang, error.field());
    match error {
        FieldError::Missing(_) => render(lang, &RESOURCE_FIELD_MISSING, &[("field", &field)]),
        FieldError::TooLong { len, max, .. } => render(
            lang,
            &RESOURCE_FIELD_TOO_LONG,
            &[
                ("field", &field),
                ("len", &len.to_string()),
                ("max", &max.to_string()),
            ],
        ),
        FieldError::BadLink(LinkProblem::NotHttp) => {
            render(lang, &RESOURCE_LINK_NOT_HTTP, &[("field", &field)])
        }
        FieldError::BadLink(LinkProblem::Malformed) => {
            render(lang, &RESOURCE_LINK_MALFORMED, &[("field", &field)])
        }
        FieldError::UnknownTheme(theme) => render(
            lang,
            &RESOURCE_UNKNOWN_THEME,
            &[("field", &field), ("theme", &sanitize(theme))],
        ),
    }
}

pub fn resource_fix_button(lang: Lang) -> String {
    render(lang, &RESOURCE_FIX_BUTTON, &[])
}

/// Under a refused modal: what was typed is kept.
pub fn resource_fix_hint(lang: Lang) -> String {
    render(
        lang,
        &RESOURCE_FIX_HINT,
        &[("button", &resource_fix_button(lang))],
    )
}

/// No resource answers what was typed in the `ressource` option.
pub fn resource_not_found(lang: Lang, typed: &str) -> String {
    render(
        lang,
        &RESOURCE_NOT_FOUND,
        &[
            ("field", Field::Resource.as_str()),
            ("typed", &sanitize(&truncate_chars(typed, 100))),
        ],
    )
}

/// Why resource `id` cannot be changed.
pub fn resource_change_refused(lang: Lang, id: i64, error: ChangeError) -> String {
    match error {
        ChangeError::NotFound => resource_not_found(lang, &format!("#{id}")),
        ChangeError::Retired => render(lang, &RESOURCE_ALREADY_RETIRED, &[("id", &id.to_string())]),
    }
}

pub fn resource_draft_expired(lang: Lang) -> String {
    render(lang, &RESOURCE_DRAFT_EXPIRED, &[])
}

pub fn resource_changed_meanwhile(lang: Lang, id: i64) -> String {
    render(
        lang,
        &RESOURCE_CHANGED_MEANWHILE,
        &[("id", &id.to_string())],
    )
}

/// One resource in a list or in search results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceLine<'a> {
    pub id: i64,
    pub title: &'a str,
    pub link: &'a str,
    /// Theme labels, in the guild's language.
    pub themes: Vec<&'a str>,
}

fn resource_line(lang: Lang, line: &ResourceLine<'_>) -> String {
    render(
        lang,
        &RESOURCE_LINE,
        &[
            ("id", &line.id.to_string()),
            ("title", &sanitize(line.title)),
            ("themes", &sanitize(&line.themes.join(", "))),
            ("link", line.link),
        ],
    )
}

/// Search results: the header and one entry per resource, best first; or that none matched.
pub fn resource_search(lang: Lang, query: &str, lines: &[ResourceLine<'_>]) -> String {
    let query = sanitize(&truncate_chars(query, 100));
    if lines.is_empty() {
        return render(lang, &RESOURCE_SEARCH_EMPTY, &[("query", &query)]);
    }
    let mut out = vec![render(lang, &RESOURCE_SEARCH_HEADER, &[("query", &query)])];
    out.extend(lines.iter().map(|l| resource_line(lang, l)));
    out.join("\n")
}

/// The list of resources, of one theme (its label) or all.
pub fn resource_list(lang: Lang, theme: Option<&str>, lines: &[ResourceLine<'_>]) -> String {
    if lines.is_empty() {
        return render(lang, &RESOURCE_LIST_EMPTY, &[]);
    }
    let count = lines.len().to_string();
    let header = match theme {
        Some(t) => render(
            lang,
            &RESOURCE_LIST_HEADER_THEME,
            &[("theme", &sanitize(t)), ("count", &count)],
        ),
        None => render(lang, &RESOURCE_LIST_HEADER, &[("count", &count)]),
    };
    let mut out = vec![header];
    out.extend(lines.iter().map(|l| resource_line(lang, l)));
    out.join("\n")
}

/// The name of the themes field of the posted embed.
pub fn resource_embed_themes(lang: Lang) -> String {
    render(lang, &RESOURCE_EMBED_THEMES, &[])
}

pub fn resource_embed_footer(lang: Lang, id: i64) -> String {
    render(lang, &RESOURCE_EMBED_FOOTER, &[("id", &id.to_string())])
}

/// The name of the resources field of an alert.
pub fn resource_alert_field(lang: Lang) -> String {
    render(lang, &RESOURCE_ALERT_FIELD, &[])
}

/// A markdown link to a resource (title sanitized; the link was normalised when saved).
pub fn resource_link(title: &str, link: &str) -> String {
    let title = sanitize(&title.replace(['[', ']'], ""));
    format!("[{title}](<{link}>)")
}

/// The resources part of the helpline card: one masked link per line.
pub fn resource_card_section(lang: Lang, links: &[(&str, &str)]) -> String {
    let list: Vec<String> = links
        .iter()
        .map(|(title, link)| format!("- {}", resource_link(title, link)))
        .collect();
    render(lang, &RESOURCE_CARD_SECTION, &[("list", &list.join("\n"))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_field_is_named_as_the_modal_shows_it() {
        let text = resource_field_error(Lang::Fr, &FieldError::BadLink(LinkProblem::NotHttp));
        assert!(text.contains("« Lien (https://…) »"), "{text}");
        let long = FieldError::TooLong {
            field: Field::Title,
            len: 120,
            max: 100,
        };
        let text = resource_field_error(Lang::En, &long);
        assert!(text.contains("“Title”") && text.contains("120"), "{text}");
    }

    #[test]
    fn titles_are_defused_and_cannot_break_their_link() {
        let link = resource_link("@everyone [clique](https://evil.example)", "https://a.fr/");
        assert!(!link.contains("@everyone"), "{link}");
        assert!(link.ends_with("(<https://a.fr/>)"), "{link}");
        assert_eq!(link.matches('[').count(), 1, "{link}");
    }
}
