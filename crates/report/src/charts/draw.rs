//! Painting a [`ChartSpec`] onto any plotters backend: titles, mesh, stacked layers,
//! confidence bands, marker lines and labels, lines and the legend.

use super::axis::{X_TICKS, Y_TICKS, fmt_x, tick_decimals};
use super::dash::dashes;
use super::error::msg;
use super::layout::{AxisLabels, CategoryLabels, Chart, MarkerLabel, Placing, build, ellipsize};
use super::legend::{LegendLayout, free_corner};
use super::spec::{ChartSpec, Swatch};
use super::style::{
    AXIS_DESC_PX, LEGEND_PX, MARKER_GREY, MARKER_PX, MARKER_TEXT, NOTE_GREY, NOTE_PX, TEXT,
    TICK_PX, TITLE_PX, bold, font, heading_font, px, room,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draw `spec` on `root`; `vector` backends get plain polylines (their renderer joins
/// wide lines well), bitmaps get [`thick_polyline`].
pub(crate) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    vector: bool,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(msg)?;
    let body = draw_titles(root, spec)?;
    let legend = LegendLayout::measure(&body, &spec.legend)?;
    if legend.is_empty() {
        let (mut chart, labels) = build(&body, spec)?;
        return draw_contents(&body, &mut chart, spec, &labels, vector);
    }
    if !spec.legend_outside {
        let (mut chart, labels) = build(&body, spec)?;
        if let Some(at) = free_corner(&chart, spec, legend.size()) {
            draw_contents(&body, &mut chart, spec, &labels, vector)?;
            return draw_legend(&chart.plotting_area().strip_coord_spec(), &legend, at);
        }
    }
    draw_with_legend_below(&body, spec, legend, vector)
}

/// Draw the chart above the legend, the legend centred under the plot: the plot keeps
/// the full width, so its time axis lines up with the other charts' in a report.
fn draw_with_legend_below<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    legend: LegendLayout<'_>,
    vector: bool,
) -> Result<(), String> {
    let (body_w, body_h) = body.dim_in_pixel();
    let legend = legend.across(body_w as i32 - 24);
    let (legend_w, legend_h) = legend.size();
    let split = (body_h as i32 - legend_h - 10).max(body_h as i32 / 2);
    let (top, bottom) = body.split_vertically(split);
    let (mut chart, labels) = build(&top, spec)?;
    draw_contents(&top, &mut chart, spec, &labels, vector)?;
    let left = ((body_w as i32 - legend_w) / 2).max(0);
    draw_legend(&bottom, &legend, (left, 4))
}

/// The smallest text of the title and of the note under it, in pixels of the chart
/// drawn whatever its size: below it a half-size chart's note is no longer readable.
const MIN_TITLE_PX: f64 = 13.0;
const MIN_NOTE_PX: f64 = 11.0;

/// Draw the title (bold) and the note under it in grey, each shrunk until it fits
/// (down to [`MIN_TITLE_PX`] and [`MIN_NOTE_PX`]; a note that does not fit even then
/// goes on two lines); returns the area below them.
fn draw_titles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (width, _) = root.dim_in_pixel();
    let page = root.margin(room(12), room(10), room(12), room(16));
    let fits = |text: &str, style: &TextStyle<'_>| -> Result<bool, String> {
        Ok(page.estimate_text_size(text, style).map_err(msg)?.0 + 40 <= width)
    };
    // Sizes are of the default canvas (`font` scales them); the floors are not.
    let scale = px(1.0);
    let title_style = |size: f64| bold(size, &TEXT);
    let mut title_px = TITLE_PX;
    while title_px * scale > MIN_TITLE_PX && !fits(&spec.title, &title_style(title_px))? {
        title_px -= 0.5;
    }
    let mut body = page
        .titled(&spec.title, title_style(title_px))
        .map_err(msg)?;
    if !spec.note.is_empty() {
        let note_style = |size: f64| font(size).color(&NOTE_GREY);
        let mut note_px = NOTE_PX;
        while note_px * scale > MIN_NOTE_PX && !fits(&spec.note, &note_style(note_px))? {
            note_px -= 0.5;
        }
        let style = note_style(note_px);
        let lines = if fits(&spec.note, &style)? {
            vec![spec.note.clone()]
        } else {
            in_two_lines(&spec.note)
        };
        for line in &lines {
            body = body.titled(line, style.clone()).map_err(msg)?;
        }
    }
    Ok(body)
}

