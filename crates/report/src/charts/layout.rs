//! Where things go around the plot: its margins, with room above for marker labels and
//! below for category labels, and text shortened to fit.
//!
//! Labels are placed before anything is drawn, from a probe of the plot's x positions,
//! so that no label overlaps another or leaves the canvas.

use super::error::msg;
use super::spec::ChartSpec;
use super::style::{MARKER_PX, font, room};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// A chart's coordinates: x and y in axis units.
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Labels around the plot, placed once the plot's x positions are known.
pub(crate) struct AxisLabels {
    /// Marker labels above the plot.
    pub(crate) markers: Vec<MarkerLabel>,
    /// Category tick labels under the plot, if the x axis is categorical.
    pub(crate) categories: Option<CategoryLabels>,
}

/// The chart's coordinates on `area`, with room above the plot for the marker labels
/// and below it for category labels in two rows.
pub(crate) fn build<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &ChartSpec,
) -> Result<(Chart<'a, DB>, AxisLabels), String> {
    // Labels depend only on x positions, which the top and bottom margins do not change.
    let probe = build_with_margins(area, spec, 0, 0)?;
    let markers = layout_marker_labels(area, &probe, spec)?;
    let categories = layout_categories(area, &probe, spec)?;
    let rows = markers.iter().map(|l| l.row + 1).max().unwrap_or(0);
    let row_h = markers.iter().map(|l| l.h).max().unwrap_or(0) + MARKER_ROW_GAP;
    let extra_bottom = categories.as_ref().map_or(0, CategoryLabels::extra_height);
    let chart = build_with_margins(area, spec, rows * row_h, extra_bottom)?;
    Ok((
        chart,
        AxisLabels {
            markers,
            categories,
        },
    ))
}

fn build_with_margins<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    extra_top: i32,
    extra_bottom: i32,
) -> Result<Chart<'a, DB>, String> {
    let x_start = if spec.x_start.is_finite() {
        spec.x_start
    } else {
        0.0
    };
    let x_end = if spec.x_end.is_finite() && spec.x_end > x_start {
        spec.x_end
    } else {
        x_start + 1.0
    };
    let y_max = if spec.y_max.is_finite() && spec.y_max > 0.0 {
        spec.y_max
    } else {
        1.0
    };
    ChartBuilder::on(area)
        .margin_top(room(10) + extra_top)
        .margin_right(room(28))
        .margin_left(6)
        .margin_bottom(4)
        .x_label_area_size(room(62) + extra_bottom)
        .y_label_area_size(room(84))
        .build_cartesian_2d(x_start..x_end, 0f64..y_max)
        .map_err(msg)
}

/// A marker's label, placed above the plot: left edge in `area` pixels, row 0 nearest
/// the plot.
pub(crate) struct MarkerLabel {
    pub(crate) text: String,
    pub(crate) left: i32,
    row: i32,
    w: i32,
    h: i32,
}

const MARKER_ROW_GAP: i32 = 6;
/// Rows of marker labels at most (each takes about 3 % of the canvas height). Enough
/// for a dozen events crowded into a few minutes; in a scenario with more events
/// than that in one place, a label past this many rows is left out (its dashed line
/// stays).
const MAX_MARKER_ROWS: i32 = 12;

impl MarkerLabel {
    /// The label's top edge when the plot starts at `plot_top`.
    pub(crate) fn top(&self, plot_top: i32) -> i32 {
        plot_top - (self.row + 1) * (self.h + MARKER_ROW_GAP)
    }
}

