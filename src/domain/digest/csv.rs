//! The digest as `section,metric,key,value` lines, for spreadsheets.

use super::{Digest, Direction, TAKE_BUCKETS};

/// The days' keys in the chart's rows, Monday first.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The time-to-take buckets' keys (upper bounds; the last is everything longer).
const TAKE_BUCKET_KEYS: [&str; TAKE_BUCKETS] = ["le_5m", "le_15m", "le_1h", "le_4h", "gt_4h"];

impl Digest {
    /// The numbers as `section,metric,key,value` lines (a header first), for spreadsheets.
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<(String, String, String, String)> = Vec::new();
        let mut push = |s: &str, m: &str, k: &str, v: String| {
            rows.push((s.into(), m.into(), k.into(), v));
        };
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let q = &self.summary.questions;
        push("week", "week", "", self.week.clone());
        push("week", "from", "", self.from.to_string());
        push("week", "to", "", self.to.to_string());
        push("week", "partial", "", self.partial.to_string());
        push("questions", "asked", "", q.asked.to_string());
        push("questions", "asked", "open", q.open.to_string());
        push("questions", "asked", "anonymous", q.anonymous.to_string());
        push("questions", "asked", "private", q.private.to_string());
        push("questions", "answered", "", q.answered.to_string());
        push(
            "questions",
            "answered_pct",
            "",
            q.answered_pct.map(|v| v.to_string()).unwrap_or_default(),
        );
        push(
            "questions",
            "first_answer_median_ms",
            "",
            opt(q.first_answer.median_ms),
        );
        push(
            "questions",
            "first_answer_p90_ms",
            "",
            opt(q.first_answer.p90_ms),
        );
        push(
            "questions",
            "waiting_over_48h",
            "",
            q.waiting_over_48h.len().to_string(),
        );
        let a = &self.summary.alerts;
        push("alerts", "flagged", "", a.flagged.to_string());
        for (k, v) in &a.by_category {
            push("alerts", "by_category", k, v.to_string());
        }
        for (k, v) in &a.by_severity {
            push("alerts", "by_severity", k, v.to_string());
        }
        push("alerts", "taken", "", a.taken.to_string());
        push(
            "alerts",
            "take_median_ms",
            "",
            opt(a.time_to_take.median_ms),
        );
        push("alerts", "take_p90_ms", "", opt(a.time_to_take.p90_ms));
        push("alerts", "escalated", "", a.escalated.to_string());
        for (k, v) in &a.outcomes {
            push("alerts", "outcome", k, v.to_string());
        }
        push("alerts", "still_open", "", a.still_open.to_string());
        for r in &a.false_positive_rules {
            push(
                "alerts",
                "false_positive_pct",
                &r.family,
                r.share_pct.to_string(),
            );
        }
        push("alerts", "dms_refused", "", a.dms_refused.to_string());
        push(
            "resources",
            "added",
            "",
            self.summary.resources_added.to_string(),
        );
        let p = &self.summary.permanences;
        push("permanences", "held", "", p.held.to_string());
        push("permanences", "minutes", "", p.minutes.to_string());
        for h in &p.by_promeneur {
            push(
                "permanences",
                "minutes_by_promeneur",
                &h.promeneur_id,
                h.minutes.to_string(),
            );
        }
        let c = &self.chart;
        for (metric, series) in [
            ("alerts_by_day", &c.alerts_by_day),
            ("questions_by_day", &c.questions_by_day),
        ] {
            for (key, days) in series {
                for (day, n) in DAYS.iter().zip(days) {
                    push("chart", metric, &format!("{key}:{day}"), n.to_string());
                }
            }
        }
        for (bucket, n) in TAKE_BUCKET_KEYS.iter().zip(c.time_to_take) {
            push("chart", "time_to_take", bucket, n.to_string());
        }
        push("chart", "not_taken", "", c.not_taken.to_string());
        let t = &self.trend;
        for (k, d) in [
            ("questions", t.questions),
            ("answered_pct", t.answered_pct),
            ("first_answer_median", t.first_answer_median),
            ("alerts", t.alerts),
            ("take_median", t.take_median),
        ] {
            let v = d
                .map(|d| match d {
                    Direction::Up => "up",
                    Direction::Down => "down",
                    Direction::Steady => "steady",
                })
                .unwrap_or("");
            push("trend", k, "", v.to_owned());
        }
        let mut out = String::from("section,metric,key,value\n");
        for (s, m, k, v) in rows {
            out.push_str(&format!("{s},{m},{},{}\n", csv_field(&k), csv_field(&v)));
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub(super) fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}
