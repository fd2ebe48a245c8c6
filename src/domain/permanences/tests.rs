//! Permanences with a set clock, across the daylight-saving changes of 2026 (29 March,
//! 25 October) and 2027 (28 March, 31 October) in Europe/Paris.

use chrono::{NaiveDate, TimeZone, Utc, Weekday};

use super::*;
use crate::scheduler::{Clock, ManualClock};

const PARIS: Tz = chrono_tz::Europe::Paris;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a valid UTC test time")
        .timestamp_millis()
}

fn minute(text: &str) -> Minute {
    Minute::parse(text).expect("a valid test time")
}

fn slot(id: i64, promeneur: u64, weekday: Weekday, start: &str, end: &str) -> Slot {
    Slot {
        id,
        guild_id: 1,
        promeneur_id: promeneur,
        promeneur_name: format!("p{promeneur}"),
        weekday,
        start: minute(start),
        end: minute(end),
        location: None,
    }
}

/// The UTC hours and minutes of the one occurrence of `s` on `day`.
fn utc_hours(s: &Slot, day: NaiveDate) -> Option<(i64, i64)> {
    occurrence_on(s, &[], day, PARIS).map(|o| (o.start_ms, o.end_ms))
}

#[test]
fn times_are_read_with_a_colon_or_an_h() {
    assert_eq!(Minute::parse("17:00").map(Minute::get), Some(1020));
    assert_eq!(Minute::parse("17h").map(Minute::get), Some(1020));
    assert_eq!(Minute::parse(" 9h05 ").map(Minute::get), Some(545));
    assert_eq!(Minute::parse("24:00").map(Minute::get), Some(1440));
    for bad in [
        "25:00", "24:01", "12:60", "midi", "", "1:2:3", "-1:00", "123",
    ] {
        assert_eq!(Minute::parse(bad), None, "{bad}");
    }
}

#[test]
fn days_are_read_in_french_or_english() {
    assert_eq!(parse_weekday("Mardi"), Some(Weekday::Tue));
    assert_eq!(parse_weekday("mer"), Some(Weekday::Wed));
    assert_eq!(parse_weekday("sunday"), Some(Weekday::Sun));
    assert_eq!(parse_weekday("ma"), None);
    assert_eq!(parse_weekday("jeudredi"), None);
}

#[test]
fn a_bad_slot_names_the_option_at_fault() {
    let input = |jour, debut, fin, lieu| NewSlot {
        jour,
        debut,
        fin,
        lieu,
    };
    let err = |i| {
        parse_new_slot(i, Weekday::Sun)
            .err()
            .map(|e: PermanenceError| e.field())
    };
    assert_eq!(
        err(input("mardi", "25:00", "19:00", None)),
        Some(Field::Debut)
    );
    assert_eq!(
        err(input("mardi", "17:00", "19:75", None)),
        Some(Field::Fin)
    );
    assert_eq!(
        err(input("mardi", "19:00", "17:00", None)),
        Some(Field::Fin)
    );
    assert_eq!(
        err(input("mardi", "17:00", "17:00", None)),
        Some(Field::Fin)
    );
    assert_eq!(
        err(input("jourdi", "17:00", "19:00", None)),
        Some(Field::Jour)
    );
    assert_eq!(
        err(input("mardi", "24:00", "24:00", None)),
        Some(Field::Debut)
    );
    let long = "x".repeat(MAX_LOCATION_CHARS + 1);
    assert_eq!(
        err(input("mardi", "17:00", "19:00", Some(&long))),
        Some(Field::Lieu)
    );
    let today = parse_new_slot(input("aujourd’hui", "17h", "19h", None), Weekday::Sun);
    assert_eq!(today.map(|h| h.weekday), Ok(Weekday::Sun));
    let ok = parse_new_slot(
        input("mardi", "17h", "24:00", Some("  MJC  ")),
        Weekday::Sun,
    );
    assert_eq!(
        ok,
        Ok(SlotHours {
            weekday: Weekday::Tue,
            start: minute("17:00"),
            end: minute("24:00"),
            location: Some("MJC".into())
        })
    );
}

