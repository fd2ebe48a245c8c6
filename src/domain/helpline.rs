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
mod tests {

    #[test]
    fn the_networks_own_helplines_file_is_read_and_a_mistake_names_the_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("helplines.toml");
        std::fs::write(&good, include_str!("../../data/helplines.toml")).unwrap();
        assert_eq!(read_services_file(&good).unwrap(), services().to_vec());
        let bad = dir.path().join("bad.toml");
        let text =
            include_str!("../../data/helplines.toml").replacen("hours = \"", "hours = \"25:00-", 1);
        std::fs::write(&bad, text).unwrap();
        let e = read_services_file(&bad).unwrap_err();
        assert!(
            e.starts_with("alerts.helplines_file (") && e.contains("bad.toml"),
            "{e}"
        );
        let missing = read_services_file(&dir.path().join("none.toml")).unwrap_err();
        assert!(missing.contains("none.toml"), "{missing}");
    }

    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn utc_ms(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .map(|naive| Utc.from_utc_datetime(&naive).timestamp_millis())
            .unwrap_or_else(|| panic!("invalid test date"))
    }

    fn paris_card(categories: &[Category], at_ms: i64) -> Vec<ServiceId> {
        HelplinePolicy::default()
            .card(categories, at_ms, DEFAULT_TIME_ZONE)
            .unwrap_or_default()
    }

    #[test]
    fn every_service_is_listed_once_and_found_by_its_id() {
        for id in ServiceId::ALL {
            assert_eq!(services().iter().filter(|s| s.id == id).count(), 1);
            assert_eq!(id.service().map(|s| s.id), Some(id));
            assert_eq!(id.as_str().parse(), Ok(id));
        }
    }

    #[test]
    fn the_helplines_file_refuses_bad_hours_unknown_and_missing_services() {
        let bad = "[[service]]\nid = \"3114\"\nhours = \"9h-23h\"\n";
        assert!(parse_services(bad).is_err_and(|e| e.contains("HH:MM-HH:MM")));
        let unknown = "[[service]]\nid = \"3615\"\nhours = \"always\"\n";
        assert!(parse_services(unknown).is_err_and(|e| e.contains("3615")));
        let one = "[[service]]\nid = \"3114\"\nhours = \"always\"\n";
        assert!(parse_services(one).is_err_and(|e| e.contains("missing")));
    }

    #[test]
    fn the_shipped_helplines_file_passes_the_start_up_check() {
        assert_eq!(check_services_file(None), Ok(()));
    }

    #[test]
    fn hours_read_as_minutes_of_the_day() {
        assert_eq!("always".parse(), Ok(Hours::Always));
        assert_eq!(
            "09:00-23:30".parse(),
            Ok(Hours::Daily {
                from: 540,
                to: 1410
            })
        );
        assert!("23:00-09:00".parse::<Hours>().is_err());
    }

    #[test]
    fn at_night_a_suicidal_message_gets_the_always_open_lines_only() {
        // 2024-01-15 02:00 in Paris (01:00 UTC).
        let card = paris_card(&[Category::SuicideSelfharm], utc_ms(2024, 1, 15, 1, 0));
        assert_eq!(card, [ServiceId::Suicide3114, ServiceId::Urgence]);
    }

    #[test]
    fn in_the_evening_fil_sante_jeunes_is_offered_too() {
        // 2024-01-15 20:00 in Paris.
        let card = paris_card(&[Category::SuicideSelfharm], utc_ms(2024, 1, 15, 19, 0));
        assert_eq!(
            card,
            [
                ServiceId::Suicide3114,
                ServiceId::FilSanteJeunes,
                ServiceId::Urgence
            ]
        );
    }

    #[test]
    fn harassment_gets_the_3018_during_its_hours_and_the_119_always() {
        let day = paris_card(&[Category::Harassment], utc_ms(2024, 1, 15, 12, 0));
        assert_eq!(
            day,
            [
                ServiceId::EnfanceEnDanger119,
                ServiceId::Cyberharcelement3018
            ]
        );
        let night = paris_card(&[Category::Harassment], utc_ms(2024, 1, 15, 23, 30));
        assert_eq!(night, [ServiceId::EnfanceEnDanger119]);
    }

    #[test]
    fn opening_hours_follow_the_spring_daylight_saving_change() {
        // 07:30 UTC is 08:30 in Paris the day before the change (CET), 3018 still closed...
        let before = paris_card(&[Category::Harassment], utc_ms(2024, 3, 30, 7, 30));
        assert!(!before.contains(&ServiceId::Cyberharcelement3018));
        // ...and 09:30 the day of the change (CEST, 31 March 2024): open.
        let after = paris_card(&[Category::Harassment], utc_ms(2024, 3, 31, 7, 30));
        assert!(after.contains(&ServiceId::Cyberharcelement3018));
    }

    #[test]
    fn opening_hours_follow_the_autumn_daylight_saving_change() {
        // 21:30 UTC is 23:30 in Paris on 26 October 2024 (CEST): closed...
        let before = paris_card(&[Category::Harassment], utc_ms(2024, 10, 26, 21, 30));
        assert!(!before.contains(&ServiceId::Cyberharcelement3018));
        // ...and 22:30 on 27 October 2024, after the change (CET): open.
        let after = paris_card(&[Category::Harassment], utc_ms(2024, 10, 27, 21, 30));
        assert!(after.contains(&ServiceId::Cyberharcelement3018));
    }

    #[test]
    fn the_guild_time_zone_decides_the_hour() {
        // 12:00 UTC is 08:00 in Martinique: the 3018 is not open yet there.
        let at = utc_ms(2024, 1, 15, 12, 0);
        let card = HelplinePolicy::default()
            .card(&[Category::Harassment], at, chrono_tz::America::Martinique)
            .unwrap_or_default();
        assert_eq!(card, [ServiceId::EnfanceEnDanger119]);
    }

    #[test]
    fn services_open_at_takes_a_local_time_directly() {
        let local = DEFAULT_TIME_ZONE
            .with_ymd_and_hms(2024, 7, 1, 22, 59, 59)
            .single()
            .unwrap_or_else(|| panic!("unambiguous time"));
        let open = services_open_at(&[Category::EatingDisorder], local);
        assert_eq!(open, [ServiceId::FilSanteJeunes]);
        let open = services_open_at(
            &[Category::EatingDisorder],
            local + chrono::Duration::seconds(1),
        );
        assert!(open.is_empty());
    }

    #[test]
    fn categories_without_a_card_get_none() {
        let at = utc_ms(2024, 1, 15, 12, 0);
        let policy = HelplinePolicy::default();
        assert_eq!(
            policy.card(
                &[Category::Substances, Category::Distress],
                at,
                DEFAULT_TIME_ZONE
            ),
            None
        );
    }

    #[test]
    fn only_card_categories_choose_the_services() {
        // Distress alone has no card by default; with harassment, only harassment's services.
        let card = paris_card(
            &[Category::Distress, Category::Harassment],
            utc_ms(2024, 1, 15, 1, 0),
        );
        assert_eq!(card, [ServiceId::EnfanceEnDanger119]);
    }

    #[test]
    fn a_domestic_violence_card_offers_the_119_the_3919_and_emergency() {
        let card = paris_card(&[Category::DomesticViolence], utc_ms(2024, 1, 15, 1, 0));
        assert_eq!(
            card,
            [
                ServiceId::EnfanceEnDanger119,
                ServiceId::Violences3919,
                ServiceId::Urgence
            ]
        );
    }

    #[test]
    fn card_categories_are_configurable_by_id() {
        let policy = HelplinePolicy::from_ids(&["distress", " eating_disorder "]);
        assert_eq!(
            policy,
            Ok(HelplinePolicy {
                card_categories: vec![Category::Distress, Category::EatingDisorder]
            })
        );
        let err = HelplinePolicy::from_ids(&["suicide"]).err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("`suicide`") && message.contains("eating_disorder"));
    }
}
