//! The features' texts for the coverage test: the digest, resources, permanences and
//! questions, every render function with every variant of its arguments.

use super::*;

/// The digest: a full week (partial, with a long list of waiting questions) and an empty one.
pub(super) fn digest_texts(lang: Lang) -> Vec<String> {
    use crate::domain::digest::*;
    use crate::domain::questions::Way;
    let h = 3_600_000;
    let alert = |outcome, rules: &[&str]| AlertFact {
        severity: Severity::High,
        categories: [Category::Distress].into_iter().collect(),
        flagged_at: 0,
        taken_at: Some(h),
        escalations: 1,
        outcome,
        dm_refused: true,
        rules: rules.iter().map(|r| r.to_string()).collect(),
    };
    let waiting: Vec<WaitingQuestion> = (0..12)
        .map(|i| WaitingQuestion {
            way: Way::ALL[i % 3],
            asked_at: 0,
            thread_id: (i > 0).then_some(i as u64),
        })
        .collect();
    let facts = Facts {
        questions: vec![QuestionFact {
            way: Way::Open,
            asked_at: 0,
            answered_at: Some(h),
        }],
        waiting,
        alerts: vec![
            alert(Some(Outcome::FauxPositif), &["fr.distress.low"]),
            alert(None, &[]),
        ],
        resources_added: 1,
        permanences: vec![PermanenceFact {
            promeneur_id: 1,
            promeneur_name: "Karim".into(),
            start_ms: 0,
            end_ms: 2 * h,
        }],
    };
    let week = IsoWeek::parse(
        "2026-W47",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
    )
    .unwrap();
    let digest = |summary: Summary, partial| Digest {
        guild_id: "1".into(),
        week: week.to_string(),
        from: week.monday(),
        to: week.sunday(),
        timezone: "Europe/Paris".into(),
        cut_off_ms: 100 * h,
        partial,
        summary,
        trend: Trend::default(),
        chart: ChartData::of(&facts, chrono_tz::Europe::Paris),
    };
    let full = digest(summarise(&facts, 100 * h), true);
    let chart = digest_chart_labels(lang, &full);
    let mut chart_texts = vec![
        chart.heading,
        chart.alerts_title,
        chart.questions_title,
        chart.take_title,
        chart.count_axis,
        chart.not_taken,
        chart.nothing,
        digest_chart_file_name(lang, &full.week),
    ];
    chart_texts.extend(chart.take_buckets);
    chart_texts.extend(chart.weekdays);
    chart_texts.extend(chart.categories.into_values());
    chart_texts.extend(chart.ways.into_values());
    vec![
        digest_coordinators_only(lang),
        digest_week_refused(lang, &WeekError::Unreadable("x".into())),
        digest_week_refused(lang, &WeekError::Future(week)),
        digest_markdown(lang, &digest(summarise(&facts, 100 * h), true)),
        digest_markdown(lang, &digest(summarise(&Facts::default(), 0), false)),
        // Only a resource: no delay to show, empty lists.
        digest_markdown(
            lang,
            &digest(
                summarise(
                    &Facts {
                        resources_added: 1,
                        ..Facts::default()
                    },
                    0,
                ),
                false,
            ),
        ),
    ]
    .into_iter()
    .chain(chart_texts)
    .collect()
}

/// Every text of `/ressource`, its modal, its embed and the alert's resources.
pub(super) fn resource_texts(lang: Lang) -> Vec<String> {
    use crate::domain::resources::{ChangeError, Field, FieldError, LinkProblem};
    let line = ResourceLine {
        id: 3,
        title: "Harcèlement",
        link: "https://www.3018.fr/",
        themes: vec!["Harcèlement"],
    };
    let mut out = vec![
        resource_modal_title(lang, None),
        resource_modal_title(lang, Some(3)),
        resource_themes_prompt(lang, "Harcèlement"),
        resource_themes_placeholder(lang),
        resource_added(lang, 3, "t", Some(9)),
        resource_added(lang, 3, "t", None),
        resource_edited(lang, 3, "t"),
        resource_retired(lang, 3, "t"),
        resource_fix_hint(lang),
        resource_not_found(lang, "xyz"),
        resource_draft_expired(lang),
        resource_changed_meanwhile(lang, 3),
        resource_search(lang, "harcelement", std::slice::from_ref(&line)),
        resource_search(lang, "harcelement", &[]),
        resource_list(lang, None, std::slice::from_ref(&line)),
        resource_list(lang, Some("Harcèlement"), std::slice::from_ref(&line)),
        resource_list(lang, None, &[]),
        resource_embed_themes(lang),
        resource_embed_footer(lang, 3),
        resource_alert_field(lang),
        resource_card_section(lang, &[("3018", "https://www.3018.fr/")]),
    ];
    for f in [Field::Title, Field::Link, Field::Description] {
        out.push(resource_modal_label(lang, f));
    }
    for e in [
        FieldError::Missing(Field::Title),
        FieldError::TooLong {
            field: Field::Description,
            len: 1200,
            max: 1000,
        },
        FieldError::BadLink(LinkProblem::NotHttp),
        FieldError::BadLink(LinkProblem::Malformed),
        FieldError::UnknownTheme("x".into()),
    ] {
        out.push(resource_field_error(lang, &e));
    }
    for e in [ChangeError::NotFound, ChangeError::Retired] {
        out.push(resource_change_refused(lang, 3, e));
    }
    out
}

