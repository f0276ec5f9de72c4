//! Draw a sequence diagram (lifelines and labelled arrows), the picture of one
//! request's path that `s3sim trace` writes as `trace.svg`.

use super::style::{FONT, TEXT, register_fonts};
use super::{ChartError, msg};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Describe one arrow of a sequence diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct SequenceArrow {
    /// The lifeline it leaves (index into [`Sequence::lifelines`]).
    pub from: usize,
    /// The lifeline it reaches.
    pub to: usize,
    /// What it carries: the name asked, the IP or the status.
    pub label: String,
    /// When, as text (drawn before the label).
    pub time: String,
}

/// Describe a sequence diagram: a title, lifelines left to right, arrows top down.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// The title.
    pub title: String,
    /// The lifelines' names, left to right.
    pub lifelines: Vec<String>,
    /// The arrows, in time order.
    pub arrows: Vec<SequenceArrow>,
}

/// Width of one lifeline's column and height of one arrow's row, in pixels.
const COLUMN: i32 = 230;
const ROW: i32 = 46;
const TOP: i32 = 110;

/// Draw `sequence` as an SVG document.
///
/// # Errors
///
/// [`ChartError`] when the fonts cannot be loaded or drawing fails.
pub fn sequence_svg(sequence: &Sequence) -> Result<String, ChartError> {
    let fail = |message: String| ChartError {
        file: "trace.svg".into(),
        message,
    };
    register_fonts().map_err(fail)?;
    let width = (COLUMN * sequence.lifelines.len() as i32 + 140).max(900) as u32;
    let height = (TOP + ROW * (sequence.arrows.len() as i32 + 1) + 40) as u32;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
        draw(&root, sequence).map_err(fail)?;
        root.present().map_err(|e| fail(msg(e)))?;
    }
    Ok(text)
}

/// The x of lifeline `i`.
fn x_of(i: usize) -> i32 {
    110 + COLUMN / 2 + COLUMN * i as i32
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    sequence: &Sequence,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(msg)?;
    let (_, height) = root.dim_in_pixel();
    let bottom = height as i32 - 20;
    let title = (FONT, 24.0).into_font().color(&TEXT);
    root.draw(&Text::new(sequence.title.clone(), (30, 18), title))
        .map_err(msg)?;
    let head = (FONT, 17.0)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Center, VPos::Center));
    for (i, name) in sequence.lifelines.iter().enumerate() {
        let x = x_of(i);
        root.draw(&Rectangle::new(
            [(x - COLUMN / 2 + 12, 60), (x + COLUMN / 2 - 12, 92)],
            RGBColor(235, 240, 248).filled(),
        ))
        .map_err(msg)?;
        root.draw(&Rectangle::new(
            [(x - COLUMN / 2 + 12, 60), (x + COLUMN / 2 - 12, 92)],
            RGBColor(90, 100, 120).stroke_width(1),
        ))
        .map_err(msg)?;
        root.draw(&Text::new(name.clone(), (x, 76), head.clone()))
            .map_err(msg)?;
        root.draw(&PathElement::new(
            vec![(x, 92), (x, bottom)],
            RGBColor(160, 160, 160).stroke_width(1),
        ))
        .map_err(msg)?;
    }
    let label = (FONT, 14.0)
        .into_font()
        .color(&TEXT)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    let time = (FONT, 12.0)
        .into_font()
        .color(&RGBColor(90, 90, 90))
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (k, arrow) in sequence.arrows.iter().enumerate() {
        let y = TOP + ROW * (k as i32 + 1);
        let (a, b) = (x_of(arrow.from), x_of(arrow.to));
        let colour = if arrow.from < arrow.to {
            RGBColor(30, 80, 160)
        } else {
            RGBColor(190, 80, 20)
        };
        root.draw(&PathElement::new(
            vec![(a, y), (b, y)],
            colour.stroke_width(2),
        ))
        .map_err(msg)?;
        let dir = if b > a { -1 } else { 1 };
        root.draw(&Polygon::new(
            vec![(b, y), (b + dir * 10, y - 5), (b + dir * 10, y + 5)],
            colour.filled(),
        ))
        .map_err(msg)?;
        root.draw(&Text::new(
            arrow.label.clone(),
            ((a + b) / 2, y - 4),
            label.clone(),
        ))
        .map_err(msg)?;
        root.draw(&Text::new(arrow.time.clone(), (4, y), time.clone()))
            .map_err(msg)?;
    }
    Ok(())
}
