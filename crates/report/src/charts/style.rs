//! Fonts, text sizes and text colours shared by layout and drawing.

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
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

/// Regular text of `px` pixels in the text colour.
pub(crate) fn font(px: f64) -> TextStyle<'static> {
    (FONT, px).into_font().color(&TEXT)
}

/// Bold legend-sized text in the text colour, for legend titles.
pub(crate) fn heading_font() -> TextStyle<'static> {
    (FONT, LEGEND_PX, FontStyle::Bold).into_font().color(&TEXT)
}
