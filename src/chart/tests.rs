use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::domain::digest::{Digest, Summary, Trend};
use crate::prompts::{digest_chart_labels, Lang};

fn digest(chart: ChartData) -> Digest {
    Digest {
        guild_id: "1".into(),
        week: "2026-W47".into(),
        from: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        timezone: "Europe/Paris".into(),
        cut_off_ms: 0,
        partial: false,
        summary: Summary::default(),
        trend: Trend::default(),
        chart,
    }
}

fn busy_week() -> ChartData {
    ChartData {
        alerts_by_day: BTreeMap::from([
            ("suicide_selfharm", [0, 1, 0, 0, 0, 0, 1]),
            ("harassment", [2, 0, 1, 0, 3, 0, 0]),
            ("distress", [1, 1, 0, 2, 0, 0, 1]),
        ]),
        questions_by_day: BTreeMap::from([
            ("open", [3, 2, 4, 1, 0, 2, 1]),
            ("anonymous", [1, 0, 0, 2, 1, 0, 0]),
            ("private", [0, 1, 1, 0, 0, 0, 2]),
        ]),
        time_to_take: [5, 3, 2, 1, 1],
        not_taken: 2,
    }
}

/// The pixel at (x, y) of a decoded RGB picture.
fn pixel(png_bytes: &[u8], x: u32, y: u32) -> [u8; 3] {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sized picture")];
    reader.next_frame(&mut buf).expect("a PNG frame");
    let i = ((y * WIDTH + x) * 3) as usize;
    [buf[i], buf[i + 1], buf[i + 2]]
}

#[test]
fn the_chart_is_a_png_of_its_size_drawn_the_same_every_time() {
    let d = digest(busy_week());
    let labels = digest_chart_labels(Lang::Fr, &d);
    let png_bytes = render_png(&d.chart, &labels).expect("the chart renders");
    assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG magic");
    let info = png::Decoder::new(std::io::Cursor::new(&png_bytes))
        .read_info()
        .expect("a PNG header")
        .info()
        .clone();
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    assert!(
        png_bytes.len() > 10_000 && png_bytes.len() < 1_000_000,
        "{} bytes",
        png_bytes.len()
    );
    assert_eq!(
        render_png(&d.chart, &labels).unwrap(),
        png_bytes,
        "deterministic"
    );
    // The corner is the white background.
    assert_eq!(pixel(&png_bytes, 2, 2), [255, 255, 255]);
    // A test artefact, to look at.
    let path = std::env::temp_dir().join("promeneur-digest-chart-sample.png");
    std::fs::write(&path, &png_bytes).expect("the artefact is written");
    eprintln!("the chart: {}", path.display());
}

#[test]
fn different_numbers_draw_a_different_chart_and_an_empty_week_still_renders() {
    let d = digest(busy_week());
    let labels = digest_chart_labels(Lang::En, &d);
    let busy = render_png(&d.chart, &labels).unwrap();
    let mut fewer = busy_week();
    fewer.time_to_take[0] = 1;
    assert_ne!(render_png(&fewer, &labels).unwrap(), busy);
    let empty = render_png(&ChartData::default(), &labels).expect("an empty chart renders");
    assert_eq!(&empty[..8], b"\x89PNG\r\n\x1a\n");
    assert_ne!(empty, busy);
}
