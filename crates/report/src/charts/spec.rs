//! A chart as plain data, ready to draw: lines with their bands, stacked layers,
//! markers, legend entries and notes, in axis units (x in minutes or hours).
//!
//! Builders fill a [`ChartSpec`]; only `draw` and `layout` turn it into pixels, so the
//! PNG and the SVG of a chart are the same picture and specs can be tested as data.

use super::axis::TimeAxis;
use plotters::prelude::*;
use plotters::style::RGBAColor;

/// A chart, ready to draw.
pub(crate) struct ChartSpec {
    pub(crate) title: String,
    /// The line under the title: what the curves and bands are.
    pub(crate) note: String,
    pub(crate) x_desc: String,
    /// The x axis runs from `x_start` to `x_end` (axis units).
    pub(crate) x_start: f64,
    pub(crate) x_end: f64,
    /// A categorical x axis: these labels at x = 0, 1, …; empty for a numeric axis.
    pub(crate) categories: Vec<String>,
    /// The same labels abbreviated, used if the full ones do not fit; may be empty.
    pub(crate) short_categories: Vec<String>,
    pub(crate) y_desc: String,
    pub(crate) y_max: f64,
    /// Stacked areas, bottom first.
    pub(crate) layers: Vec<Layer>,
    /// Lines, drawn in order (the last on top).
    pub(crate) series: Vec<Series>,
    /// Scenario events: x and label, in time order.
    pub(crate) markers: Vec<(f64, String)>,
    pub(crate) legend: Vec<LegendEntry>,
    /// Small grey notes at points of the plot (e.g. how many replicas a mean has).
    pub(crate) annotations: Vec<Annotation>,
    /// Put the legend under the plot even if a free corner exists (stacked areas
    /// fill the plot, so no corner is ever free).
    pub(crate) legend_outside: bool,
}

/// One point of a time series: bin centre and the estimate, clamped to a share's range.
#[derive(Clone, Copy)]
pub(crate) struct Point {
    pub(crate) x: f64,
    pub(crate) mean: f64,
    pub(crate) low: f64,
    pub(crate) high: f64,
}

/// A line (mean) over contiguous runs of defined bins, optionally with its CI band,
/// or with error bars and a dot at every point.
pub(crate) struct Series {
    pub(crate) color: RGBColor,
    pub(crate) width: u32,
    pub(crate) runs: Vec<Vec<Point>>,
    pub(crate) band: Option<RGBAColor>,
    /// Draw every point as a dot with its CI as a capped vertical bar.
    pub(crate) whiskers: bool,
    /// On and off lengths of the line's dashes, in pixels; empty for a solid line.
    pub(crate) dash: &'static [u32],
}

/// A note centred above (x, y), in axis units.
pub(crate) struct Annotation {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) text: String,
}

/// One layer of a stacked area: runs of `(x, lower, upper)`, drawn as steps.
pub(crate) struct Layer {
    pub(crate) color: RGBColor,
    pub(crate) runs: Vec<Vec<(f64, f64, f64)>>,
}

/// What a legend entry shows left of its label.
pub(crate) enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        band: Option<RGBAColor>,
        dash: &'static [u32],
    },
    Area(RGBColor),
    /// None: the entry is the legend's heading, in bold from the swatch's left.
    Heading,
}

/// One entry of a chart's legend: a swatch and its label.
pub(crate) struct LegendEntry {
    pub(crate) label: String,
    pub(crate) swatch: Swatch,
}

/// The legend label of the emphasised line of all clients.
pub(crate) const ALL_CLIENTS: &str = "all clients";

impl ChartSpec {
    /// An empty time chart on `axis`, its y axis a share (0 to 1) until fitted.
    pub(crate) fn new(axis: &TimeAxis, title: String, y_desc: &str) -> ChartSpec {
        ChartSpec {
            title,
            note: String::new(),
            x_desc: axis.desc.to_string(),
            x_start: 0.0,
            x_end: axis.end,
            categories: Vec::new(),
            short_categories: Vec::new(),
            y_desc: y_desc.to_string(),
            y_max: 1.0,
            layers: Vec::new(),
            series: Vec::new(),
            markers: Vec::new(),
            legend: Vec::new(),
            annotations: Vec::new(),
            legend_outside: false,
        }
    }

