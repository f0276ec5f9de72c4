//! The colours shared by several charts: the all-clients black, class colours, a ramp.
//!
//! One palette keeps a class the same colour on every chart of a run.

use plotters::prelude::*;

/// The colour of the emphasised all-clients line.
pub(crate) const ALL_BLACK: RGBColor = RGBColor(20, 20, 20);

/// Class colours (Tableau 10 without its grey), cycled; shared by every per-class chart.
const CLASS_COLORS: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The colour of client class `group` (groups count from 1; 0 is all clients).
pub(crate) fn class_color(group: usize) -> RGBColor {
    CLASS_COLORS[group.saturating_sub(1) % CLASS_COLORS.len()]
}

/// Dash patterns of class lines (on, off, … in pixels), cycled with the colours but
/// at a different period, so that no two of the first 18 classes look alike and lines
/// that coincide (say, several classes at zero) still show each other's gaps.
const CLASS_DASHES: [&[u32]; 6] = [
    &[],
    &[16, 7],
    &[4, 6],
    &[18, 6, 4, 6],
    &[9, 9],
    &[18, 5, 4, 5, 4, 5],
];

/// The dash pattern of client class `group` (groups count from 1; 0 is all clients,
/// solid).
pub(crate) fn class_dash(group: usize) -> &'static [u32] {
    if group == 0 {
        return &[];
    }
    CLASS_DASHES[(group - 1) % CLASS_DASHES.len()]
}

/// Viridis from dark purple to green (its light yellow end is too faint on white).
const RAMP: [(f64, (f64, f64, f64)); 5] = [
    (0.0, (68.0, 1.0, 84.0)),
    (0.25, (59.0, 82.0, 139.0)),
    (0.5, (33.0, 145.0, 140.0)),
    (0.75, (94.0, 201.0, 98.0)),
    (1.0, (253.0, 231.0, 37.0)),
];
/// Where on the ramp the last point sits (1 would be its faint end).
const RAMP_END: f64 = 0.8;

/// The colour of point `k` of `n`: first dark, last light; one point gets the middle.
pub(crate) fn ramp(k: usize, n: usize) -> RGBColor {
    let t = if n <= 1 {
        0.4
    } else {
        k.min(n - 1) as f64 / (n - 1) as f64 * RAMP_END
    };
    let upper = RAMP
        .iter()
        .position(|&(s, _)| s >= t)
        .unwrap_or(RAMP.len() - 1)
        .max(1);
    let (s0, (r0, g0, b0)) = RAMP[upper - 1];
    let (s1, (r1, g1, b1)) = RAMP[upper];
    let f = ((t - s0) / (s1 - s0)).clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + f * (b - a)).round().clamp(0.0, 255.0) as u8;
    RGBColor(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_runs_dark_to_light() {
        let luma = |RGBColor(r, g, b): RGBColor| 0.3 * r as f64 + 0.59 * g as f64 + 0.11 * b as f64;
        let colours: Vec<RGBColor> = (0..6).map(|k| ramp(k, 6)).collect();
        assert_eq!(colours[0], RGBColor(68, 1, 84));
        assert!(colours.windows(2).all(|w| luma(w[0]) < luma(w[1])));
        let _ = ramp(0, 1);
        let _ = ramp(5, 0);
    }

    #[test]
    fn the_first_eighteen_classes_differ_in_colour_or_dash() {
        let looks: Vec<(RGBColor, &[u32])> =
            (1..=18).map(|g| (class_color(g), class_dash(g))).collect();
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[i + 1..] {
                assert!(a != b, "two classes look alike: {a:?}");
            }
        }
        assert!(class_dash(0).is_empty() && class_dash(1).is_empty());
        assert!(CLASS_DASHES.iter().all(|d| d.len() & 1 == 0));
    }
}
