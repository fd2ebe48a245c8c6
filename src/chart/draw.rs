//! The chart's three panels: alerts per day stacked by category and questions per day stacked
//! by way (side by side, each with its legend), and the time-to-take distribution below.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Labels, FAMILY, HEIGHT, WIDTH};
use crate::domain::digest::ChartData;
use crate::domain::questions::Way;
use crate::safety::Category;

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Width of the legend beside a daily panel.
const LEGEND_WIDTH: u32 = 190;

/// One stacked series: its legend text, its colour, its count on each day (Monday first).
struct Series {
    label: String,
    color: RGBColor,
    days: [u32; 7],
}

pub(super) fn draw(rgb: &mut [u8], chart: &ChartData, labels: &Labels) -> anyhow::Result<()> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(&labels.heading, (FAMILY, 30).into_font().color(&BLACK))?;
    let (upper, lower) = root.split_vertically(HEIGHT / 2);
    let (left, right) = upper.split_horizontally(WIDTH / 2);
    let alerts: Vec<Series> = Category::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let days = chart.alerts_by_day.get(c.as_str())?;
            Some(Series {
                label: labels
                    .categories
                    .get(c.as_str())
                    .cloned()
                    .unwrap_or_default(),
                color: CATEGORY_COLORS[i % CATEGORY_COLORS.len()],
                days: *days,
            })
        })
        .collect();
    stacked(&left, &labels.alerts_title, &alerts, labels)?;
    let questions: Vec<Series> = Way::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let days = chart.questions_by_day.get(w.as_str())?;
            Some(Series {
                label: labels.ways.get(w.as_str()).cloned().unwrap_or_default(),
                color: WAY_COLORS[i % WAY_COLORS.len()],
                days: *days,
            })
        })
        .collect();
    stacked(&right, &labels.questions_title, &questions, labels)?;
    time_to_take(&lower, chart, labels)?;
    root.present()?;
    Ok(())
}

/// Colours by category, in the categories' order (the gravest first, drawn at the bottom).
const CATEGORY_COLORS: [RGBColor; 8] = [
    RGBColor(192, 57, 43),
    RGBColor(142, 68, 173),
    RGBColor(211, 84, 0),
    RGBColor(243, 156, 18),
    RGBColor(110, 76, 40),
    RGBColor(22, 160, 133),
    RGBColor(232, 67, 147),
    RGBColor(41, 128, 185),
];

/// Colours by way: open, anonymous, private.
const WAY_COLORS: [RGBColor; 3] = [
    RGBColor(46, 134, 193),
    RGBColor(125, 60, 152),
    RGBColor(40, 180, 99),
];

const TAKEN_COLOR: RGBColor = RGBColor(41, 128, 185);
const NOT_TAKEN_COLOR: RGBColor = RGBColor(150, 150, 150);

/// The top of a count axis: room above the tallest bar for its number.
fn axis_top(max: u32) -> u32 {
    (max + max.div_ceil(5)).max(max + 1).max(4)
}

fn stacked(area: &Area<'_>, title: &str, series: &[Series], labels: &Labels) -> anyhow::Result<()> {
    let (plot, legend) = area.split_horizontally(area.dim_in_pixel().0 - LEGEND_WIDTH);
    let mut totals = [0u32; 7];
    for s in series {
        for (t, n) in totals.iter_mut().zip(s.days) {
            *t += n;
        }
    }
    let max = totals.iter().copied().max().unwrap_or(0);
    let top = axis_top(max);
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, (FAMILY, 22))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(48)
        .build_cartesian_2d((0u32..6).into_segmented(), 0u32..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_desc(labels.count_axis.as_str())
        .y_labels((top as usize + 1).min(8))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(d) => labels
                .weekdays
                .get(*d as usize)
                .map(|w| w.chars().take(3).collect())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .label_style((FAMILY, 16))
        .axis_desc_style((FAMILY, 16))
        .draw()?;
    let mut base = [0u32; 7];
    for s in series {
        let bars: Vec<Rectangle<(SegmentValue<u32>, u32)>> = (0..7u32)
            .filter(|d| s.days[*d as usize] > 0)
            .map(|d| {
                let i = d as usize;
                let (y0, y1) = (base[i], base[i] + s.days[i]);
                base[i] = y1;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(d), y0),
                        (SegmentValue::Exact(d + 1), y1),
                    ],
                    s.color.filled(),
                );
                bar.set_margin(0, 0, 10, 10);
                bar
            })
            .collect();
        chart.draw_series(bars)?;
    }
    chart.draw_series((0..7u32).filter(|d| totals[*d as usize] > 0).map(|d| {
        let n = totals[d as usize];
        Text::new(
            n.to_string(),
            (SegmentValue::CenterOf(d), n),
            (FAMILY, 16).into_font().color(&BLACK).pos(text_above()),
        )
    }))?;
    if series.is_empty() {
        nothing(&plot, labels)?;
    }
    let mut y = 60;
    for s in series {
        legend.draw(&Rectangle::new([(6, y), (22, y + 16)], s.color.filled()))?;
        for line in wrap(&s.label, LEGEND_LINE_CHARS) {
            legend.draw(&Text::new(
                line,
                (30, y),
                (FAMILY, 16).into_font().color(&BLACK),
            ))?;
            y += 19;
        }
        y += 9;
    }
    Ok(())
}

