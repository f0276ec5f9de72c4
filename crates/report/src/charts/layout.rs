//! Where things go: the time axis, ticks, the plot's margins with room for marker
//! labels, the legend's box and a free corner of the plot to put it in.

use super::Marker;
use super::msg;
use super::specs::{ChartSpec, LegendEntry, Swatch};
use super::style::{LEGEND_PX, MARKER_PX, font, heading_font};
use crate::aggregate::Aggregate;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// A chart's coordinates: x and y in axis units.
pub(super) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

// ---------------------------------------------------------------------------------
// Time axis and ticks.

/// The time axis: minutes, or hours for runs longer than six hours.
pub(super) struct TimeAxis {
    seconds_per_unit: f64,
    pub(super) desc: &'static str,
    /// The end of the run, in axis units; positive.
    pub(super) end: f64,
}

impl TimeAxis {
    pub(super) fn of(aggregate: &Aggregate) -> TimeAxis {
        TimeAxis::spanning(&[aggregate])
    }

    /// One axis for several runs (e.g. the points of a sweep): as long as the longest.
    pub(super) fn spanning(aggregates: &[&Aggregate]) -> TimeAxis {
        let total_s = aggregates
            .iter()
            .map(|a| a.bin_width.as_secs_f64() * a.bins as f64)
            .filter(|s| s.is_finite())
            .fold(0.0, f64::max);
        TimeAxis::new(total_s)
    }

    fn new(total_s: f64) -> TimeAxis {
        let (seconds_per_unit, desc) = if total_s > 6.0 * 3600.0 {
            (3600.0, "time since start (h)")
        } else {
            (60.0, "time since start (min)")
        };
        let end = total_s / seconds_per_unit;
        let end = if end.is_finite() && end > 0.0 {
            end
        } else {
            1.0
        };
        TimeAxis {
            seconds_per_unit,
            desc,
            end,
        }
    }

    fn at(&self, seconds: f64) -> f64 {
        seconds / self.seconds_per_unit
    }

    /// Start and end of `bin`, in axis units.
    pub(super) fn bin_range(&self, aggregate: &Aggregate, bin: usize) -> (f64, f64) {
        let start = aggregate.bin_start_s(bin);
        (
            self.at(start),
            self.at(start + aggregate.bin_width.as_secs_f64()),
        )
    }

