#[test]
fn the_networks_own_helplines_file_is_read_and_a_mistake_names_the_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("helplines.toml");
    std::fs::write(&good, include_str!("../../../data/helplines.toml")).unwrap();
    assert_eq!(read_services_file(&good).unwrap(), services().to_vec());
    let bad = dir.path().join("bad.toml");
    let text =
        include_str!("../../../data/helplines.toml").replacen("hours = \"", "hours = \"25:00-", 1);
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