#[test]
fn slots_of_one_promeneur_may_not_overlap_but_two_promeneurs_may_share_hours() {
    let existing = [slot(7, 1, Weekday::Tue, "17:00", "19:00")];
    let hours = |start, end| SlotHours {
        weekday: Weekday::Tue,
        start: minute(start),
        end: minute(end),
        location: None,
    };
    assert_eq!(
        check_overlap(&hours("18:00", "20:00"), 1, &existing),
        Err(PermanenceError::Overlap { other: 7 })
    );
    assert_eq!(
        check_overlap(&hours("19:00", "20:00"), 1, &existing),
        Ok(())
    );
    assert_eq!(
        check_overlap(&hours("18:00", "20:00"), 2, &existing),
        Ok(())
    );
}

#[test]
fn a_slot_stays_at_the_same_local_hours_across_the_spring_changes_of_2026_and_2027() {
    // Tuesday 17:00-19:00: 16:00-18:00 UTC in winter (CET), 15:00-17:00 UTC in summer (CEST).
    let s = slot(1, 1, Weekday::Tue, "17:00", "19:00");
    assert_eq!(
        utc_hours(&s, date(2026, 3, 24)),
        Some((utc(2026, 3, 24, 16, 0), utc(2026, 3, 24, 18, 0)))
    );
    assert_eq!(
        utc_hours(&s, date(2026, 3, 31)),
        Some((utc(2026, 3, 31, 15, 0), utc(2026, 3, 31, 17, 0)))
    );
    assert_eq!(
        utc_hours(&s, date(2027, 3, 23)),
        Some((utc(2027, 3, 23, 16, 0), utc(2027, 3, 23, 18, 0)))
    );
    assert_eq!(
        utc_hours(&s, date(2027, 3, 30)),
        Some((utc(2027, 3, 30, 15, 0), utc(2027, 3, 30, 17, 0)))
    );
}

#[test]
fn a_slot_stays_at_the_same_local_hours_across_the_autumn_changes_of_2026_and_2027() {
    let s = slot(1, 1, Weekday::Sun, "17:00", "19:00");
    // Sunday 18 October 2026 (CEST), then the change day 25 October (CET from 03:00).
    assert_eq!(
        utc_hours(&s, date(2026, 10, 18)),
        Some((utc(2026, 10, 18, 15, 0), utc(2026, 10, 18, 17, 0)))
    );
    assert_eq!(
        utc_hours(&s, date(2026, 10, 25)),
        Some((utc(2026, 10, 25, 16, 0), utc(2026, 10, 25, 18, 0)))
    );
    assert_eq!(
        utc_hours(&s, date(2027, 10, 24)),
        Some((utc(2027, 10, 24, 15, 0), utc(2027, 10, 24, 17, 0)))
    );
    assert_eq!(
        utc_hours(&s, date(2027, 10, 31)),
        Some((utc(2027, 10, 31, 16, 0), utc(2027, 10, 31, 18, 0)))
    );
}

#[test]
fn on_the_spring_change_day_the_skipped_hour_is_read_as_three_oclock() {
    for (y, d) in [(2026, 29), (2027, 28)] {
        let day = date(y, 3, d);
        assert_eq!(day.weekday(), Weekday::Sun);
        // 02:00-04:00 starts at 03:00 CEST (01:00 UTC) and lasts one hour.
        let s = slot(1, 1, Weekday::Sun, "02:00", "04:00");
        assert_eq!(
            utc_hours(&s, day),
            Some((utc(y, 3, d, 1, 0), utc(y, 3, d, 2, 0)))
        );
        // 01:30-02:30 ends at 03:00 CEST: from 00:30 to 01:00 UTC.
        let s = slot(1, 1, Weekday::Sun, "01:30", "02:30");
        assert_eq!(
            utc_hours(&s, day),
            Some((utc(y, 3, d, 0, 30), utc(y, 3, d, 1, 0)))
        );
        // A slot wholly inside the skipped hour does not happen that day...
        let s = slot(1, 1, Weekday::Sun, "02:15", "02:45");
        assert_eq!(utc_hours(&s, day), None);
        // ...and is back the next Sunday.
        assert!(utc_hours(&s, date(y, 4, d + 7 - 31)).is_some());
    }
}

