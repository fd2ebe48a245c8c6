//! Reading a weekly schedule from the configuration: `"lundi 09:00"` or `"monday 09:00"`.
//!
//! Day names are French or English, in any case, with or without accents; the time is 24-hour,
//! `09:00`, `9:00`, `09h00` or `9h`. Errors say what was expected: the caller shows them to the
//! operator after the configuration key. Durations (`"30s"`) are parsed with the other delays.

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::Schedule;

/// Why a weekly schedule could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("expected a day and a time such as \"lundi 09:00\" or \"monday 09:00\", got \"{0}\"")]
    Shape(String),
    #[error("unknown day \"{day}\"{}; expected lundi..dimanche or monday..sunday", did_you_mean(.suggestion))]
    UnknownDay {
        day: String,
        suggestion: Option<&'static str>,
    },
    #[error("invalid time \"{0}\"; expected a 24-hour time such as 09:00 or 18h30")]
    Time(String),
}

fn did_you_mean(suggestion: &Option<&'static str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean \"{s}\"?)"))
        .unwrap_or_default()
}

const DAYS: [(&str, Weekday); 14] = [
    ("lundi", Weekday::Mon),
    ("mardi", Weekday::Tue),
    ("mercredi", Weekday::Wed),
    ("jeudi", Weekday::Thu),
    ("vendredi", Weekday::Fri),
    ("samedi", Weekday::Sat),
    ("dimanche", Weekday::Sun),
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// Reads `"<day> <time>"` as a weekly schedule in `tz` (the guild's time zone).
pub fn parse_weekly(text: &str, tz: Tz) -> Result<Schedule, ScheduleError> {
    let mut words = text.split_whitespace();
    let (Some(day), Some(time), None) = (words.next(), words.next(), words.next()) else {
        return Err(ScheduleError::Shape(text.trim().to_string()));
    };
    Ok(Schedule::Weekly {
        weekday: parse_day(day)?,
        at: parse_time(time)?,
        tz,
    })
}

fn parse_day(day: &str) -> Result<Weekday, ScheduleError> {
    let folded = fold(day);
    if let Some((_, weekday)) = DAYS.iter().find(|(name, _)| *name == folded) {
        return Ok(*weekday);
    }
    let suggestion = DAYS
        .iter()
        .map(|(name, _)| (edit_distance(name, &folded), *name))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name);
    Err(ScheduleError::UnknownDay {
        day: day.to_string(),
        suggestion,
    })
}

/// `HH:MM`, `H:MM`, `HHhMM` or `HHh`, 24-hour.
fn parse_time(time: &str) -> Result<NaiveTime, ScheduleError> {
    let bad = || ScheduleError::Time(time.to_string());
    let lower = time.to_lowercase();
    let (hours, minutes) = match lower.split_once([':', 'h']) {
        Some((h, "")) if lower.ends_with('h') => (h, "00"),
        Some((h, m)) => (h, m),
        None => return Err(bad()),
    };
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(h), Some(m)) = (digits(hours, 2), digits(minutes, 2)) else {
        return Err(bad());
    };
    if minutes.len() != 2 {
        return Err(bad());
    }
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// Lower case without accents: `Mércredi` -> `mercredi`.
fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance, for the "did you mean" of a misspelt day.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use chrono_tz::Europe::Paris;

    use super::*;

    fn weekly(weekday: Weekday, h: u32, m: u32) -> Schedule {
        Schedule::Weekly {
            weekday,
            at: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            tz: Paris,
        }
    }

    #[test]
    fn french_and_english_day_names_give_the_same_schedule() {
        let cases = [
            ("lundi 09:00", weekly(Weekday::Mon, 9, 0)),
            ("monday 09:00", weekly(Weekday::Mon, 9, 0)),
            ("  Vendredi   18h30 ", weekly(Weekday::Fri, 18, 30)),
            ("SUNDAY 7:05", weekly(Weekday::Sun, 7, 5)),
            ("Mércredi 9h", weekly(Weekday::Wed, 9, 0)),
            ("dimanche 23H59", weekly(Weekday::Sun, 23, 59)),
            ("jeudi 00:00", weekly(Weekday::Thu, 0, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_weekly(text, Paris), Ok(expected), "{text}");
        }
    }

    #[test]
    fn a_misspelt_day_is_refused_with_a_suggestion() {
        let err = parse_weekly("lundy 09:00", Paris).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown day \"lundy\" (did you mean \"lundi\"?); \
             expected lundi..dimanche or monday..sunday"
        );
        let err = parse_weekly("demain 09:00", Paris).unwrap_err();
        assert_eq!(
            err,
            ScheduleError::UnknownDay {
                day: "demain".into(),
                suggestion: None
            }
        );
    }

    #[test]
    fn a_missing_or_extra_part_is_refused_with_the_expected_shape() {
        for text in ["", "lundi", "09:00", "lundi 09:00 10:00"] {
            let err = parse_weekly(text, Paris).unwrap_err();
            assert!(matches!(err, ScheduleError::Shape(_)), "{text}: {err}");
            assert!(err.to_string().contains("\"lundi 09:00\""));
        }
    }

    #[test]
    fn impossible_times_are_refused() {
        for time in [
            "24:00", "09:60", "9", "09:0", "09:000", "-1:00", "ab:cd", "9h5", "h30",
        ] {
            let err = parse_weekly(&format!("lundi {time}"), Paris).unwrap_err();
            assert_eq!(err, ScheduleError::Time(time.to_string()), "{time}");
        }
    }
}
