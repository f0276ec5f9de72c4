//! Fonts, text sizes and text colours shared by layout and drawing.

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::cell::Cell;
use std::sync::OnceLock;

/// The family name every chart uses; it is the embedded DejaVu Sans.
pub(crate) const FONT: &str = "sans-serif";
pub(crate) const TITLE_PX: f64 = 28.0;
pub(crate) const NOTE_PX: f64 = 16.0;
pub(crate) const AXIS_DESC_PX: f64 = 20.0;
pub(crate) const TICK_PX: f64 = 16.0;
pub(crate) const LEGEND_PX: f64 = 17.0;
pub(crate) const MARKER_PX: f64 = 15.0;

pub(crate) const TEXT: RGBColor = RGBColor(25, 25, 25);
pub(crate) const NOTE_GREY: RGBColor = RGBColor(100, 100, 100);
pub(crate) const MARKER_GREY: RGBColor = RGBColor(110, 110, 110);
pub(crate) const MARKER_TEXT: RGBColor = RGBColor(70, 70, 70);

/// Register the embedded DejaVu Sans under [`FONT`] (plotters measures text with it,
/// and the SVG names it); once.
pub(crate) fn register_fonts() -> Result<(), String> {
    static FONTS: OnceLock<Result<(), String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "the embedded DejaVu Sans font cannot be loaded".to_string())?;
            register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "the embedded DejaVu Sans Bold font cannot be loaded".to_string())
        })
        .clone()
}

thread_local! {
    /// The text scale of the chart being drawn on this thread (see [`TextScale`]).
    static TEXT_SCALE: Cell<f64> = const { Cell::new(1.0) };
}

/// Scale every text size (and the room kept for text) while a chart is drawn: the
/// sizes above are those of the default 1280 × 720 canvas.
///
/// Set for one drawing on the drawing thread and restored when dropped, so a chart
/// of another size drawn afterwards, or concurrently on another thread, is unaffected.
pub(crate) struct TextScale {
    previous: f64,
}

impl TextScale {
    /// Draw text `scale` times its default size until the guard is dropped.
    pub(crate) fn set(scale: f64) -> TextScale {
        TextScale {
            previous: TEXT_SCALE.with(|s| s.replace(scale)),
        }
    }
}

impl Drop for TextScale {
    fn drop(&mut self) {
        TEXT_SCALE.with(|s| s.set(self.previous));
    }
}

/// A text size of the default canvas (`TITLE_PX`, …), in pixels of the chart drawn.
pub(crate) fn px(default_px: f64) -> f64 {
    default_px * TEXT_SCALE.with(Cell::get)
}

/// A length kept for text on the default canvas (a label area), in pixels of the
/// chart drawn.
pub(crate) fn room(default: i32) -> i32 {
    (f64::from(default) * TEXT_SCALE.with(Cell::get)).round() as i32
}

/// Regular text of `size` pixels on the default canvas ([`px`]) in the text colour.
pub(crate) fn font(size: f64) -> TextStyle<'static> {
    (FONT, px(size)).into_font().color(&TEXT)
}

/// Bold text of `size` pixels on the default canvas in `color`.
pub(crate) fn bold(size: f64, color: &RGBColor) -> TextStyle<'static> {
    (FONT, px(size), FontStyle::Bold).into_font().color(color)
}

/// Bold legend-sized text in the text colour, for legend titles.
pub(crate) fn heading_font() -> TextStyle<'static> {
    bold(LEGEND_PX, &TEXT)
}