#[test]
fn on_the_autumn_change_day_the_doubled_hour_is_covered_twice() {
    for (y, d) in [(2026, 25), (2027, 31)] {
        let day = date(y, 10, d);
        assert_eq!(day.weekday(), Weekday::Sun);
        // 02:00-03:00: from the first 02:00 (CEST, 00:00 UTC) to 03:00 CET (02:00 UTC).
        let s = slot(1, 1, Weekday::Sun, "02:00", "03:00");
        assert_eq!(
            utc_hours(&s, day),
            Some((utc(y, 10, d, 0, 0), utc(y, 10, d, 2, 0)))
        );
        // 02:30-04:00 starts at the first 02:30 (00:30 UTC).
        let s = slot(1, 1, Weekday::Sun, "02:30", "04:00");
        assert_eq!(
            utc_hours(&s, day),
            Some((utc(y, 10, d, 0, 30), utc(y, 10, d, 3, 0)))
        );
        // 01:00-02:30 ends at the second 02:30 (01:30 UTC).
        let s = slot(1, 1, Weekday::Sun, "01:00", "02:30");
        assert_eq!(
            utc_hours(&s, day),
            Some((utc(y, 10, d - 1, 23, 0), utc(y, 10, d, 1, 30)))
        );
    }
}

#[test]
fn a_slot_ending_at_midnight_ends_at_the_start_of_the_next_day() {
    let s = slot(1, 1, Weekday::Sat, "22:00", "24:00");
    // Saturday 28 March 2026: midnight is still CET (the change is at 02:00 on Sunday).
    assert_eq!(
        utc_hours(&s, date(2026, 3, 28)),
        Some((utc(2026, 3, 28, 21, 0), utc(2026, 3, 28, 23, 0)))
    );
}

#[test]
fn who_is_on_duty_follows_a_set_clock_across_the_change() {
    let slots = [
        slot(1, 10, Weekday::Tue, "17:00", "19:00"),
        slot(2, 20, Weekday::Tue, "18:00", "20:00"),
        slot(3, 20, Weekday::Thu, "10:00", "12:00"),
    ];
    // Tuesday 31 March 2026, just after the spring change: 17:30 CEST is 15:30 UTC.
    let clock = ManualClock::new(utc(2026, 3, 31, 15, 30));
    let now = on_duty(&slots, &[], clock.now_ms(), PARIS);
    assert_eq!(
        now,
        OnDuty::Now {
            promeneurs: vec![(10, utc(2026, 3, 31, 17, 0))]
        }
    );
    // 18:30 local: both, each until the end of their own slot.
    clock.set(utc(2026, 3, 31, 16, 30));
    assert_eq!(
        on_duty(&slots, &[], clock.now_ms(), PARIS).on_duty_now(),
        vec![10, 20]
    );
    // 19:00 local: the first slot has ended (the end is excluded).
    clock.set(utc(2026, 3, 31, 17, 0));
    assert_eq!(
        on_duty(&slots, &[], clock.now_ms(), PARIS).on_duty_now(),
        vec![20]
    );
    // 20:00 local: nobody; next is Thursday 10:00 CEST.
    clock.set(utc(2026, 3, 31, 18, 0));
    assert_eq!(
        on_duty(&slots, &[], clock.now_ms(), PARIS),
        OnDuty::Next {
            start_ms: utc(2026, 4, 2, 8, 0),
            end_ms: utc(2026, 4, 2, 10, 0),
            promeneurs: vec![20]
        }
    );
    // In winter the same local hours are an hour later in UTC: 15:30 UTC is 16:30 CET.
    clock.set(utc(2027, 1, 5, 15, 30));
    assert!(matches!(
        on_duty(&slots, &[], clock.now_ms(), PARIS),
        OnDuty::Next { start_ms, .. } if start_ms == utc(2027, 1, 5, 16, 0)
    ));
    assert_eq!(on_duty(&[], &[], clock.now_ms(), PARIS), OnDuty::Nobody);
}

