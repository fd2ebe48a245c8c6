//! A week's numbers from its facts: questions, alerts, permanences.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{AlertFact, Facts, Headline, PermanenceFact, UNANSWERED_AFTER_MS};
use crate::domain::alerts::Outcome;
use crate::domain::questions::Way;

/// Median and 90th percentile of a set of delays (nearest rank), in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Delays {
    pub count: u32,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

impl Delays {
    pub fn of(mut values: Vec<i64>) -> Delays {
        values.sort_unstable();
        Delays {
            count: values.len() as u32,
            median_ms: percentile(&values, 50),
            p90_ms: percentile(&values, 90),
        }
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuestionSummary {
    pub asked: u32,
    pub open: u32,
    pub anonymous: u32,
    pub private: u32,
    pub answered: u32,
    /// Share answered (0-100), none when nothing was asked.
    pub answered_pct: Option<f64>,
    pub first_answer: Delays,
    /// Still unanswered after 48 h at the cut-off: their thread ids (staff open them).
    pub waiting_over_48h: Vec<WaitingSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingSummary {
    pub way: &'static str,
    pub asked_at: i64,
    pub thread_id: Option<String>,
}

/// How often alerts flagged by one family of rules were closed as false positives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleFamilyShare {
    /// The rule id without its last part: "fr.suicide" for "fr.suicide.word".
    pub family: String,
    pub closed: u32,
    pub false_positives: u32,
    pub share_pct: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlertSummary {
    pub flagged: u32,
    pub by_category: BTreeMap<&'static str, u32>,
    pub by_severity: BTreeMap<&'static str, u32>,
    pub taken: u32,
    pub time_to_take: Delays,
    pub escalated: u32,
    pub outcomes: BTreeMap<&'static str, u32>,
    pub still_open: u32,
    /// Rule families with at least one false positive, the worst share first.
    pub false_positive_rules: Vec<RuleFamilyShare>,
    pub dms_refused: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PromeneurHours {
    pub promeneur_id: String,
    pub name: String,
    pub count: u32,
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PermanenceSummary {
    pub held: u32,
    pub minutes: i64,
    pub by_promeneur: Vec<PromeneurHours>,
}

/// The numbers of one week.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub questions: QuestionSummary,
    pub alerts: AlertSummary,
    pub resources_added: u32,
    pub permanences: PermanenceSummary,
}

impl Summary {
    /// Nothing happened: the digest says "rien à signaler".
    pub fn is_empty(&self) -> bool {
        self.questions.asked == 0
            && self.questions.waiting_over_48h.is_empty()
            && self.alerts.flagged == 0
            && self.resources_added == 0
            && self.permanences.held == 0
    }

    pub fn headline(&self) -> Headline {
        Headline {
            questions: f64::from(self.questions.asked),
            answered_pct: self.questions.answered_pct,
            first_answer_median_ms: self.questions.first_answer.median_ms.map(|v| v as f64),
            alerts: f64::from(self.alerts.flagged),
            take_median_ms: self.alerts.time_to_take.median_ms.map(|v| v as f64),
        }
    }
}

/// Turns a week's facts into its numbers. `cut_off` is when the week is looked at (its end, or
/// now for the week in progress): "unanswered over 48 h" is counted at that instant.
pub fn summarise(facts: &Facts, cut_off: i64) -> Summary {
    Summary {
        questions: summarise_questions(facts, cut_off),
        alerts: summarise_alerts(&facts.alerts),
        resources_added: facts.resources_added,
        permanences: summarise_permanences(&facts.permanences),
    }
}

fn summarise_questions(facts: &Facts, cut_off: i64) -> QuestionSummary {
    let qs = &facts.questions;
    let by_way = |way: Way| qs.iter().filter(|q| q.way == way).count() as u32;
    let delays: Vec<i64> = qs
        .iter()
        .filter_map(|q| {
            q.answered_at
                .filter(|a| *a <= cut_off)
                .map(|a| a - q.asked_at)
        })
        .collect();
    let asked = qs.len() as u32;
    let answered = delays.len() as u32;
    let mut waiting: Vec<WaitingSummary> = facts
        .waiting
        .iter()
        .filter(|w| cut_off - w.asked_at >= UNANSWERED_AFTER_MS)
        .map(|w| WaitingSummary {
            way: w.way.as_str(),
            asked_at: w.asked_at,
            thread_id: w.thread_id.map(|t| t.to_string()),
        })
        .collect();
    waiting.sort_by_key(|w| w.asked_at);
    QuestionSummary {
        asked,
        open: by_way(Way::Open),
        anonymous: by_way(Way::Anonymous),
        private: by_way(Way::Private),
        answered,
        answered_pct: (asked > 0).then(|| pct(answered, asked)),
        first_answer: Delays::of(delays),
        waiting_over_48h: waiting,
    }
}

fn pct(part: u32, whole: u32) -> f64 {
    (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
}

/// The family of a rule id: everything before its last dot.
pub fn rule_family(rule: &str) -> &str {
    rule.rsplit_once('.').map(|(f, _)| f).unwrap_or(rule)
}

pub(super) fn summarise_alerts(alerts: &[AlertFact]) -> AlertSummary {
    let mut s = AlertSummary {
        flagged: alerts.len() as u32,
        ..AlertSummary::default()
    };
    let mut take = Vec::new();
    let mut families: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for a in alerts {
        for c in &a.categories {
            *s.by_category.entry(c.as_str()).or_default() += 1;
        }
        *s.by_severity.entry(a.severity.as_str()).or_default() += 1;
        if let Some(t) = a.taken_at {
            s.taken += 1;
            take.push(t - a.flagged_at);
        }
        if a.escalations > 0 {
            s.escalated += 1;
        }
        if a.dm_refused {
            s.dms_refused += 1;
        }
        match a.outcome {
            Some(o) => {
                *s.outcomes.entry(o.as_str()).or_default() += 1;
                let fp = u32::from(o == Outcome::FauxPositif);
                let of_alert: BTreeSet<&str> = a.rules.iter().map(|r| rule_family(r)).collect();
                for f in of_alert {
                    let e = families.entry(f.to_owned()).or_default();
                    e.0 += 1;
                    e.1 += fp;
                }
            }
            None => s.still_open += 1,
        }
    }
    s.time_to_take = Delays::of(take);
    let mut rules: Vec<RuleFamilyShare> = families
        .into_iter()
        .filter(|(_, (_, fp))| *fp > 0)
        .map(|(family, (closed, fp))| RuleFamilyShare {
            family,
            closed,
            false_positives: fp,
            share_pct: pct(fp, closed),
        })
        .collect();
    rules.sort_by(|a, b| {
        b.share_pct
            .total_cmp(&a.share_pct)
            .then(b.false_positives.cmp(&a.false_positives))
            .then(a.family.cmp(&b.family))
    });
    s.false_positive_rules = rules;
    s
}

fn summarise_permanences(held: &[PermanenceFact]) -> PermanenceSummary {
    let mut by: BTreeMap<u64, PromeneurHours> = BTreeMap::new();
    let mut minutes = 0;
    for p in held {
        let m = (p.end_ms - p.start_ms) / 60_000;
        minutes += m;
        let e = by.entry(p.promeneur_id).or_insert_with(|| PromeneurHours {
            promeneur_id: p.promeneur_id.to_string(),
            name: p.promeneur_name.clone(),
            ..PromeneurHours::default()
        });
        e.count += 1;
        e.minutes += m;
    }
    let mut by_promeneur: Vec<PromeneurHours> = by.into_values().collect();
    by_promeneur.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.name.cmp(&b.name)));
    PermanenceSummary {
        held: held.len() as u32,
        minutes,
        by_promeneur,
    }
}
