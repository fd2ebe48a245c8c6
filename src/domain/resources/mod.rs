//! Resources: what promeneurs post for young people (a title, a link, a description, themes).
//!
//! A resource is added in two steps on Discord (a modal for the text, then a menu for the
//! themes), so what the modal held is kept as a [`Draft`] in between, and also when a field was
//! refused, so the promeneur corrects it instead of typing everything again. Validation names
//! the field at fault; the transitions return the effects that keep the posted embed in step
//! with the stored row (posted, edited, deleted). A retired resource stays in the database for
//! the supervision log.

pub mod search;

use crate::domain::effects::Effect;
use crate::domain::themes;
use crate::safety::Category;

/// Discord's limit for an embed title (and the modal's limit for the field).
pub const MAX_TITLE_CHARS: usize = 100;
/// Long enough for any real link; Discord's embed url limit is 2048.
pub const MAX_LINK_CHARS: usize = 500;
/// The modal's limit for the description (an embed description allows 4096).
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// Resources shown with an alert and in its helpline card.
pub const SHOWN_WITH_ALERT: usize = 3;

/// A field of the resource modal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Link,
    Description,
    Themes,
    Resource,
}

impl Field {
    /// The id of the modal's text input (and the name prompts show).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "titre",
            Field::Link => "lien",
            Field::Description => "description",
            Field::Themes => "theme",
            Field::Resource => "ressource",
        }
    }
}

/// Why a link was refused (shape only: the bot never fetches it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not an `http://` or `https://` link.
    NotHttp,
    /// Spaces, no host, a host without a dot, or a user name and password in the link.
    Malformed,
}

/// Why what was typed cannot be saved; each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("`{}` is empty", .0.as_str())]
    Missing(Field),
    #[error("`{}` has {len} characters, {max} at most", field.as_str())]
    TooLong {
        field: Field,
        len: usize,
        max: usize,
    },
    #[error("`lien` is not a valid link ({0:?})")]
    BadLink(LinkProblem),
    #[error("unknown theme `{0}`")]
    UnknownTheme(String),
}

impl FieldError {
    pub fn field(&self) -> Field {
        match self {
            FieldError::Missing(f) => *f,
            FieldError::TooLong { field, .. } => *field,
            FieldError::BadLink(_) => Field::Link,
            FieldError::UnknownTheme(_) => Field::Themes,
        }
    }
}

/// What the modal holds, as typed (kept between the modal and the theme menu, and when a field
/// was refused).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fields {
    pub title: String,
    pub link: String,
    pub description: String,
}

impl Fields {
    /// The fields trimmed and checked: a title and a link are required, the description is
    /// optional; lengths within Discord's limits; the link an http(s) URL of a sane shape.
    pub fn validate(&self) -> Result<Fields, FieldError> {
        let title = self.title.trim();
        let link = self.link.trim();
        let description = self.description.trim();
        for (field, value, max) in [
            (Field::Title, title, MAX_TITLE_CHARS),
            (Field::Link, link, MAX_LINK_CHARS),
            (Field::Description, description, MAX_DESCRIPTION_CHARS),
        ] {
            let len = value.chars().count();
            if len == 0 && field != Field::Description {
                return Err(FieldError::Missing(field));
            }
            if len > max {
                return Err(FieldError::TooLong { field, len, max });
            }
        }
        let link = check_link(link).map_err(FieldError::BadLink)?;
        Ok(Fields {
            title: title.to_owned(),
            link,
            description: description.to_owned(),
        })
    }
}

/// Checks a link's shape: `http` or `https`, no whitespace, a host name with a dot (or an IP
/// address), no credentials. The `url` crate parses it the way browsers do; the link is kept
/// as it serialises it (host lowercased, `<`, `>` and quotes percent-encoded), so it cannot
/// break out of the markdown it is shown in.
pub fn check_link(link: &str) -> Result<String, LinkProblem> {
    let lowered = link.to_ascii_lowercase();
    if !(lowered.starts_with("http://") || lowered.starts_with("https://")) {
        return Err(LinkProblem::NotHttp);
    }
    if link.chars().any(char::is_whitespace) {
        return Err(LinkProblem::Malformed);
    }
    let parsed = url::Url::parse(link).map_err(|_| LinkProblem::Malformed)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(LinkProblem::NotHttp);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(LinkProblem::Malformed);
    }
    match parsed.host() {
        Some(url::Host::Domain(d)) => {
            let labels: Vec<&str> = d.split('.').collect();
            if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
                return Err(LinkProblem::Malformed);
            }
        }
        Some(_) => {}
        None => return Err(LinkProblem::Malformed),
    }
    Ok(parsed.into())
}

