//! The weekly digest's chart as a PNG: alerts and questions per day of the week (stacked by
//! category and by way), and how long alerts waited to be taken.
//!
//! Drawn with `plotters` into an RGB buffer and encoded with `png`; text with `ab_glyph` from
//! a font compiled into the binary (Ubuntu Light, shipped by the `epaint_default_fonts` crate
//! under the Ubuntu Font Licence), so no system font is assumed and the same numbers always
//! give the same bytes. The chart reads only [`ChartData`] (counts) and labels from prompts/.

mod draw;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::Context as _;
use plotters::style::FontStyle;

use crate::domain::digest::{ChartData, TAKE_BUCKETS};

/// The picture's size in pixels.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 900;

/// The family name plotters asks for by default; the shipped font is registered under it.
const FAMILY: &str = "sans-serif";

/// Every text the chart shows, in the guild's language (built from prompts/).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// Above everything: the week.
    pub heading: String,
    pub alerts_title: String,
    pub questions_title: String,
    pub take_title: String,
    /// The y axis of the daily panels ("nombre").
    pub count_axis: String,
    /// Monday first.
    pub weekdays: [String; 7],
    /// By category id ("distress").
    pub categories: BTreeMap<&'static str, String>,
    /// By way id ("open").
    pub ways: BTreeMap<&'static str, String>,
    /// One per time-to-take bucket, the shortest first.
    pub take_buckets: [String; TAKE_BUCKETS],
    pub not_taken: String,
    /// Shown in a panel with nothing to draw.
    pub nothing: String,
}

/// The chart of one week as PNG bytes.
pub fn render_png(chart: &ChartData, labels: &Labels) -> anyhow::Result<Vec<u8>> {
    register_font()?;
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw::draw(&mut rgb, chart, labels).context("drawing the digest's chart")?;
    encode(&rgb)
}

fn register_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            FAMILY,
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        )
        .is_ok()
    });
    anyhow::ensure!(ok, "the shipped font does not load");
    Ok(())
}

fn encode(rgb: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("writing the PNG header")?;
    writer
        .write_image_data(rgb)
        .context("writing the PNG data")?;
    writer.finish().context("finishing the PNG")?;
    Ok(out)
}

#[cfg(test)]
mod tests;
