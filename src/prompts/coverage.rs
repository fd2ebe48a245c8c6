//! The prompts' safety net: every template is rendered in both languages with every
//! placeholder filled, and every file under prompts/ is one of the registered templates.

use std::collections::BTreeSet;
use std::path::Path;

use super::registry::{rendered, ALL};
use super::*;
use crate::domain::alerts::{AlertState, AlertStatus, Outcome, TransitionError};
use crate::domain::helpline::{CardKind, ServiceId};
use crate::safety::{Category, Severity};

/// Calls every render function, with every variant of its enum arguments.
fn render_everything(lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(command_description(lang, "aide"));
    out.extend(
        outcome_vocabulary()
            .into_iter()
            .flat_map(|(_, words)| words),
    );
    out.extend(Severity::ALL.map(|s| severity_label(lang, s)));
    out.extend(Category::ALL.map(|c| category_label(lang, c)));
    out.extend(Outcome::ALL.map(|o| outcome_label(lang, o)));
    out.push(outcome_label(lang, Outcome::Efface));
    out.push(rights_export_dm(lang, 365));
    out.push(rights_export_sent(lang));
    out.push(rights_export_dm_closed(lang));
    out.push(rights_forget_confirm(lang));
    out.push(rights_forget_button(lang));
    out.push(rights_forget_done(lang));
    out.push(rights_privacy(lang, 365));
    out.push(rights_alert_erased(lang, 4, Some(1)));
    out.extend(command_description(lang, "mes-donnees"));
    out.extend(command_description(lang, "oubli"));
    out.extend(command_description(lang, "confidentialite"));
    for status in [AlertStatus::Open, AlertStatus::Taken, AlertStatus::Closed] {
        out.push(status_label(lang, status, Some(1)));
    }
    for ms in [0, 5 * 60_000, 3 * 3_600_000, 50 * 3_600_000] {
        out.push(elapsed(lang, ms));
    }
    out.push(alert_title(lang, Severity::High, &Category::ALL));
    out.extend(AlertField::ALL.map(|f| alert_field_label(lang, f)));
    out.push(alert_jump_link(lang, "https://discord.com/channels/1/2/3"));
    let open = AlertState::open(0);
    out.push(alert_status_line(lang, &open));
    out.push(alert_status_taken(lang, 2));
    out.extend(Outcome::ALL.map(|o| alert_status_closed(lang, o)));
    out.push(alert_burst_note(lang, 3));
    out.push(alert_dm_refused(lang));
    out.push(alert_content(lang, 4, Severity::Critical));
    out.push(button_take(lang));
    out.push(button_close(lang));
    out.push(close_modal_title(lang));
    out.push(close_modal_outcome_label(lang));
    out.push(close_modal_outcome_hint(lang));
    out.push(close_modal_note_label(lang));
    out.push(escalation_message(
        lang,
        5,
        Severity::Critical,
        &[Category::Distress],
        360_000,
        "https://x",
    ));
    for kind in CardKind::ALL {
        out.push(helpline_card(lang, kind, &ServiceId::ALL));
    }
    out.push(alert_field_authors(lang, 3));
    out.push(alert_target_unknown(lang));
    let item = AlertListItem {
        id: 6,
        severity: Severity::Medium,
        categories: &[Category::Substances],
        status: AlertStatus::Open,
        taken_by: None,
        age_ms: 1,
        url: "https://x",
    };
    out.push(alerte_list(lang, &[item]));
    out.push(alerte_list(lang, &[]));
    out.push(alerte_taken_ok(lang, 7));
    out.push(alerte_closed_ok(lang, 7, Outcome::Autre));
    out.push(alerte_reopened_ok(lang, 7));
    out.push(alerte_not_found(lang, 7));
    for error in [
        TransitionError::AlreadyTaken { by: 8 },
        TransitionError::AlreadyClosed,
        TransitionError::NotClosed,
        TransitionError::NoteTooLong { len: 2000 },
    ] {
        out.push(transition_refused(lang, 7, &error));
    }
    out.push(not_staff(lang));
    out.push(help(lang));
    out.push(generic_error(lang));
    out.push(bad_argument(lang, "l'identifiant doit être un nombre"));
    out.push(unknown_outcome(lang, "bof"));
    render_questions(lang, &mut out);
    out.extend(render_permanences(lang));
    out.extend(resource_texts(lang));
    out.push(alert_pack_content(lang, 4, &[], 3, Severity::Critical));
    out.push(alert_pack_title(lang, 2, "Alerte"));
    out.push(pack_button_take(lang, 2));
    out.push(pack_button_close(lang, 2));
    out.extend(digest_texts(lang));
    out.extend(super::motcle::render_all(lang));
    out
}

