//! Labels shared by several messages: severities, categories, outcomes, statuses, durations.

use super::registry::*;
use super::text::user_mention;
use super::{render, Lang};
use crate::domain::alerts::{AlertStatus, Outcome};
use crate::safety::{Category, Severity};

/// "critique", "élevée"...
pub fn severity_label(lang: Lang, severity: Severity) -> String {
    let template = match severity {
        Severity::None => &SEVERITY_NONE,
        Severity::Low => &SEVERITY_LOW,
        Severity::Medium => &SEVERITY_MEDIUM,
        Severity::High => &SEVERITY_HIGH,
        Severity::Critical => &SEVERITY_CRITICAL,
    };
    render(lang, template, &[])
}

/// "harcèlement", "mal-être"...
pub fn category_label(lang: Lang, category: Category) -> String {
    let template = match category {
        Category::SuicideSelfharm => &CATEGORY_SUICIDE_SELFHARM,
        Category::SexualViolence => &CATEGORY_SEXUAL_VIOLENCE,
        Category::DomesticViolence => &CATEGORY_DOMESTIC_VIOLENCE,
        Category::Harassment => &CATEGORY_HARASSMENT,
        Category::ViolenceThreat => &CATEGORY_VIOLENCE_THREAT,
        Category::Substances => &CATEGORY_SUBSTANCES,
        Category::EatingDisorder => &CATEGORY_EATING_DISORDER,
        Category::Distress => &CATEGORY_DISTRESS,
    };
    render(lang, template, &[])
}

/// Several categories, separated by " / " (each label may itself contain commas).
pub fn categories_label(lang: Lang, categories: &[Category]) -> String {
    categories
        .iter()
        .map(|&c| category_label(lang, c))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// "accompagné·e", "faux positif"...
pub fn outcome_label(lang: Lang, outcome: Outcome) -> String {
    let template = match outcome {
        Outcome::Accompagne => &OUTCOME_ACCOMPAGNE,
        Outcome::Oriente => &OUTCOME_ORIENTE,
        Outcome::FauxPositif => &OUTCOME_FAUX_POSITIF,
        Outcome::Autre => &OUTCOME_AUTRE,
        Outcome::Efface => &OUTCOME_EFFACE,
    };
    render(lang, template, &[])
}

/// A short status for lists: "ouverte", "prise par @X", "close".
pub fn status_label(lang: Lang, status: AlertStatus, taken_by: Option<u64>) -> String {
    match (status, taken_by) {
        (AlertStatus::Taken, Some(by)) => {
            render(lang, &STATUS_TAKEN, &[("promeneur", &user_mention(by))])
        }
        // A taken alert always has a taker; if a row lacks one, open is the safer claim.
        (AlertStatus::Open | AlertStatus::Taken, _) => render(lang, &STATUS_OPEN, &[]),
        (AlertStatus::Closed, _) => render(lang, &STATUS_CLOSED, &[]),
    }
}

/// How long something has waited: "moins d'une minute", "12 min", "2 h 05", "3 j 4 h".
pub fn elapsed(lang: Lang, millis: i64) -> String {
    let minutes = millis.max(0) / 60_000;
    if minutes < 1 {
        return render(lang, &DURATION_UNDER_A_MINUTE, &[]);
    }
    if minutes < 60 {
        return render(
            lang,
            &DURATION_MINUTES,
            &[("minutes", &minutes.to_string())],
        );
    }
    let hours = minutes / 60;
    if hours < 24 {
        let mins = format!("{:02}", minutes % 60);
        return render(
            lang,
            &DURATION_HOURS,
            &[("hours", &hours.to_string()), ("minutes", &mins)],
        );
    }
    render(
        lang,
        &DURATION_DAYS,
        &[
            ("days", &(hours / 24).to_string()),
            ("hours", &(hours % 24).to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally_in_french() {
        assert_eq!(elapsed(Lang::Fr, 30_000), "moins d'une minute");
        assert_eq!(elapsed(Lang::Fr, -5), "moins d'une minute");
        assert_eq!(elapsed(Lang::Fr, 12 * 60_000), "12 min");
        assert_eq!(elapsed(Lang::Fr, 125 * 60_000), "2 h 05");
        assert_eq!(elapsed(Lang::Fr, (3 * 24 + 4) * 3_600_000), "3 j 4 h");
        assert_eq!(elapsed(Lang::En, (3 * 24 + 4) * 3_600_000), "3 d 4 h");
    }

    #[test]
    fn severities_and_categories_have_french_labels() {
        assert_eq!(severity_label(Lang::Fr, Severity::Critical), "critique");
        assert_eq!(
            category_label(Lang::Fr, Category::Harassment),
            "harcèlement"
        );
        assert_eq!(
            categories_label(Lang::Fr, &[Category::Harassment, Category::Distress]),
            "harcèlement / mal-être"
        );
        assert_eq!(
            outcome_label(Lang::Fr, Outcome::FauxPositif),
            "faux positif"
        );
    }

    #[test]
    fn a_taken_status_names_who_took_it() {
        assert_eq!(
            status_label(Lang::Fr, AlertStatus::Taken, Some(42)),
            "prise par <@42>"
        );
        assert_eq!(status_label(Lang::Fr, AlertStatus::Taken, None), "ouverte");
    }
}