/// Split `text` in two lines at the `; ` (else the space) nearest its middle.
fn in_two_lines(text: &str) -> Vec<String> {
    let middle = text.len() / 2;
    let nearest = |sep: &str| {
        text.match_indices(sep)
            .map(|(at, _)| at)
            .min_by_key(|&at| at.abs_diff(middle))
    };
    match nearest("; ")
        .map(|at| (at, 2))
        .or(nearest(" ").map(|at| (at, 1)))
    {
        Some((at, len)) => vec![
            text[..at + len - 1].to_string(),
            text[at + len..].to_string(),
        ],
        None => vec![text.to_string()],
    }
}

/// Everything but the titles and the legend, bottom layer first.
fn draw_contents<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    spec: &ChartSpec,
    labels: &AxisLabels,
    vector: bool,
) -> Result<(), String> {
    draw_mesh(chart, spec)?;
    if let Some(categories) = &labels.categories {
        draw_category_labels(area, chart, categories)?;
    }
    draw_layers(chart, spec)?;
    draw_bands(chart, spec)?;
    draw_marker_lines(chart, spec)?;
    draw_lines(area, chart, spec, vector)?;
    draw_annotations(area, chart, spec)?;
    draw_marker_labels(area, chart, &labels.markers)
}

/// Grid, axes, ticks and axis descriptions (shrunk, then shortened, to fit the plot's
/// sides). A categorical x axis gets no numeric ticks: see [`draw_category_labels`].
fn draw_mesh<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<(), String> {
    let decimals = tick_decimals(spec.y_max, Y_TICKS);
    let y_fmt = move |v: &f64| format!("{v:.decimals$}");
    let x_fmt = |v: &f64| fmt_x(*v);
    let (x_desc, y_desc, desc_px) = fit_axis_descs(chart, spec)?;
    let x_ticks = if spec.categories.is_empty() {
        X_TICKS
    } else {
        0
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(font(desc_px))
        .label_style(font(TICK_PX))
        .x_labels(x_ticks)
        .y_labels(Y_TICKS)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .bold_line_style(RGBColor(218, 218, 218))
        .light_line_style(RGBColor(246, 246, 246))
        .max_light_lines(1)
        .axis_style(AXIS_GREY)
        .draw()
        .map_err(msg)
}

const AXIS_GREY: RGBColor = RGBColor(90, 90, 90);
/// The smallest text an axis description shrinks to before it is shortened, on the
/// default canvas; at least 11 pixels of the chart drawn.
const MIN_DESC_PX: f64 = 14.0;

/// The axis descriptions and their (common) text size: the largest, down to
/// [`MIN_DESC_PX`], at which both fit along their sides of the plot; then shortened.
fn fit_axis_descs<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<(String, String, f64), String> {
    let plot = chart.plotting_area().strip_coord_spec();
    let (plot_w, plot_h) = plot.dim_in_pixel();
    let room = |side: u32| side as i32 - 16;
    let fits = |px: f64| -> Result<bool, String> {
        let x = plot
            .estimate_text_size(&spec.x_desc, &font(px))
            .map_err(msg)?;
        let y = plot
            .estimate_text_size(&spec.y_desc, &font(px))
            .map_err(msg)?;
        Ok(x.0 as i32 <= room(plot_w) && y.0 as i32 <= room(plot_h))
    };
    let floor = MIN_DESC_PX.max(MIN_NOTE_PX / px(1.0));
    let mut size = AXIS_DESC_PX;
    while size > floor && !fits(size)? {
        size -= 0.5;
    }
    let px = size;
    let style = font(px);
    Ok((
        ellipsize(&plot, &spec.x_desc, &style, room(plot_w))?,
        ellipsize(&plot, &spec.y_desc, &style, room(plot_h))?,
        px,
    ))
}

/// The tick marks and labels of a categorical x axis, under the plot.
fn draw_category_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    categories: &CategoryLabels,
) -> Result<(), String> {
    let plot = chart.plotting_area();
    let bottom = plot.get_base_pixel().1 + plot.dim_in_pixel().1 as i32 - area.get_base_pixel().1;
    let level = font(categories.px).pos(Pos::new(HPos::Left, VPos::Top));
    let upright = font(categories.px)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for label in &categories.labels {
        area.draw(&PathElement::new(
            vec![(label.tick, bottom), (label.tick, bottom + 6)],
            AXIS_GREY.stroke_width(1),
        ))
        .map_err(msg)?;
        let text = match categories.placing {
            Placing::Rows { row_h, .. } => {
                let top = bottom + 10 + label.row * row_h;
                if label.row > 0 {
                    // A faint leader down to a label of the second row, between the
                    // first row's labels.
                    area.draw(&PathElement::new(
                        vec![(label.tick, bottom + 8), (label.tick, top - 3)],
                        LEADER_GREY.stroke_width(1),
                    ))
                    .map_err(msg)?;
                }
                Text::new(label.text.clone(), (label.left, top), level.clone())
            }
            Placing::Upright { .. } => Text::new(
                label.text.clone(),
                (label.tick, bottom + 10),
                upright.clone(),
            ),
        };
        area.draw(&text).map_err(msg)?;
    }
    Ok(())
}