/// The digest: a full week (partial, with a long list of waiting questions) and an empty one.
fn digest_texts(lang: Lang) -> Vec<String> {
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
fn resource_texts(lang: Lang) -> Vec<String> {
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
fn render_permanences(lang: Lang) -> Vec<String> {
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
fn render_questions(lang: Lang, out: &mut Vec<String>) {
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

/// Paths of the files under `dir`, relative to it, with `/` separators.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", current.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.insert(parts.join("/"));
            }
        }
    }
    found
}

#[test]
fn every_template_is_rendered_with_all_its_placeholders_filled_in_both_languages() {
    for lang in Lang::ALL {
        for text in render_everything(lang) {
            let left: Vec<&str> = placeholders(&text).collect();
            assert!(
                left.is_empty(),
                "unfilled {left:?} in {lang} render: {text}"
            );
            assert!(!text.trim().is_empty());
        }
    }
    let expected: BTreeSet<(&str, &str)> = ALL
        .iter()
        .flat_map(|t| Lang::ALL.map(|lang| (t.path, lang.as_str())))
        .collect();
    let rendered = rendered();
    let missing: Vec<_> = expected.difference(&rendered).collect();
    assert!(
        missing.is_empty(),
        "templates no function renders: {missing:?}"
    );
}

#[test]
fn every_file_in_the_prompts_folders_is_a_registered_template() {
    let registered: BTreeSet<String> = ALL.iter().map(|t| t.path.to_owned()).collect();
    for lang in Lang::ALL {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("prompts")
            .join(lang.as_str());
        let on_disk = files_under(&dir);
        let unused: Vec<_> = on_disk.difference(&registered).collect();
        assert!(
            unused.is_empty(),
            "unused files in prompts/{lang}: {unused:?}"
        );
        assert_eq!(on_disk.len(), registered.len());
    }
}

#[test]
fn both_languages_use_the_same_placeholders() {
    for template in ALL {
        let fr: BTreeSet<&str> = placeholders(template.text(Lang::Fr)).collect();
        let en: BTreeSet<&str> = placeholders(template.text(Lang::En)).collect();
        assert_eq!(fr, en, "prompts/*/{}", template.path);
    }
}

#[test]
fn no_template_is_empty_or_names_a_mass_mention() {
    for template in ALL {
        for lang in Lang::ALL {
            let text = template.text(lang);
            assert!(
                !text.trim().is_empty(),
                "prompts/{lang}/{} is empty",
                template.path
            );
            assert!(!text.contains("@everyone") && !text.contains("@here"));
        }
    }
}

/// What the shipped prompts and rules give each category.
struct Shipped;

impl crate::domain::categories::Needs for Shipped {
    fn labels(&self, category: Category) -> Vec<(&'static str, Option<String>)> {
        Lang::ALL
            .into_iter()
            .map(|lang| (lang.as_str(), Some(category_label(lang, category))))
            .collect()
    }

    fn rules(&self, category: Category) -> usize {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut count = 0;
        for entry in std::fs::read_dir(&dir)
            .expect("rules/ is readable")
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a rule file is readable");
            let file: toml::Table = toml::from_str(&text).expect("a rule file parses");
            let rules = file.get("rule").and_then(|r| r.as_array());
            count += rules
                .into_iter()
                .flatten()
                .filter(|r| r.get("category").and_then(|c| c.as_str()) == Some(category.as_str()))
                .filter(|r| r.get("severity").and_then(|s| s.as_str()) != Some("signal"))
                .count();
        }
        count
    }
}

#[test]
fn every_category_of_the_registry_has_its_labels_its_rules_and_its_helpline_choice() {
    let problems =
        crate::domain::categories::check(crate::domain::categories::registry(), &Shipped);
    assert!(problems.is_empty(), "{problems:#?}");
}