#[test]
fn a_cancelled_day_has_no_permanence_and_a_moved_day_has_its_new_hours() {
    let slots = [slot(1, 10, Weekday::Tue, "17:00", "19:00")];
    let cancelled = Exception {
        slot_id: 1,
        date: date(2026, 12, 8),
        kind: ExceptionKind::Cancelled,
    };
    let moved = Exception {
        slot_id: 1,
        date: date(2026, 12, 15),
        kind: ExceptionKind::Moved {
            start: minute("14:00"),
            end: minute("15:00"),
        },
    };
    let all = occurrences(
        &slots,
        &[cancelled, moved],
        date(2026, 12, 7),
        date(2026, 12, 20),
        PARIS,
    );
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].start_ms, utc(2026, 12, 15, 13, 0));
    assert_eq!(all[0].end_ms, utc(2026, 12, 15, 14, 0));
    // At the usual hour on the cancelled Tuesday nobody is on duty; the next is the moved one.
    assert_eq!(
        on_duty(&slots, &[cancelled, moved], utc(2026, 12, 8, 16, 30), PARIS),
        OnDuty::Next {
            start_ms: utc(2026, 12, 15, 13, 0),
            end_ms: utc(2026, 12, 15, 14, 0),
            promeneurs: vec![10]
        }
    );
}

#[test]
fn an_exception_is_refused_in_the_past_on_another_day_or_over_another_slot() {
    let today = date(2026, 12, 6);
    let input = |d, annulee, debut, fin| NewException {
        date: d,
        annulee,
        debut,
        fin,
    };
    let err = |i| {
        parse_exception(i, today)
            .err()
            .map(|e: PermanenceError| e.field())
    };
    assert_eq!(
        err(input("2026-12-01", true, None, None)),
        Some(Field::Date)
    );
    assert_eq!(
        err(input("31/02/2027", true, None, None)),
        Some(Field::Date)
    );
    assert_eq!(
        err(input("2026-12-08", false, Some("14:00"), None)),
        Some(Field::Debut)
    );
    assert_eq!(
        err(input("2026-12-08", false, None, None)),
        Some(Field::Debut)
    );
    assert_eq!(
        err(input("2026-12-08", false, Some("14:00"), Some("13:00"))),
        Some(Field::Fin)
    );
    assert_eq!(
        parse_exception(input("08/12", true, None, None), today),
        Ok((date(2026, 12, 8), ExceptionKind::Cancelled))
    );
    // "01/12" is past this year: next year's.
    assert_eq!(parse_date("01/12", today), Some(date(2027, 12, 1)));
    let tuesday = slot(1, 10, Weekday::Tue, "17:00", "19:00");
    let other = slot(2, 10, Weekday::Tue, "10:00", "12:00");
    let slots = [tuesday.clone(), other];
    assert_eq!(
        check_exception(
            &tuesday,
            date(2026, 12, 9),
            ExceptionKind::Cancelled,
            &slots,
            &[],
            PARIS
        ),
        Err(PermanenceError::WrongWeekday {
            expected: Weekday::Tue
        })
    );
    let over = ExceptionKind::Moved {
        start: minute("11:00"),
        end: minute("13:00"),
    };
    assert_eq!(
        check_exception(&tuesday, date(2026, 12, 8), over, &slots, &[], PARIS),
        Err(PermanenceError::Overlap { other: 2 })
    );
    let fine = ExceptionKind::Moved {
        start: minute("12:00"),
        end: minute("13:00"),
    };
    assert!(check_exception(&tuesday, date(2026, 12, 8), fine, &slots, &[], PARIS).is_ok());
}

#[test]
fn weeks_start_on_monday() {
    assert_eq!(week_start(date(2026, 12, 6)), date(2026, 11, 30));
    assert_eq!(week_start(date(2026, 12, 7)), date(2026, 12, 7));
}