const LEADER_GREY: RGBColor = RGBColor(200, 200, 200);
/// Text size of annotations.
const ANNOTATION_PX: f64 = 13.0;

/// Annotations, centred just above their points, in grey.
fn draw_annotations<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<(), String> {
    let (area_x, area_y) = area.get_base_pixel();
    let style = font(ANNOTATION_PX)
        .color(&NOTE_GREY)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    // Left, right and bottom of the notes drawn, to leave out one that would overlap.
    let mut drawn: Vec<(i32, i32, i32)> = Vec::new();
    for note in &spec.annotations {
        if !(note.x.is_finite() && note.y.is_finite()) {
            continue;
        }
        let (x, y) = chart.backend_coord(&(note.x, spec.clamp_y(note.y)));
        let (x, y) = (x - area_x, y - area_y - 10);
        let (w, h) = area.estimate_text_size(&note.text, &style).map_err(msg)?;
        let (w, h) = (w as i32, h as i32);
        let (left, right) = (x - w / 2 - 3, x + w / 2 + 3);
        if drawn
            .iter()
            .any(|&(l, r, b)| left < r && l < right && (b - y).abs() < h)
        {
            continue;
        }
        drawn.push((left, right, y));
        area.draw(&Text::new(note.text.clone(), (x, y), style.clone()))
            .map_err(msg)?;
    }
    Ok(())
}

/// Stacked layers, bottom first.
fn draw_layers<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<(), String> {
    for layer in &spec.layers {
        for run in layer.runs.iter().filter(|r| !r.is_empty()) {
            let mut outline: Vec<(f64, f64)> = run
                .iter()
                .map(|&(x, _, hi)| (x, spec.clamp_y(hi)))
                .collect();
            outline.extend(run.iter().rev().map(|&(x, lo, _)| (x, spec.clamp_y(lo))));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, layer.color.filled())))
                .map_err(msg)?;
        }
    }
    Ok(())
}

/// Confidence bands, under every line; a single point's band is a short wide bar.
fn draw_bands<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<(), String> {
    for series in &spec.series {
        let Some(band) = series.band else { continue };
        for run in &series.runs {
            if run.len() == 1 {
                let p = run[0];
                let style = band.stroke_width(series.width + 4);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(p.x, spec.clamp_y(p.low)), (p.x, spec.clamp_y(p.high))],
                        style,
                    )))
                    .map_err(msg)?;
                continue;
            }
            let mut outline: Vec<(f64, f64)> =
                run.iter().map(|p| (p.x, spec.clamp_y(p.high))).collect();
            outline.extend(run.iter().rev().map(|p| (p.x, spec.clamp_y(p.low))));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, band.filled())))
                .map_err(msg)?;
        }
    }
    Ok(())
}

