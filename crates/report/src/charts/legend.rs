//! Lay the legend out: measure its box, split long legends into columns, and find a
//! corner of the plot where it hides no line.
//!
//! A legend that fits nowhere inside goes under the plot (see `draw`), so that the
//! plot keeps the width of every other chart.

use super::error::msg;
use super::layout::Chart;
use super::spec::{ChartSpec, LegendEntry, Swatch};
use super::style::{LEGEND_PX, font, heading_font, room};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A corner of the plot (in plot pixels) where a legend of `size` hides no data and no
/// marker label; `None` if there is none.
pub(crate) fn free_corner<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
    size: (i32, i32),
) -> Option<(i32, i32)> {
    let (plot_w, plot_h) = chart.plotting_area().dim_in_pixel();
    let (plot_w, plot_h) = (plot_w as i32, plot_h as i32);
    let (w, h) = size;
    const GAP: i32 = 12;
    if w + 2 * GAP > plot_w || h + 2 * GAP > plot_h {
        return None;
    }
    let samples = line_samples(chart, spec);
    let candidates = [
        (plot_w - w - GAP, GAP),
        (GAP, GAP),
        ((plot_w - w) / 2, GAP),
        (plot_w - w - GAP, plot_h / 2 - h / 2),
        (plot_w - w - GAP, plot_h - h - GAP - 8),
        (GAP, plot_h - h - GAP - 8),
    ];
    candidates.into_iter().find(|&(x, y)| {
        let rect = (x - 10, y - 10, x + w + 10, y + h + 10);
        !samples
            .iter()
            .any(|&(px, py)| px >= rect.0 && px <= rect.2 && py >= rect.1 && py <= rect.3)
    })
}

/// Points on every line (and band edge) in plot pixels, densely enough to catch
/// segments crossing a box.
fn line_samples<DB: DrawingBackend>(chart: &Chart<'_, DB>, spec: &ChartSpec) -> Vec<(i32, i32)> {
    let (bx, by) = chart.plotting_area().get_base_pixel();
    let to_px = |x: f64, y: f64| {
        let (px, py) = chart.backend_coord(&(x, spec.clamp_y(y)));
        (px - bx, py - by)
    };
    let mut samples: Vec<(i32, i32)> = Vec::new();
    for series in &spec.series {
        for run in &series.runs {
            let mut edges: Vec<Vec<(f64, f64)>> = vec![run.iter().map(|p| (p.x, p.mean)).collect()];
            if series.band.is_some() {
                edges.push(run.iter().map(|p| (p.x, p.high)).collect());
                edges.push(run.iter().map(|p| (p.x, p.low)).collect());
            }
            for edge in edges {
                samples.extend(edge.iter().map(|&(x, y)| to_px(x, y)));
                for pair in edge.windows(2) {
                    let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                    for k in 1..8 {
                        let t = f64::from(k) / 8.0;
                        samples.push(to_px(x0 + t * (x1 - x0), y0 + t * (y1 - y0)));
                    }
                }
            }
        }
    }
    samples
}

/// The legend, measured once so its box can be placed before it is drawn.
///
/// Leading [`Swatch::Heading`] entries are its title: one line each, across the
/// whole box, above the entries' columns.
pub(crate) struct LegendLayout<'e> {
    entries: &'e [LegendEntry],
    /// Title lines: the first `headings` entries.
    headings: usize,
    size: (i32, i32),
    row_h: i32,
    rows: usize,
    column_w: i32,
}

/// Where one legend entry goes, in the pixels of the legend's area.
pub(crate) struct LegendSlot<'e> {
    pub(crate) entry: &'e LegendEntry,
    /// Left and right end of the swatch.
    pub(crate) swatch_x: (i32, i32),
    /// The entry's centre line.
    pub(crate) y: i32,
    /// Left edge of the label.
    pub(crate) text_x: i32,
}