/// The characters a legend line holds beside its colour box.
const LEGEND_LINE_CHARS: usize = 20;

/// `text` in lines of at most `width` characters, cut between words (a longer word stands
/// alone on its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn time_to_take(area: &Area<'_>, chart: &ChartData, labels: &Labels) -> anyhow::Result<()> {
    let counts: Vec<u32> = chart
        .time_to_take
        .iter()
        .copied()
        .chain([chart.not_taken])
        .collect();
    let names: Vec<&str> = labels
        .take_buckets
        .iter()
        .map(String::as_str)
        .chain([labels.not_taken.as_str()])
        .collect();
    let n = counts.len() as u32;
    let top = axis_top(counts.iter().copied().max().unwrap_or(0));
    let mut c = ChartBuilder::on(area)
        .caption(labels.take_title.as_str(), (FAMILY, 22))
        .margin(16)
        .margin_right(LEGEND_WIDTH)
        .x_label_area_size(34)
        .y_label_area_size(48)
        .build_cartesian_2d((0u32..n - 1).into_segmented(), 0u32..top)?;
    c.configure_mesh()
        .disable_x_mesh()
        .y_desc(labels.count_axis.as_str())
        .y_labels((top as usize + 1).min(8))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => names.get(*i as usize).copied().unwrap_or("").into(),
            _ => String::new(),
        })
        .label_style((FAMILY, 16))
        .axis_desc_style((FAMILY, 16))
        .draw()?;
    let last = n - 1;
    c.draw_series((0..n).filter(|i| counts[*i as usize] > 0).map(|i| {
        let color = if i == last {
            NOT_TAKEN_COLOR
        } else {
            TAKEN_COLOR
        };
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0),
                (SegmentValue::Exact(i + 1), counts[i as usize]),
            ],
            color.filled(),
        );
        bar.set_margin(0, 0, 24, 24);
        bar
    }))?;
    c.draw_series((0..n).filter(|i| counts[*i as usize] > 0).map(|i| {
        let v = counts[i as usize];
        Text::new(
            v.to_string(),
            (SegmentValue::CenterOf(i), v),
            (FAMILY, 16).into_font().color(&BLACK).pos(text_above()),
        )
    }))?;
    if counts.iter().all(|v| *v == 0) {
        nothing(area, labels)?;
    }
    Ok(())
}

/// A number's anchor: centred, just above its bar.
fn text_above() -> Pos {
    Pos::new(HPos::Center, VPos::Bottom)
}

/// "Rien à signaler" in the middle of an empty panel.
fn nothing(area: &Area<'_>, labels: &Labels) -> anyhow::Result<()> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        labels.nothing.clone(),
        (w as i32 / 2, h as i32 / 2),
        (FAMILY, 20)
            .into_font()
            .color(&RGBColor(120, 120, 120))
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn legend_labels_wrap_between_words() {
        assert_eq!(
            wrap("idées suicidaires, automutilation", 20),
            ["idées suicidaires,", "automutilation"]
        );
        assert_eq!(wrap("harcèlement", 20), ["harcèlement"]);
        assert!(wrap("", 20).is_empty());
    }
}