    /// A value clamped into the y axis.
    pub(crate) fn clamp_y(&self, y: f64) -> f64 {
        y.clamp(0.0, self.y_max)
    }

    /// Add a line and, last, its legend entry.
    pub(crate) fn add_line(&mut self, label: String, series: Series) {
        self.legend.push(LegendEntry {
            label,
            swatch: series.swatch(),
        });
        self.series.push(series);
    }

    /// Add the emphasised all-clients line: drawn last (on top), listed first.
    pub(crate) fn add_all_clients_line(&mut self, series: Series) {
        let entry = LegendEntry {
            label: ALL_CLIENTS.to_string(),
            swatch: series.swatch(),
        };
        self.legend.insert(0, entry);
        self.series.push(series);
    }

    /// The highest point of any line or band; 0 without lines.
    fn top(&self) -> f64 {
        self.series.iter().map(Series::top).fold(0.0, f64::max)
    }

    /// Fit the y axis to the lines (and their bands).
    pub(crate) fn fit_y(&mut self) {
        self.y_max = y_top(self.top());
    }

    /// Fit the y axis to the lines of a quantity that is not a share (no top at 1).
    pub(crate) fn fit_y_unbounded(&mut self) {
        let top = self.top();
        self.y_max = if top.is_finite() && top > 0.0 {
            top * 1.1
        } else {
            1.0
        };
    }
}

impl Series {
    /// A plain line: no band, no error bars.
    pub(crate) fn line(runs: Vec<Vec<Point>>, color: RGBColor, width: u32) -> Series {
        Series {
            color,
            width,
            runs,
            band: None,
            whiskers: false,
            dash: &[],
        }
    }

    /// The same line drawn in dashes of `pattern` (on and off lengths in pixels), so
    /// that lines on top of each other stay distinguishable, in greyscale too.
    pub(crate) fn dashed(self, pattern: &'static [u32]) -> Series {
        Series {
            dash: pattern,
            ..self
        }
    }

    /// The value the line has in every bin with data, if it has one value throughout
    /// (and some data).
    pub(crate) fn constant(&self) -> Option<f64> {
        let mut points = self.runs.iter().flatten();
        let first = points.next()?.mean;
        points.all(|p| p.mean == first).then_some(first)
    }

    /// A line over its confidence band, the band `color` mixed to `opacity`.
    pub(crate) fn banded(
        runs: Vec<Vec<Point>>,
        color: RGBColor,
        width: u32,
        opacity: f64,
    ) -> Series {
        Series {
            band: Some(color.mix(opacity)),
            ..Series::line(runs, color, width)
        }
    }

    /// The highest value shown: the band's (or bars') top if shown, else the line's.
    fn top(&self) -> f64 {
        let with_band = self.band.is_some() || self.whiskers;
        self.runs
            .iter()
            .flatten()
            .map(|p| if with_band { p.high } else { p.mean })
            .fold(0.0, f64::max)
    }

    pub(crate) fn swatch(&self) -> Swatch {
        Swatch::Line {
            color: self.color,
            width: self.width,
            band: self.band,
            dash: self.dash,
        }
    }
}

/// Top of a share axis: the data's maximum plus 10 %, at least 0.05, at most 1.
pub(crate) fn y_top(max: f64) -> f64 {
    if max.is_finite() {
        (max * 1.1).clamp(0.05, 1.0)
    } else {
        0.05
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_axis_top_is_bounded() {
        assert_eq!(y_top(0.0), 0.05);
        assert_eq!(y_top(f64::NAN), 0.05);
        assert!((y_top(0.5) - 0.55).abs() < 1e-12);
        assert_eq!(y_top(0.95), 1.0);
    }
}
