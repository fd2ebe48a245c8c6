//! Helpline card: which services to offer a young person, among those open at this hour.
//!
//! Hours are those of the services in France, read in the guild's time zone (Europe/Paris by
//! default) so that a card sent at 8:30 in winter or at 23:30 in summer is right across the
//! daylight-saving changes. The hours live in `data/helplines.toml`, which services serve
//! which category in the category registry (`data/categories.toml`), the wording of each
//! service in prompts/.

use std::fmt;
use std::str::FromStr;

use std::sync::OnceLock;

use chrono::{DateTime, Timelike};
use chrono_tz::Tz;

use crate::domain::categories;
use crate::safety::{Category, UnknownId};

/// The time zone used when a guild does not set one.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::Paris;
/// Its IANA name, the config's default `timezone`.
pub const DEFAULT_TIME_ZONE_NAME: &str = "Europe/Paris";

/// A helpline service, by stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceId {
    /// 3114, national suicide prevention line, 24/7.
    Suicide3114,
    /// 119, Allô Enfance en Danger, 24/7.
    EnfanceEnDanger119,
    /// 3919, Violences Femmes Info (violence in the couple or family), 24/7.
    Violences3919,
    /// 3018, cyber-harassment, 9h-23h.
    Cyberharcelement3018,
    /// Fil Santé Jeunes, 0 800 235 236, 9h-23h.
    FilSanteJeunes,
    /// 112 / 15 (and 114 by SMS): immediate danger, 24/7.
    Urgence,
}

impl ServiceId {
    pub const ALL: [ServiceId; 6] = [
        Self::Suicide3114,
        Self::EnfanceEnDanger119,
        Self::Violences3919,
        Self::Cyberharcelement3018,
        Self::FilSanteJeunes,
        Self::Urgence,
    ];

    /// The stable id (config, logs, prompt file names).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suicide3114 => "3114",
            Self::EnfanceEnDanger119 => "119",
            Self::Violences3919 => "3919",
            Self::Cyberharcelement3018 => "3018",
            Self::FilSanteJeunes => "fil_sante_jeunes",
            Self::Urgence => "urgence",
        }
    }

    /// The service's hours, from `data/helplines.toml` (which lists every id: tested).
    pub fn service(self) -> Option<&'static Service> {
        services().iter().find(|s| s.id == self)
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a service answers, in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    Always,
    /// Every day from `from` (included) to `to` (excluded), in minutes after midnight.
    Daily {
        from: u32,
        to: u32,
    },
}

impl Hours {
    /// Whether the service answers at this local time of day (minutes after midnight).
    pub fn is_open_at(self, minute_of_day: u32) -> bool {
        match self {
            Hours::Always => true,
            Hours::Daily { from, to } => from <= minute_of_day && minute_of_day < to,
        }
    }
}

impl FromStr for Hours {
    type Err = String;

    /// `"always"` or `"HH:MM-HH:MM"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "always" {
            return Ok(Hours::Always);
        }
        let minutes = |t: &str| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
            (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
        };
        let (from, to) = s
            .split_once('-')
            .and_then(|(a, b)| Some((minutes(a)?, minutes(b)?)))
            .filter(|(a, b)| a < b)
            .ok_or_else(|| format!("hours `{s}`: expected \"always\" or \"HH:MM-HH:MM\""))?;
        Ok(Hours::Daily { from, to })
    }
}

/// A helpline service and when it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: ServiceId,
    pub hours: Hours,
}

impl Service {
    /// Whether the card for any of `categories` offers this service (the category registry
    /// says which services serve which category).
    pub fn serves_any(&self, categories: &[Category]) -> bool {
        categories
            .iter()
            .any(|&c| categories::entry(c).services.contains(&self.id))
    }
}

/// The network's own helplines file (`alerts.helplines_file`), once read at start-up.
static FROM_FILE: OnceLock<Vec<Service>> = OnceLock::new();

/// The services of the helplines file: the network's own (`alerts.helplines_file`) when set,
/// else the `data/helplines.toml` built into the binary; in the order a card lists them.
pub fn services() -> &'static [Service] {
    if let Some(own) = FROM_FILE.get() {
        return own;
    }
    static SERVICES: OnceLock<Vec<Service>> = OnceLock::new();
    SERVICES.get_or_init(|| {
        parse_services(include_str!("../../data/helplines.toml"))
            .unwrap_or_else(|e| panic!("data/helplines.toml is checked by the tests: {e}"))
    })
}

/// Checks the helplines file built into the binary, as start-up and `check-config` do, so a
/// mistake in an edited `data/helplines.toml` stops the bot with the service and the reason
/// instead of failing at the first card.
///
/// With `own` (the `alerts.helplines_file` key), the network's file is read and checked instead
/// and, when good, used for every card from then on (one file per process: the first kept), so
/// opening hours change by editing that file and restarting, without a rebuild.
pub fn check_services_file(own: Option<&std::path::Path>) -> Result<(), String> {
    let Some(path) = own else {
        return parse_services(include_str!("../../data/helplines.toml"))
            .map(|_| ())
            .map_err(|e| format!("data/helplines.toml: {e}"));
    };
    let list = read_services_file(path)?;
    let _ = FROM_FILE.set(list);
    Ok(())
}