/// The permanences' texts, every error and every state of "who is on duty".
pub(super) fn render_permanences(lang: Lang) -> Vec<String> {
    use crate::domain::permanences::{Field, Minute, OnDuty, PermanenceError};
    use chrono::Weekday;
    let tz = chrono_tz::Europe::Paris;
    let m = |v| Minute::new(v).expect("a valid minute");
    let mut out = Vec::new();
    out.push(alert_content_on_duty(lang, &[1, 2], Severity::High));
    let slot = SlotText {
        id: 3,
        weekday: Weekday::Tue,
        start: m(1020),
        end: m(1170),
        promeneur: 4,
        location: Some("MJC"),
    };
    out.push(permanence_added(lang, &slot));
    out.push(permanence_removed(lang, &slot));
    for day in [
        Weekday::Mon,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        out.push(weekday_label(lang, day));
    }
    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).expect("a valid date");
    out.push(permanence_cancelled(lang, 3, date));
    out.push(permanence_moved(lang, 3, date, m(600), m(660)));
    for error in [
        PermanenceError::BadTime {
            field: Field::Debut,
            value: "25:00".into(),
        },
        PermanenceError::UnknownDay("jourdi".into()),
        PermanenceError::BadDate("31/02".into()),
        PermanenceError::EndNotAfterStart,
        PermanenceError::DateInPast,
        PermanenceError::WrongWeekday {
            expected: Weekday::Tue,
        },
        PermanenceError::Overlap { other: 2 },
        PermanenceError::TooLong {
            field: Field::Lieu,
            max: 100,
        },
        PermanenceError::IncompleteException,
        PermanenceError::NotFound(9),
        PermanenceError::NoSlotThatDay,
        PermanenceError::SeveralSlotsThatDay,
    ] {
        out.push(permanence_error(lang, &error));
    }
    let at = 1_796_000_000_000;
    let item = ListedOccurrence {
        id: 3,
        start_ms: at,
        end_ms: at + 5_400_000,
        promeneur: 4,
        location: None,
    };
    out.push(permanence_list(lang, tz, &[item]));
    out.push(permanence_list(lang, tz, &[]));
    out.push(on_duty_sentence(
        lang,
        &OnDuty::Now {
            promeneurs: vec![(4, at)],
        },
        tz,
    ));
    out.push(on_duty_sentence(
        lang,
        &OnDuty::Next {
            start_ms: at,
            end_ms: at + 1,
            promeneurs: vec![4, 5],
        },
        tz,
    ));
    out.push(on_duty_sentence(lang, &OnDuty::Nobody, tz));
    out.push(permanence_announcement(lang, 4, at, Some("MJC"), tz));
    out.push(permanence_event_name(lang, "Karim"));
    out.push(permanence_event_description(lang));
    out.push(permanence_event_location(lang));
    out
}

/// Every text of questions.
pub(super) fn render_questions(lang: Lang, out: &mut Vec<String>) {
    use crate::domain::questions::{QuestionOutcome, QuestionStatus, Way};
    out.extend(Way::ALL.map(|w| way_label(lang, w)));
    out.extend(QuestionStatus::ALL.map(|s| question_status_label(lang, s)));
    out.extend(QuestionOutcome::ALL.map(|o| question_outcome_label(lang, o)));
    out.extend(QuestionStatus::ALL.map(|s| question_status_line(lang, s, Some(3))));
    out.push(question_ack(lang, &question_on_duty_default(lang)));
    out.push(question_button_take(lang));
    out.push(question_thread_fallback(lang, 4));
    out.push(question_anonymous_title(lang));
    out.push(question_anonymous_posted(
        lang,
        "https://discord.com/channels/1/2/3",
    ));
    out.push(question_anonymous_pending(lang, 2));
    out.push(question_anonymous_answered_dm(
        lang,
        "https://discord.com/channels/1/2/3",
    ));
    out.push(question_modal_title(lang));
    out.push(question_modal_label(lang));
    out.push(question_too_short(lang));
    out.push(question_too_long(lang, 1600, 1500));
    out.push(question_no_channel(lang));
    out.push(question_private_head(lang, 5, "ab12"));
    out.push(question_private_label(lang, 5, "ab12"));
    out.push(question_private_opened_dm(lang, "x"));
    out.push(question_relay_in(lang, "salut"));
    out.push(question_relay_out(lang, "Karim", "bonjour"));
    out.push(question_relay_refused(lang));
    out.push(question_thread_reopened(lang));
    out.push(question_closed_dm(lang));
    out.extend(QuestionOutcome::ALL.map(|o| question_closed_ok(lang, 6, o)));
    out.push(question_taken_ok(lang, 6));
    out.push(question_already_taken(lang, 6, 7));
    out.push(question_already_closed(lang, 6));
    out.push(question_not_a_question_thread(lang));
    out.push(question_not_private(lang));
    out.push(question_replied_ok(lang));
    out.push(question_empty_answer(lang));
    out.push(question_list(lang, &[]));
    let item = QuestionListItem {
        id: 1,
        way: Way::Private,
        status: QuestionStatus::Open,
        age_ms: 60_000,
        url: "https://discord.com/channels/1/2/3",
    };
    out.push(question_list(lang, &[item]));
    for escalate in [false, true] {
        out.push(question_nudge(
            lang,
            escalate,
            "<@&1>",
            1,
            Way::Open,
            7_200_000,
            "https://x",
        ));
    }
    out.push(question_choose_guild(lang));
    out.push(question_guild_chosen(lang, "Promeneurs"));
    out.push(question_text_only(lang));
    out.push(question_helplines_meanwhile(lang));
    out.push(question_button_reply(lang));
    out.push(question_reply_modal_title(lang));
    out.push(question_reply_modal_label(lang));
}
