//! The prompts' safety net: every template is rendered in both languages with every
//! placeholder filled, and every file under prompts/ is one of the registered templates.

use std::collections::BTreeSet;
use std::path::Path;

use super::registry::{rendered, ALL};
use super::*;
use crate::domain::alerts::{AlertState, AlertStatus, Outcome, TransitionError};
use crate::domain::helpline::{CardKind, ServiceId};
use crate::safety::{Category, Severity};

mod features;
use features::*;

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
    out.push(rights_export_dm(lang, 365, 1095));
    out.push(rights_export_sent(lang));
    out.push(rights_export_dm_closed(lang));
    out.push(rights_forget_confirm(lang));
    out.push(rights_forget_button(lang));
    out.push(rights_forget_done(lang));
    out.push(rights_privacy(lang, 365, 1095));
    out.push(rights_alert_erased(lang, 4, Some(1)));
    out.extend(super::journal::all_texts(lang));
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
    out.push(alert_pile_on(
        lang,
        (4, 3),
        Some("renard-42"),
        "<t:0:R>",
        "https://x",
        true,
    ));
    out.push(alert_pile_on(
        lang,
        (4, 3),
        None,
        "<t:0:R>",
        "https://x",
        false,
    ));
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