const LEGEND_PAD: i32 = 12;
const SWATCH_W: i32 = 36;
/// Between a swatch and its label.
const SWATCH_GAP: i32 = 10;

impl<'e> LegendLayout<'e> {
    pub(crate) fn measure<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        entries: &'e [LegendEntry],
    ) -> Result<Self, String> {
        let headings = entries
            .iter()
            .take_while(|e| matches!(e.swatch, Swatch::Heading))
            .count();
        let (titles, items) = entries.split_at(headings);
        let (text_w, text_h) = largest_label(area, items, font(LEGEND_PX))?;
        let (title_w, title_h) = largest_label(area, titles, heading_font())?;
        let row_h = text_h.max(title_h).max(room(LEGEND_PX as i32)) + room(10);
        // As many rows as fit in the area's height (less room for the x axis and the
        // title); more entries go into further columns.
        let (_, area_h) = area.dim_in_pixel();
        let fit = (area_h as i32 - 110 - LEGEND_PAD * 2 + 6) / row_h - headings as i32;
        let rows = items.len().min(fit.max(1) as usize).max(1);
        let columns = items.len().div_ceil(rows).max(1);
        let rows = items.len().div_ceil(columns).max(1);
        let columns = columns as i32;
        let column_w = SWATCH_W + SWATCH_GAP + text_w + LEGEND_PAD;
        let item_rows = if items.is_empty() { 0 } else { rows as i32 };
        let size = (
            (LEGEND_PAD + columns * column_w).max(2 * LEGEND_PAD + title_w),
            LEGEND_PAD * 2 + (headings as i32 + item_rows) * row_h - 6,
        );
        Ok(LegendLayout {
            entries,
            headings,
            size,
            row_h,
            rows,
            column_w,
        })
    }

    /// The legend laid out in as many columns as fit across `width` pixels (for a
    /// legend under the plot), entries filling each column top to bottom.
    pub(crate) fn across(mut self, width: i32) -> Self {
        let items = self.entries.len() - self.headings;
        if items == 0 {
            return self;
        }
        let columns = ((width - LEGEND_PAD) / self.column_w).clamp(1, items as i32);
        self.rows = items.div_ceil(columns as usize);
        let columns = items.div_ceil(self.rows) as i32;
        self.size = (
            (LEGEND_PAD + columns * self.column_w).max(self.size.0.min(width)),
            LEGEND_PAD * 2 + (self.headings + self.rows) as i32 * self.row_h - 6,
        );
        self
    }

    /// Width and height of the legend's box.
    pub(crate) fn size(&self) -> (i32, i32) {
        self.size
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry's place when the box's top left corner is at `at`.
    pub(crate) fn slots(&self, at: (i32, i32)) -> impl Iterator<Item = LegendSlot<'e>> + '_ {
        let (x, y) = at;
        self.entries.iter().enumerate().map(move |(k, entry)| {
            let (column, row) = match k.checked_sub(self.headings) {
                None => (0, k as i32),
                Some(item) => (
                    (item / self.rows) as i32,
                    (self.headings + item % self.rows) as i32,
                ),
            };
            let left = x + LEGEND_PAD + column * self.column_w;
            LegendSlot {
                entry,
                swatch_x: (left, left + SWATCH_W),
                y: y + LEGEND_PAD + row * self.row_h + (self.row_h - 6) / 2,
                text_x: left + SWATCH_W + SWATCH_GAP,
            }
        })
    }
}

/// The widest and the tallest of `entries`' labels in `style`, in pixels.
fn largest_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    style: TextStyle<'_>,
) -> Result<(i32, i32), String> {
    let mut text_w = 0;
    let mut text_h = 0;
    for entry in entries {
        let (w, h) = area.estimate_text_size(&entry.label, &style).map_err(msg)?;
        text_w = text_w.max(w as i32);
        text_h = text_h.max(h as i32);
    }
    Ok((text_w, text_h))
}