/// Reads and checks a helplines file; the error names the key, the file and the reason.
pub fn read_services_file(path: &std::path::Path) -> Result<Vec<Service>, String> {
    let where_ = format!("alerts.helplines_file ({})", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| format!("{where_}: {e}"))?;
    parse_services(&text).map_err(|e| format!("{where_}: {e}"))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ServicesFile {
    service: Vec<ServiceEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntry {
    id: String,
    hours: String,
}

/// Reads the helplines file: every service once, with valid hours.
pub fn parse_services(text: &str) -> Result<Vec<Service>, String> {
    let file: ServicesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out: Vec<Service> = Vec::new();
    for entry in file.service {
        let id: ServiceId = entry.id.parse()?;
        if out.iter().any(|s| s.id == id) {
            return Err(format!("service `{id}` is listed twice"));
        }
        let hours = entry
            .hours
            .parse()
            .map_err(|e| format!("service `{id}`: {e}"))?;
        out.push(Service { id, hours });
    }
    if let Some(missing) = ServiceId::ALL
        .iter()
        .find(|id| !out.iter().any(|s| s.id == **id))
    {
        return Err(format!("service `{missing}` is missing"));
    }
    Ok(out)
}

/// The services serving any of `categories` that are open at `local_time`, in card order.
pub fn services_open_at(categories: &[Category], local_time: DateTime<Tz>) -> Vec<ServiceId> {
    let minute = local_time.hour() * 60 + local_time.minute();
    services()
        .iter()
        .filter(|s| s.serves_any(categories) && s.hours.is_open_at(minute))
        .map(|s| s.id)
        .collect()
}

/// A unix time in milliseconds, seen in a time zone. `None` only for times outside the
/// ±262,000-year range chrono handles.
pub fn local_time(at_ms: i64, tz: Tz) -> Option<DateTime<Tz>> {
    DateTime::from_timestamp_millis(at_ms).map(|utc| utc.with_timezone(&tz))
}

/// Who a card is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardKind {
    /// The young person who wrote about themselves.
    Disclosure,
    /// The young person a hostile message was aimed at (never its author).
    Targeted,
    /// A young person worried about a friend or a relative.
    Friend,
}

impl CardKind {
    pub const ALL: [CardKind; 3] = [Self::Disclosure, Self::Targeted, Self::Friend];
}

/// Which categories earn the young person a helpline card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelplinePolicy {
    pub card_categories: Vec<Category>,
}

impl Default for HelplinePolicy {
    /// The categories the registry marks `helpline_card = true`.
    fn default() -> Self {
        Self {
            card_categories: Category::ALL
                .into_iter()
                .filter(|&c| categories::entry(c).helpline_card)
                .collect(),
        }
    }
}

impl HelplinePolicy {
    /// Builds the policy from the config's category ids (`alerts.helpline_categories`).
    pub fn from_ids<S: AsRef<str>>(ids: &[S]) -> Result<Self, UnknownId> {
        let card_categories = ids
            .iter()
            .map(|id| id.as_ref().trim().parse::<Category>())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { card_categories })
    }

    /// Whether a flag of these categories sends the young person the card.
    pub fn wants_card<'a>(&self, flagged: impl IntoIterator<Item = &'a Category>) -> bool {
        flagged
            .into_iter()
            .any(|c| self.card_categories.contains(c))
    }

    /// Whether the young person targeted by a hostile message of these categories gets the
    /// card written for being targeted: for harassment, threats and sexual violence, and any
    /// category that earns a card.
    pub fn wants_targeted_card<'a>(&self, flagged: impl IntoIterator<Item = &'a Category>) -> bool {
        flagged.into_iter().any(|c| {
            self.card_categories.contains(c)
                || matches!(
                    c,
                    Category::Harassment | Category::ViolenceThreat | Category::SexualViolence
                )
        })
    }

    /// The services on the card for the young person targeted by a message of these
    /// categories, open at `at_ms` in `tz`: being targeted is harassment (the 3018, the 119)
    /// whatever else the message was flagged for.
    pub fn targeted_card(&self, flagged: &[Category], at_ms: i64, tz: Tz) -> Vec<ServiceId> {
        let mut relevant = flagged.to_vec();
        if !relevant.contains(&Category::Harassment) {
            relevant.push(Category::Harassment);
        }
        services_open_at_ms(&relevant, at_ms, tz)
    }

    /// The services to put on the card for a flag of these categories at `at_ms` in `tz`, or
    /// `None` when no category earns a card. Only the card-earning categories choose the
    /// services, so a card stays short and on topic.
    pub fn card(&self, flagged: &[Category], at_ms: i64, tz: Tz) -> Option<Vec<ServiceId>> {
        let relevant: Vec<Category> = flagged
            .iter()
            .copied()
            .filter(|c| self.card_categories.contains(c))
            .collect();
        if relevant.is_empty() {
            return None;
        }
        Some(services_open_at_ms(&relevant, at_ms, tz))
    }
}

/// The services serving any of `categories` open at `at_ms` in `tz`; for a time chrono cannot
/// represent, only the services that never close.
fn services_open_at_ms(categories: &[Category], at_ms: i64, tz: Tz) -> Vec<ServiceId> {
    match local_time(at_ms, tz) {
        Some(local) => services_open_at(categories, local),
        None => services()
            .iter()
            .filter(|s| s.hours == Hours::Always && s.serves_any(categories))
            .map(|s| s.id)
            .collect(),
    }
}

impl FromStr for ServiceId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| format!("unknown helpline service `{s}`"))
    }
}

#[cfg(test)]
mod tests;