/// Scenario markers: dashed vertical lines.
fn draw_marker_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    spec: &ChartSpec,
) -> Result<(), String> {
    for (x, _) in &spec.markers {
        let style = ShapeStyle {
            color: MARKER_GREY.to_rgba(),
            filled: false,
            stroke_width: 2,
        };
        chart
            .draw_series(DashedLineSeries::new(
                vec![(*x, 0.0), (*x, spec.y_max)],
                9,
                6,
                style,
            ))
            .map_err(msg)?;
    }
    Ok(())
}

/// Lines, in order (the emphasised "all" line is last, on top), then the error bars
/// and dots of point series. Drawn on the whole chart area rather than the plot,
/// which would clip a line at zero to half width.
fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    spec: &ChartSpec,
    vector: bool,
) -> Result<(), String> {
    let (area_x, area_y) = area.get_base_pixel();
    let to_px = |x: f64, y: f64| {
        let (x, y) = chart.backend_coord(&(x, spec.clamp_y(y)));
        (x - area_x, y - area_y)
    };
    for series in &spec.series {
        for run in &series.runs {
            let points: Vec<(i32, i32)> = run.iter().map(|p| to_px(p.x, p.mean)).collect();
            if series.whiskers && points.len() < 2 {
                continue;
            }
            for piece in dashes(&points, series.dash) {
                stroke(area, piece, series.width, series.color, vector)?;
            }
        }
        if series.whiskers {
            for p in series.runs.iter().flatten() {
                let (x, low) = to_px(p.x, p.low);
                let (_, high) = to_px(p.x, p.high);
                let (_, mean) = to_px(p.x, p.mean);
                draw_error_bar(area, x, (low, high), mean, series.color)?;
            }
        }
    }
    Ok(())
}

/// A polyline: a plain path on vector backends (their renderer joins wide lines
/// well), a [`thick_polyline`] on bitmaps.
fn stroke<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    width: u32,
    color: RGBColor,
    vector: bool,
) -> Result<(), String> {
    if vector && points.len() > 1 {
        let style = color.stroke_width(width);
        area.draw(&PathElement::new(points, style)).map_err(msg)
    } else {
        thick_polyline(area, &points, width, color)
    }
}

/// Half the width of an error bar's caps, and the radius of its dot, in pixels.
const CAP_HALF: i32 = 9;
const DOT_RADIUS: i32 = 6;

/// A vertical bar from `low` to `high` with caps, and a dot at `mean` (area pixels);
/// the dot alone if the bar would hide behind it.
fn draw_error_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: i32,
    (low, high): (i32, i32),
    mean: i32,
    color: RGBColor,
) -> Result<(), String> {
    // A bar no taller than the dot would only show as stubs of its caps beside it.
    if (low - high).abs() > 2 * DOT_RADIUS + 6 {
        thick_polyline(area, &[(x, low), (x, high)], 2, color)?;
        for y in [low, high] {
            thick_polyline(area, &[(x - CAP_HALF, y), (x + CAP_HALF, y)], 2, color)?;
        }
    }
    area.draw(&Circle::new((x, mean), DOT_RADIUS + 2, WHITE.filled()))
        .map_err(msg)?;
    area.draw(&Circle::new((x, mean), DOT_RADIUS, color.filled()))
        .map_err(msg)
}

/// Marker labels above the plot, where they hide nothing.
fn draw_marker_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    labels: &[MarkerLabel],
) -> Result<(), String> {
    let plot_top = chart.plotting_area().get_base_pixel().1 - area.get_base_pixel().1;
    let style = font(MARKER_PX)
        .color(&MARKER_TEXT)
        .pos(Pos::new(HPos::Left, VPos::Top));
    for label in labels {
        area.draw(&Text::new(
            label.text.clone(),
            (label.left, label.top(plot_top)),
            style.clone(),
        ))
        .map_err(msg)?;
    }
    Ok(())
}