/// Centre each marker label on its line, inside `area`, moving it up a row when it
/// would overlap an earlier label (and leaving it out past [`MAX_MARKER_ROWS`]).
fn layout_marker_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<Vec<MarkerLabel>, String> {
    let (area_w, _) = area.dim_in_pixel();
    let base_x = area.get_base_pixel().0;
    let mut placed: Vec<MarkerLabel> = Vec::new();
    for (x, text) in &spec.markers {
        let (w, h) = area
            .estimate_text_size(text, &font(MARKER_PX))
            .map_err(msg)?;
        let (w, h) = (w as i32, h as i32);
        let line_x = chart.backend_coord(&(*x, 0.0)).0 - base_x;
        let left = (line_x - w / 2).min(area_w as i32 - w - 2).max(0);
        let mut row = 0;
        while placed
            .iter()
            .any(|p| p.row == row && p.left < left + w + 12 && left < p.left + p.w + 12)
        {
            row += 1;
        }
        if row >= MAX_MARKER_ROWS {
            continue; // Crowded: the dashed line stays, the label goes.
        }
        placed.push(MarkerLabel {
            text: text.clone(),
            left,
            row,
            w,
            h,
        });
    }
    Ok(placed)
}

// ---------------------------------------------------------------------------------
// Category labels.

/// The tick labels of a categorical x axis: one text size, in one row, or staggered in
/// two rows, or turned to read upwards when they are too wide for two.
pub(crate) struct CategoryLabels {
    pub(crate) px: f64,
    pub(crate) placing: Placing,
    pub(crate) labels: Vec<CategoryLabel>,
}

/// How category labels are set under the axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Placing {
    /// Level, in `rows` (1 or 2) rows `row_h` apart, alternating.
    Rows { rows: i32, row_h: i32 },
    /// Turned a quarter left (reading upwards), ending at the axis; `len` is the
    /// longest label's length in pixels.
    Upright { len: i32 },
}

/// One category's tick label.
pub(crate) struct CategoryLabel {
    pub(crate) text: String,
    /// The category's x, in `area` pixels.
    pub(crate) tick: i32,
    /// A level label's left edge, in `area` pixels (kept inside the area).
    pub(crate) left: i32,
    /// A level label's row, from 0.
    pub(crate) row: i32,
}

/// Text sizes tried for category labels, largest first.
const CATEGORY_PX: [f64; 5] = [16.0, 15.0, 14.0, 13.0, 12.0];
/// Room between neighbouring category labels.
const CATEGORY_GAP: i32 = 10;
/// The longest upright label, in pixels; longer ones are shortened.
const UPRIGHT_MAX: i32 = 170;

impl CategoryLabels {
    /// How much taller than one row of labels the labels are, in pixels.
    fn extra_height(&self) -> i32 {
        let row_h = (self.px / 1.24).ceil() as i32;
        match self.placing {
            Placing::Rows { rows, row_h } => (rows - 1) * row_h,
            Placing::Upright { len } => (len - row_h).max(0),
        }
    }
}

/// Lay the category labels out, trying in turn until they fit without overlapping:
/// one row at each text size (full texts, then the short ones), two staggered rows
/// (full, then short), and last upright labels of the short texts, shortened if needed.
fn layout_categories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<Option<CategoryLabels>, String> {
    let n = spec.categories.len();
    if n == 0 {
        return Ok(None);
    }
    let (area_w, _) = area.dim_in_pixel();
    let area_w = area_w as i32;
    let base_x = area.get_base_pixel().0;
    let tick = |k: usize| chart.backend_coord(&(k as f64, 0.0)).0 - base_x;
    let slot = if n > 1 {
        (tick(1) - tick(0)).abs()
    } else {
        chart.plotting_area().dim_in_pixel().0 as i32
    };
    let widest = |texts: &[String], px: f64| -> Result<i32, String> {
        let style = font(px);
        let mut widest = 0;
        for text in texts {
            widest = widest.max(area.estimate_text_size(text, &style).map_err(msg)?.0 as i32);
        }
        Ok(widest)
    };
    let mut candidates = vec![&spec.categories];
    if spec.short_categories.len() == n && spec.short_categories != spec.categories {
        candidates.push(&spec.short_categories);
    }
    let shortest = candidates[candidates.len() - 1];
    let mut tries: Vec<(&Vec<String>, f64, i32)> = Vec::new();
    for texts in &candidates {
        tries.extend(CATEGORY_PX.iter().map(|&px| (*texts, px, 1)));
    }
    if n > 1 {
        for texts in &candidates {
            tries.extend(CATEGORY_PX[2..].iter().map(|&px| (*texts, px, 2)));
        }
    }
    let mut choice = None;
    for (texts, px, rows) in tries {
        if widest(texts, px)? + CATEGORY_GAP <= rows * slot {
            choice = Some((texts, px, rows));
            break;
        }
    }
    let Some((texts, px, rows)) = choice else {
        return upright_categories(area, shortest, tick).map(Some);
    };
    let style = font(px);
    let mut labels = Vec::with_capacity(n);
    for (k, text) in texts.iter().enumerate() {
        let w = area.estimate_text_size(text, &style).map_err(msg)?.0 as i32;
        let tick = tick(k);
        labels.push(CategoryLabel {
            left: (tick - w / 2).min(area_w - w - 2).max(0),
            tick,
            row: k as i32 % rows,
            text: text.clone(),
        });
    }
    Ok(Some(CategoryLabels {
        px,
        placing: Placing::Rows {
            rows,
            row_h: (px / 1.24).ceil() as i32 + 7,
        },
        labels,
    }))
}