/// The themes picked in the menu: known ids only, each once, in the registry's order.
pub fn parse_themes<S: AsRef<str>>(picked: &[S]) -> Result<Vec<String>, FieldError> {
    if picked.is_empty() {
        return Err(FieldError::Missing(Field::Themes));
    }
    for p in picked {
        if themes::find(p.as_ref()).is_none() {
            return Err(FieldError::UnknownTheme(p.as_ref().to_owned()));
        }
    }
    Ok(themes::registry()
        .iter()
        .filter(|t| picked.iter().any(|p| p.as_ref() == t.id))
        .map(|t| t.id.clone())
        .collect())
}

/// Whether a resource is offered or was retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Retired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "retired" => Some(Status::Retired),
            _ => None,
        }
    }
}

/// A stored resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: i64,
    /// Raised by every edit: the refresh of the posted embed carries it.
    pub version: i64,
    pub guild_id: u64,
    pub title: String,
    pub link: String,
    pub description: String,
    /// Theme ids, in the registry's order.
    pub themes: Vec<String>,
    pub author_id: u64,
    pub status: Status,
    /// Where its embed was posted, once it was.
    pub channel_id: Option<u64>,
    pub message_id: Option<u64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub retired_at: Option<i64>,
    pub retired_by: Option<u64>,
}

/// Why a change to a resource was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("no such resource")]
    NotFound,
    #[error("the resource was retired")]
    Retired,
}

impl Resource {
    /// Whether it belongs to `guild` and is still offered.
    pub fn usable_in(&self, guild: u64) -> Result<(), ChangeError> {
        if self.guild_id != guild {
            return Err(ChangeError::NotFound);
        }
        if self.status == Status::Retired {
            return Err(ChangeError::Retired);
        }
        Ok(())
    }

    /// The resource with new fields and themes, and the effect that edits its embed.
    pub fn edit(
        &self,
        fields: &Fields,
        themes: Vec<String>,
        now: i64,
    ) -> Result<(Resource, Effect), ChangeError> {
        if self.status == Status::Retired {
            return Err(ChangeError::Retired);
        }
        let mut next = self.clone();
        next.title = fields.title.clone();
        next.link = fields.link.clone();
        next.description = fields.description.clone();
        next.themes = themes;
        next.version += 1;
        next.updated_at = now;
        let effect = Effect::RefreshResource {
            resource_id: self.id,
            version: next.version,
        };
        Ok((next, effect))
    }

    /// The resource retired by `by`, and the effect that deletes its embed. The row stays.
    pub fn retire(&self, by: u64, now: i64) -> Result<(Resource, Effect), ChangeError> {
        if self.status == Status::Retired {
            return Err(ChangeError::Retired);
        }
        let mut next = self.clone();
        next.status = Status::Retired;
        next.version += 1;
        next.updated_at = now;
        next.retired_at = Some(now);
        next.retired_by = Some(by);
        Ok((
            next,
            Effect::DeleteResource {
                resource_id: self.id,
            },
        ))
    }
}

/// The effect that posts a new resource's embed.
pub fn post_effect(resource_id: i64) -> Effect {
    Effect::PostResource { resource_id }
}

/// Up to `limit` active resources filed under one of `categories`, most recently updated first.
pub fn for_categories<'a>(
    resources: &'a [Resource],
    categories: &[Category],
    limit: usize,
) -> Vec<&'a Resource> {
    let mut found: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.status == Status::Active)
        .filter(|r| {
            r.themes
                .iter()
                .any(|t| categories.iter().any(|c| c.as_str() == t))
        })
        .collect();
    found.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    found.truncate(limit);
    found
}

/// What the modal held between its submission and the theme menu (or a correction): for a new
/// resource, or an edit of `resource_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: i64,
    pub guild_id: u64,
    pub user_id: u64,
    pub resource_id: Option<i64>,
    pub fields: Fields,
    pub created_at: i64,
}