    /// Markers inside the run, in axis units, in time order.
    pub(super) fn markers(&self, markers: &[Marker]) -> Vec<(f64, String)> {
        let mut out: Vec<(f64, String)> = markers
            .iter()
            .map(|m| (self.at(m.time_s), m.label.clone()))
            .filter(|(x, _)| x.is_finite() && (0.0..=self.end).contains(x))
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
}

/// Ticks on the axes at most.
pub(super) const X_TICKS: usize = 13;
pub(super) const Y_TICKS: usize = 11;

/// An x tick label: whole numbers without decimals, others with one.
pub(super) fn fmt_x(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The spacing plotters chooses for at most `max_points` ticks on `0..range`: the
/// largest of 10^k, 10^k/2, 10^k/5 that does not give more points (its algorithm).
fn tick_step(range: f64, max_points: usize) -> f64 {
    if !(range.is_finite() && range > 0.0) || max_points == 0 {
        return 1.0;
    }
    let points = |step: f64| 1 + (range / step + 1e-9).floor() as usize;
    let mut step = 10f64.powf(range.log10().floor());
    if points(step) > max_points {
        step *= 10.0;
    }
    loop {
        let coarse = step;
        for divisor in [2.0, 5.0, 10.0] {
            if points(coarse / divisor) > max_points {
                return step;
            }
            step = coarse / divisor;
        }
    }
}

/// Decimals that show every tick of `0..range` exactly (steps are 1, 2 or 5 × 10^k).
pub(super) fn tick_decimals(range: f64, max_points: usize) -> usize {
    let step = tick_step(range, max_points);
    (-(step.log10() + 1e-9).floor()).clamp(0.0, 9.0) as usize
}

// ---------------------------------------------------------------------------------
// The plot and its marker labels.

/// Labels around the plot, placed once the plot's x positions are known.
pub(super) struct AxisLabels {
    /// Marker labels above the plot.
    pub(super) markers: Vec<MarkerLabel>,
    /// Category tick labels under the plot, if the x axis is categorical.
    pub(super) categories: Option<CategoryLabels>,
}

/// The chart's coordinates on `area`, with room above the plot for the marker labels
/// and below it for category labels in two rows.
pub(super) fn build<'a, DB: DrawingBackend>(
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
        .margin_top(10 + extra_top)
        .margin_right(28)
        .margin_left(6)
        .margin_bottom(4)
        .x_label_area_size(62 + extra_bottom)
        .y_label_area_size(84)
        .build_cartesian_2d(x_start..x_end, 0f64..y_max)
        .map_err(msg)
}

/// A marker's label, placed above the plot: left edge in `area` pixels, row 0 nearest
/// the plot.
pub(super) struct MarkerLabel {
    pub(super) text: String,
    pub(super) left: i32,
    row: i32,
    w: i32,
    h: i32,
}

const MARKER_ROW_GAP: i32 = 6;
/// Rows of marker labels at most; more would squeeze the plot.
const MAX_MARKER_ROWS: i32 = 4;

impl MarkerLabel {
    /// The label's top edge when the plot starts at `plot_top`.
    pub(super) fn top(&self, plot_top: i32) -> i32 {
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
pub(super) struct CategoryLabels {
    pub(super) px: f64,
    pub(super) placing: Placing,
    pub(super) labels: Vec<CategoryLabel>,
}

/// How category labels are set under the axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Placing {
    /// Level, in `rows` (1 or 2) rows `row_h` apart, alternating.
    Rows { rows: i32, row_h: i32 },
    /// Turned a quarter left (reading upwards), ending at the axis; `len` is the
    /// longest label's length in pixels.
    Upright { len: i32 },
}

/// One category's tick label.
pub(super) struct CategoryLabel {
    pub(super) text: String,
    /// The category's x, in `area` pixels.
    pub(super) tick: i32,
    /// A level label's left edge, in `area` pixels (kept inside the area).
    pub(super) left: i32,
    /// A level label's row, from 0.
    pub(super) row: i32,
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
pub(super) fn ellipsize<DB: DrawingBackend>(
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

// ---------------------------------------------------------------------------------
// The legend.

/// A corner of the plot (in plot pixels) where a legend of `size` hides no data and no
/// marker label; `None` if there is none.
pub(super) fn free_corner<DB: DrawingBackend>(
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
pub(super) struct LegendLayout<'e> {
    entries: &'e [LegendEntry],
    /// Title lines: the first `headings` entries.
    headings: usize,
    size: (i32, i32),
    row_h: i32,
    rows: usize,
    column_w: i32,
}

/// Where one legend entry goes, in the pixels of the legend's area.
pub(super) struct LegendSlot<'e> {
    pub(super) entry: &'e LegendEntry,
    /// Left and right end of the swatch.
    pub(super) swatch_x: (i32, i32),
    /// The entry's centre line.
    pub(super) y: i32,
    /// Left edge of the label.
    pub(super) text_x: i32,
}

const LEGEND_PAD: i32 = 12;
const SWATCH_W: i32 = 36;
/// Between a swatch and its label.
const SWATCH_GAP: i32 = 10;

impl<'e> LegendLayout<'e> {
    pub(super) fn measure<DB: DrawingBackend>(
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
        let row_h = text_h.max(title_h).max(LEGEND_PX as i32) + 10;
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

    /// Width and height of the legend's box.
    pub(super) fn size(&self) -> (i32, i32) {
        self.size
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry's place when the box's top left corner is at `at`.
    pub(super) fn slots(&self, at: (i32, i32)) -> impl Iterator<Item = LegendSlot<'e>> + '_ {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_plotters_steps() {
        assert_eq!(tick_decimals(0.79, 11), 1);
        assert_eq!(tick_decimals(1.0, 11), 1);
        assert_eq!(tick_decimals(0.05, 11), 3);
        assert_eq!(tick_decimals(0.3, 11), 2);
        assert_eq!(tick_step(120.0, 13), 10.0);
        assert_eq!(tick_step(24.0, 13), 2.0);
        assert_eq!(fmt_x(10.0), "10");
        assert_eq!(fmt_x(2.5), "2.5");
    }

    #[test]
    fn time_axis_switches_to_hours_after_six() {
        let six = TimeAxis::new(60.0 * 360.0);
        assert_eq!((six.desc, six.end), ("time since start (min)", 360.0));
        let seven = TimeAxis::new(60.0 * 420.0);
        assert_eq!((seven.desc, seven.end), ("time since start (h)", 7.0));
        assert_eq!(TimeAxis::new(0.0).end, 1.0);
        assert_eq!(TimeAxis::new(f64::NAN).end, 1.0);
        let marks = [
            Marker {
                time_s: 3600.0,
                label: "b".into(),
            },
            Marker {
                time_s: 1800.0,
                label: "a".into(),
            },
            Marker {
                time_s: f64::NAN,
                label: "nan".into(),
            },
            Marker {
                time_s: 1e6,
                label: "late".into(),
            },
        ];
        assert_eq!(
            seven.markers(&marks),
            vec![(0.5, "a".to_string()), (1.0, "b".to_string())]
        );
    }
}
