//! The trend: each headline number against the mean of the previous weeks.

use serde::Serialize;

/// The numbers the trend compares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Headline {
    pub questions: f64,
    pub answered_pct: Option<f64>,
    pub first_answer_median_ms: Option<f64>,
    pub alerts: f64,
    pub take_median_ms: Option<f64>,
}

/// Where a headline number stands against the mean of the previous weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Steady,
}

impl Direction {
    /// Up or down when more than 10 % away from the mean (and by more than a unit for counts),
    /// steady otherwise; none when the earlier weeks have no value.
    fn compare(now: Option<f64>, earlier: &[Option<f64>]) -> Option<Direction> {
        let now = now?;
        let known: Vec<f64> = earlier.iter().flatten().copied().collect();
        if known.is_empty() {
            return None;
        }
        let mean = known.iter().sum::<f64>() / known.len() as f64;
        let margin = (mean.abs() * 0.1).max(0.5);
        Some(if now > mean + margin {
            Direction::Up
        } else if now < mean - margin {
            Direction::Down
        } else {
            Direction::Steady
        })
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Up => "↑",
            Direction::Down => "↓",
            Direction::Steady => "→",
        }
    }
}

/// The headline numbers' directions against the previous weeks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Trend {
    /// The mean of each headline number over the previous weeks.
    pub previous_mean: Headline,
    pub questions: Option<Direction>,
    pub answered_pct: Option<Direction>,
    pub first_answer_median: Option<Direction>,
    pub alerts: Option<Direction>,
    pub take_median: Option<Direction>,
}

impl Trend {
    /// `previous`: the headlines of the earlier weeks, most recent first.
    pub fn of(now: &Headline, previous: &[Headline]) -> Trend {
        let col = |f: fn(&Headline) -> Option<f64>| -> Vec<Option<f64>> {
            previous.iter().map(f).collect()
        };
        let mean = |v: &[Option<f64>]| {
            let known: Vec<f64> = v.iter().flatten().copied().collect();
            (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
        };
        let questions = col(|h| Some(h.questions));
        let answered = col(|h| h.answered_pct);
        let first = col(|h| h.first_answer_median_ms);
        let alerts = col(|h| Some(h.alerts));
        let take = col(|h| h.take_median_ms);
        Trend {
            previous_mean: Headline {
                questions: mean(&questions).unwrap_or(0.0),
                answered_pct: mean(&answered),
                first_answer_median_ms: mean(&first),
                alerts: mean(&alerts).unwrap_or(0.0),
                take_median_ms: mean(&take),
            },
            questions: Direction::compare(Some(now.questions), &questions),
            answered_pct: Direction::compare(now.answered_pct, &answered),
            first_answer_median: Direction::compare(now.first_answer_median_ms, &first),
            alerts: Direction::compare(Some(now.alerts), &alerts),
            take_median: Direction::compare(now.take_median_ms, &take),
        }
    }
}