/// How long a draft is kept: long enough to pick the themes or fix a link, short enough that
/// the database keeps no forgotten text.
pub const DRAFT_TTL_MS: i64 = 60 * 60 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, link: &str, description: &str) -> Fields {
        Fields {
            title: title.into(),
            link: link.into(),
            description: description.into(),
        }
    }

    #[test]
    fn a_complete_resource_is_trimmed_and_accepted() {
        let ok = fields(" Harcèlement ", " https://www.e-enfance.org/ ", "").validate();
        assert_eq!(
            ok,
            Ok(fields("Harcèlement", "https://www.e-enfance.org/", ""))
        );
        let quoted = fields("t", "https://a.fr/<b>\"", "").validate();
        assert_eq!(
            quoted.map(|f| f.link),
            Ok("https://a.fr/%3Cb%3E%22".to_owned())
        );
    }

    #[test]
    fn only_http_and_https_links_of_a_sane_shape_pass() {
        for good in [
            "https://www.3018.fr",
            "http://filsantejeunes.com/page?x=1#y",
            "HTTPS://Example.org/a%20b",
            "https://192.168.1.10/doc",
        ] {
            assert!(check_link(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("javascript:alert(1)", LinkProblem::NotHttp),
            ("ftp://files.example.org", LinkProblem::NotHttp),
            ("www.3018.fr", LinkProblem::NotHttp),
            ("https://", LinkProblem::Malformed),
            ("https://exemple", LinkProblem::Malformed),
            ("https://exe mple.fr", LinkProblem::Malformed),
            ("https://user:pass@example.org", LinkProblem::Malformed),
            ("https://.example.org", LinkProblem::Malformed),
        ] {
            assert_eq!(check_link(bad), Err(why), "{bad}");
        }
    }

    #[test]
    fn a_missing_or_over_long_field_is_refused_naming_it() {
        let empty = fields(" ", "https://a.fr", "").validate();
        assert_eq!(empty, Err(FieldError::Missing(Field::Title)));
        let long = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        let too_long = fields("t", "https://a.fr", &long).validate();
        assert_eq!(too_long.map_err(|e| e.field()), Err(Field::Description));
        let bad = fields("t", "3018.fr", "").validate();
        assert_eq!(bad.map_err(|e| e.field()), Err(Field::Link));
    }

    #[test]
    fn themes_are_known_ids_once_in_the_registry_order() {
        assert_eq!(
            parse_themes(&["harassment", "info_pratique", "harassment"]),
            Ok(vec!["info_pratique".to_owned(), "harassment".to_owned()])
        );
        assert_eq!(
            parse_themes(&["nope"]),
            Err(FieldError::UnknownTheme("nope".into()))
        );
        assert_eq!(
            parse_themes::<&str>(&[]),
            Err(FieldError::Missing(Field::Themes))
        );
    }

    fn resource(id: i64, themes: &[&str], updated_at: i64) -> Resource {
        Resource {
            id,
            version: 0,
            guild_id: 1,
            title: format!("r{id}"),
            link: "https://a.fr".into(),
            description: String::new(),
            themes: themes.iter().map(|t| t.to_string()).collect(),
            author_id: 2,
            status: Status::Active,
            channel_id: None,
            message_id: None,
            created_at: 0,
            updated_at,
            retired_at: None,
            retired_by: None,
        }
    }

    #[test]
    fn an_edit_raises_the_version_and_refreshes_the_embed_and_a_retired_one_cannot_change() {
        let r = resource(4, &["harassment"], 0);
        let (edited, effect) = r
            .edit(
                &fields("New", "https://b.fr", "d"),
                vec!["distress".into()],
                9,
            )
            .expect("active resources can be edited");
        assert_eq!((edited.version, edited.title.as_str()), (1, "New"));
        assert_eq!(
            effect,
            Effect::RefreshResource {
                resource_id: 4,
                version: 1
            }
        );
        let (retired, effect) = edited.retire(7, 10).expect("can retire");
        assert_eq!(retired.status, Status::Retired);
        assert_eq!(retired.retired_by, Some(7));
        assert_eq!(effect, Effect::DeleteResource { resource_id: 4 });
        assert_eq!(retired.retire(7, 11), Err(ChangeError::Retired));
        assert_eq!(
            retired.edit(&Fields::default(), vec![], 11).err(),
            Some(ChangeError::Retired)
        );
        assert_eq!(retired.usable_in(1), Err(ChangeError::Retired));
        assert_eq!(r.usable_in(2), Err(ChangeError::NotFound));
    }

    #[test]
    fn an_alert_gets_at_most_three_active_resources_of_its_categories_newest_first() {
        let mut retired = resource(5, &["harassment"], 50);
        retired.status = Status::Retired;
        let all = vec![
            resource(1, &["harassment"], 10),
            resource(2, &["info_pratique"], 40),
            resource(3, &["harassment", "distress"], 30),
            resource(4, &["distress"], 20),
            retired,
            resource(6, &["harassment"], 5),
        ];
        let shown: Vec<i64> = for_categories(&all, &[Category::Harassment, Category::Distress], 3)
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(shown, [3, 4, 1]);
        assert!(for_categories(&all, &[Category::Substances], 3).is_empty());
    }
}
