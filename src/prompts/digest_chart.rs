//! The texts of the digest's chart (titles, axes, legends) and its file name.

use chrono::Weekday;

use super::digest::way_name;
use super::labels::category_label;
use super::permanence::weekday_label;
use super::registry::*;
use super::{render, Lang};
use crate::chart::Labels;
use crate::domain::digest::Digest;
use crate::domain::questions::Way;
use crate::safety::Category;

/// Every text the chart of `d` shows, in `lang`.
pub fn digest_chart_labels(lang: Lang, d: &Digest) -> Labels {
    let plain = |t| render(lang, t, &[]);
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    Labels {
        heading: render(
            lang,
            &DIGEST_CHART_HEADING,
            &[
                ("week", &d.week),
                ("from", &d.from.to_string()),
                ("to", &d.to.to_string()),
            ],
        ),
        alerts_title: plain(&DIGEST_CHART_ALERTS),
        questions_title: plain(&DIGEST_CHART_QUESTIONS),
        take_title: plain(&DIGEST_CHART_TAKE),
        count_axis: plain(&DIGEST_CHART_COUNT),
        weekdays: days.map(|day| weekday_label(lang, day)),
        categories: Category::ALL
            .iter()
            .map(|c| (c.as_str(), category_label(lang, *c)))
            .collect(),
        ways: Way::ALL
            .iter()
            .map(|w| (w.as_str(), way_name(lang, w.as_str())))
            .collect(),
        take_buckets: [
            plain(&DIGEST_CHART_BUCKET_5M),
            plain(&DIGEST_CHART_BUCKET_15M),
            plain(&DIGEST_CHART_BUCKET_1H),
            plain(&DIGEST_CHART_BUCKET_4H),
            plain(&DIGEST_CHART_BUCKET_MORE),
        ],
        not_taken: plain(&DIGEST_CHART_NOT_TAKEN),
        nothing: plain(&DIGEST_CHART_NOTHING),
    }
}

/// The attached chart's file name: "bilan-2026-W47.png".
pub fn digest_chart_file_name(lang: Lang, week: &str) -> String {
    render(lang, &DIGEST_CHART_FILE_NAME, &[("week", week)])
}
