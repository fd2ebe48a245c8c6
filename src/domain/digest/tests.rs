use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn weeks_are_read_as_iso_weeks_or_dates() {
    let today = d(2026, 12, 6);
    assert_eq!(
        IsoWeek::parse("2026-W47", today).unwrap().to_string(),
        "2026-W47"
    );
    assert_eq!(
        IsoWeek::parse("2026w47", today).unwrap().to_string(),
        "2026-W47"
    );
    assert_eq!(
        IsoWeek::parse("2026-11-20", today).unwrap().to_string(),
        "2026-W47"
    );
    assert_eq!(
        IsoWeek::parse("20/11/2026", today).unwrap().to_string(),
        "2026-W47"
    );
    // The first days of January can belong to the previous ISO year.
    assert_eq!(
        IsoWeek::parse("2027-01-01", d(2027, 2, 1))
            .unwrap()
            .to_string(),
        "2026-W53"
    );
}

#[test]
fn unknown_and_future_weeks_are_refused() {
    let today = d(2026, 12, 6);
    assert!(matches!(
        IsoWeek::parse("2026-W54", today),
        Err(WeekError::Unreadable(_))
    ));
    assert!(matches!(
        IsoWeek::parse("semaine 3", today),
        Err(WeekError::Unreadable(_))
    ));
    assert!(matches!(
        IsoWeek::parse("2026-W50", today),
        Err(WeekError::Future(_))
    ));
    // The week in progress is allowed.
    assert!(IsoWeek::parse("2026-W49", today).is_ok());
}

#[test]
fn a_week_spans_local_monday_to_monday_across_the_october_dst_change() {
    let tz: Tz = "Europe/Paris".parse().unwrap();
    let w = IsoWeek::parse("2026-W43", d(2026, 12, 6)).unwrap();
    assert_eq!(w.monday(), d(2026, 10, 19));
    let (start, end) = w.bounds(tz);
    assert_eq!(
        start,
        d(2026, 10, 18)
            .and_hms_opt(22, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    );
    // Clocks went back on Sunday 25 October: the week lasts 169 hours.
    assert_eq!(end - start, 169 * 3_600_000);
    assert_eq!(w.previous().to_string(), "2026-W42");
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let d = Delays::of(vec![10, 1, 7, 3, 5, 9, 2, 8, 4, 6]);
    assert_eq!((d.count, d.median_ms, d.p90_ms), (10, Some(5), Some(9)));
    let one = Delays::of(vec![42]);
    assert_eq!((one.median_ms, one.p90_ms), (Some(42), Some(42)));
    assert_eq!(Delays::of(vec![]).median_ms, None);
}

fn alert(outcome: Option<Outcome>, rules: &[&str]) -> AlertFact {
    AlertFact {
        severity: Severity::High,
        categories: [Category::Distress].into_iter().collect(),
        flagged_at: 0,
        taken_at: Some(60_000),
        escalations: 0,
        outcome,
        dm_refused: false,
        rules: rules.iter().map(|r| r.to_string()).collect(),
    }
}

#[test]
fn false_positives_are_shared_out_by_rule_family() {
    let alerts = vec![
        alert(
            Some(Outcome::FauxPositif),
            &["fr.distress.low", "fr.distress.medium"],
        ),
        alert(Some(Outcome::Accompagne), &["fr.distress.low"]),
        alert(Some(Outcome::FauxPositif), &["fr.sig.time"]),
        alert(None, &["fr.sig.time"]),
    ];
    let s = summarise_alerts(&alerts);
    let shares: Vec<(&str, u32, u32, f64)> = s
        .false_positive_rules
        .iter()
        .map(|r| (r.family.as_str(), r.closed, r.false_positives, r.share_pct))
        .collect();
    assert_eq!(
        shares,
        vec![("fr.sig", 1, 1, 100.0), ("fr.distress", 2, 1, 50.0)]
    );
    assert_eq!(s.still_open, 1);
    assert_eq!(s.outcomes.get("faux_positif"), Some(&2));
}

#[test]
fn questions_count_answers_by_the_cut_off_and_list_only_those_waiting_over_48_hours() {
    let h = 3_600_000;
    let facts = Facts {
        questions: vec![
            QuestionFact {
                way: Way::Open,
                asked_at: 0,
                answered_at: Some(h),
            },
            QuestionFact {
                way: Way::Private,
                asked_at: 0,
                answered_at: Some(3 * h),
            },
            QuestionFact {
                way: Way::Anonymous,
                asked_at: 0,
                answered_at: None,
            },
            // Answered after the cut-off: not yet answered for this digest.
            QuestionFact {
                way: Way::Open,
                asked_at: 0,
                answered_at: Some(500 * h),
            },
        ],
        waiting: vec![
            WaitingQuestion {
                way: Way::Anonymous,
                asked_at: 0,
                thread_id: Some(7),
            },
            WaitingQuestion {
                way: Way::Open,
                asked_at: 90 * h,
                thread_id: Some(8),
            },
        ],
        ..Facts::default()
    };
    let q = summarise(&facts, 100 * h).questions;
    assert_eq!(
        (q.asked, q.open, q.anonymous, q.private, q.answered),
        (4, 2, 1, 1, 2)
    );
    assert_eq!(q.answered_pct, Some(50.0));
    assert_eq!(q.first_answer.median_ms, Some(h));
    assert_eq!(q.first_answer.p90_ms, Some(3 * h));
    assert_eq!(q.waiting_over_48h.len(), 1);
    assert_eq!(q.waiting_over_48h[0].thread_id.as_deref(), Some("7"));
}

#[test]
fn the_trend_compares_with_the_mean_of_the_previous_weeks() {
    let week = |q: f64, a: f64| Headline {
        questions: q,
        alerts: a,
        ..Headline::default()
    };
    let t = Trend::of(
        &week(10.0, 2.0),
        &[
            week(4.0, 2.0),
            week(6.0, 2.0),
            week(5.0, 3.0),
            week(5.0, 1.0),
        ],
    );
    assert_eq!(t.questions, Some(Direction::Up));
    assert_eq!(t.alerts, Some(Direction::Steady));
    assert_eq!(t.take_median, None, "no earlier value, no arrow");
    let t = Trend::of(&week(1.0, 0.0), &[week(5.0, 3.0)]);
    assert_eq!(
        (t.questions, t.alerts),
        (Some(Direction::Down), Some(Direction::Down))
    );
}

#[test]
fn an_empty_week_has_nothing_to_report_and_csv_quotes_what_needs_it() {
    assert!(summarise(&Facts::default(), 0).is_empty());
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(rule_family("fr.suicide.word"), "fr.suicide");
    assert_eq!(rule_family("custom"), "custom");
}