/// A polyline `width` pixels wide with round joins and ends, in `area` pixels: one
/// quad per segment and a disc per vertex (plotters' own wide lines spike at sharp
/// turns and at their ends). Colours are opaque, so overlaps do not show.
fn thick_polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    width: u32,
    color: RGBColor,
) -> Result<(), String> {
    if width <= 1 && points.len() > 1 {
        return area
            .draw(&PathElement::new(points.to_vec(), color))
            .map_err(msg);
    }
    let radius = f64::from(width.max(1)) / 2.0;
    let disc = (radius.floor() as i32).max(1);
    for &(x, y) in points {
        area.draw(&Circle::new((x, y), disc, color.filled()))
            .map_err(msg)?;
    }
    for pair in points.windows(2) {
        if let Some(quad) = segment_quad(pair[0], pair[1], radius) {
            area.draw(&Polygon::new(quad, color.filled()))
                .map_err(msg)?;
        }
    }
    Ok(())
}

/// The quad covering the segment `from`–`to` at `radius` either side; `None` if the
/// segment is shorter than half a pixel.
fn segment_quad(
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    radius: f64,
) -> Option<Vec<(i32, i32)>> {
    let (dx, dy) = (f64::from(x1 - x0), f64::from(y1 - y0));
    let length = dx.hypot(dy);
    if length < 0.5 {
        return None;
    }
    let (nx, ny) = (-dy / length * radius, dx / length * radius);
    // Overlap the neighbouring segments by a pixel so that rounding leaves no gaps.
    let (ex, ey) = (dx / length, dy / length);
    let corner = |x: i32, y: i32, side: f64, along: f64| {
        (
            (f64::from(x) + side * nx + along * ex).round() as i32,
            (f64::from(y) + side * ny + along * ey).round() as i32,
        )
    };
    Some(vec![
        corner(x0, y0, 1.0, -1.0),
        corner(x1, y1, 1.0, 1.0),
        corner(x1, y1, -1.0, 1.0),
        corner(x0, y0, -1.0, -1.0),
    ])
}

/// The legend's box with its top left corner at `at`, then every entry.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &LegendLayout<'_>,
    at: (i32, i32),
) -> Result<(), String> {
    if legend.is_empty() {
        return Ok(());
    }
    let (x, y) = at;
    let (w, h) = legend.size();
    area.draw(&Rectangle::new([(x, y), (x + w, y + h)], WHITE.filled()))
        .map_err(msg)?;
    area.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        RGBColor(150, 150, 150).stroke_width(1),
    ))
    .map_err(msg)?;
    let style = font(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
    let heading = heading_font().pos(Pos::new(HPos::Left, VPos::Center));
    for slot in legend.slots(at) {
        let (text_x, style) = match slot.entry.swatch {
            Swatch::Heading => (slot.swatch_x.0, &heading),
            _ => (slot.text_x, &style),
        };
        draw_swatch(area, &slot.entry.swatch, slot.swatch_x, slot.y)?;
        area.draw(&Text::new(
            slot.entry.label.clone(),
            (text_x, slot.y),
            style.clone(),
        ))
        .map_err(msg)?;
    }
    Ok(())
}

/// A legend swatch from `x0` to `x1`, centred on `cy`.
fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    (x0, x1): (i32, i32),
    cy: i32,
) -> Result<(), String> {
    let rect = [(x0, cy - 8), (x1, cy + 8)];
    match *swatch {
        Swatch::Line {
            color,
            width,
            band,
            dash,
        } => {
            if let Some(band) = band {
                area.draw(&Rectangle::new(rect, band.filled()))
                    .map_err(msg)?;
            }
            for piece in dashes(&[(x0, cy), (x1, cy)], dash) {
                let line = PathElement::new(piece, color.stroke_width(width));
                area.draw(&line).map_err(msg)?;
            }
            Ok(())
        }
        Swatch::Area(color) => {
            area.draw(&Rectangle::new(rect, color.filled()))
                .map_err(msg)?;
            let border = RGBColor(120, 120, 120).stroke_width(1);
            area.draw(&Rectangle::new(rect, border)).map_err(msg)
        }
        Swatch::Heading => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::in_two_lines;

    #[test]
    fn a_long_note_splits_at_the_clause_nearest_its_middle() {
        assert_eq!(
            in_two_lines("mean of 2 replicas; gaps: bins without data; one line per point"),
            [
                "mean of 2 replicas; gaps: bins without data;",
                "one line per point"
            ]
        );
        assert_eq!(in_two_lines("no clauses here"), ["no clauses", "here"]);
        assert_eq!(in_two_lines("word"), ["word"]);
    }
}