/// Upright labels at the smallest size, each at most [`UPRIGHT_MAX`] long.
fn upright_categories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: &[String],
    tick: impl Fn(usize) -> i32,
) -> Result<CategoryLabels, String> {
    let px = CATEGORY_PX[CATEGORY_PX.len() - 1];
    let style = font(px);
    let mut len = 0;
    let mut labels = Vec::with_capacity(texts.len());
    for (k, text) in texts.iter().enumerate() {
        let text = ellipsize(area, text, &style, UPRIGHT_MAX)?;
        len = len.max(area.estimate_text_size(&text, &style).map_err(msg)?.0 as i32);
        labels.push(CategoryLabel {
            tick: tick(k),
            left: tick(k),
            row: 0,
            text,
        });
    }
    Ok(CategoryLabels {
        px,
        placing: Placing::Upright { len },
        labels,
    })
}

/// `text`, or as much of it as fits in `max_w` pixels followed by an ellipsis.
pub(crate) fn ellipsize<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_w: i32,
) -> Result<String, String> {
    let fits = |t: &str| -> Result<bool, String> {
        Ok(area.estimate_text_size(t, style).map_err(msg)?.0 as i32 <= max_w)
    };
    if fits(text)? {
        return Ok(text.to_string());
    }
    // The longest prefix that fits, by bisection: a prefix is never wider than a
    // longer one.
    let chars: Vec<char> = text.chars().collect();
    let short = |keep: usize| {
        chars[..keep]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…"
    };
    let (mut fit, mut over) = (0, chars.len());
    while over - fit > 1 {
        let mid = (fit + over) / 2;
        if fits(&short(mid))? {
            fit = mid;
        } else {
            over = mid;
        }
    }
    if fit > 0 {
        return Ok(short(fit));
    }
    Ok("…".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::axis::TimeAxis;
    use crate::charts::style::register_fonts;
    use crate::charts::tests::short_run;

    #[test]
    fn crowded_event_labels_stack_in_rows_and_none_is_dropped() {
        register_fonts().unwrap();
        let (aggregate, _) = short_run();
        let mut spec = ChartSpec::new(&TimeAxis::of(&aggregate), "t".into(), "y");
        // Eight events within three minutes of a half-hour axis.
        spec.markers = (0..8)
            .map(|k| (10.0 + 0.4 * f64::from(k), format!("resolver-{k} outage")))
            .collect();
        let mut pixels = vec![0u8; 1280 * 720 * 3];
        let area = BitMapBackend::with_buffer(&mut pixels, (1280, 720)).into_drawing_area();
        let (_, labels) = build(&area, &spec).unwrap();
        assert_eq!(labels.markers.len(), 8);
        let mut rows: Vec<i32> = labels.markers.iter().map(|l| l.row).collect();
        rows.sort_unstable();
        rows.dedup();
        assert_eq!(
            rows,
            (0..8).collect::<Vec<_>>(),
            "each label on its own row"
        );
    }
}
