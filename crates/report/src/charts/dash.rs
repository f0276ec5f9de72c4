//! Split a polyline into the dashes of a pattern, for dashed lines of any width.
//!
//! plotters draws dashed lines only one straight segment at a time and only thin, so
//! a dashed class line (a step line of hundreds of segments) is split here into its
//! visible pieces, each then drawn as an ordinary (thick) polyline. The pattern runs
//! on along the whole path, across corners, as a pen would draw it.

/// The visible pieces of `points` drawn with `pattern` (on, off, on, off, … lengths
/// in pixels, an even count); the whole polyline when the pattern is empty.
pub(crate) fn dashes(points: &[(i32, i32)], pattern: &[u32]) -> Vec<Vec<(i32, i32)>> {
    if pattern.is_empty() || pattern.iter().all(|&p| p == 0) {
        return vec![points.to_vec()];
    }
    let mut pen = Pen::new(pattern);
    if let Some(&first) = points.first() {
        pen.start(to_f64(first));
    }
    for pair in points.windows(2) {
        pen.segment(to_f64(pair[0]), to_f64(pair[1]));
    }
    pen.finish()
}

fn to_f64((x, y): (i32, i32)) -> (f64, f64) {
    (f64::from(x), f64::from(y))
}

/// Walks the path, switching between drawing and lifting at the pattern's lengths.
struct Pen<'p> {
    pattern: &'p [u32],
    /// The pattern element in force: even ones draw, odd ones lift.
    element: usize,
    /// What is left of the element in force, in pixels.
    left: f64,
    current: Vec<(i32, i32)>,
    pieces: Vec<Vec<(i32, i32)>>,
}

impl<'p> Pen<'p> {
    fn new(pattern: &'p [u32]) -> Pen<'p> {
        Pen {
            pattern,
            element: 0,
            left: f64::from(pattern[0]),
            current: Vec::new(),
            pieces: Vec::new(),
        }
    }

    fn drawing(&self) -> bool {
        self.element & 1 == 0
    }

    fn start(&mut self, at: (f64, f64)) {
        if self.drawing() {
            self.current.push(round(at));
        }
    }

    /// Walk from `a` to `b`, ending and starting pieces where the pattern switches.
    fn segment(&mut self, a: (f64, f64), b: (f64, f64)) {
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        let mut walked = 0.0;
        while length - walked > self.left {
            walked += self.left;
            let t = walked / length;
            let at = round((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
            if self.drawing() {
                self.current.push(at);
                self.pieces.push(std::mem::take(&mut self.current));
            } else {
                self.current = vec![at];
            }
            self.element = (self.element + 1) % self.pattern.len();
            self.left = f64::from(self.pattern[self.element]);
        }
        self.left -= length - walked;
        if self.drawing() {
            self.current.push(round(b));
        }
    }

    fn finish(mut self) -> Vec<Vec<(i32, i32)>> {
        if self.drawing() && self.current.len() > 1 {
            self.pieces.push(self.current);
        }
        self.pieces
    }
}

fn round((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_splits_into_equal_dashes() {
        let pieces = dashes(&[(0, 0), (100, 0)], &[10, 5]);
        let expected: Vec<Vec<(i32, i32)>> = (0..7)
            .map(|k| vec![(15 * k, 0), (15 * k + 10, 0)])
            .collect();
        assert_eq!(pieces, expected);
    }

    #[test]
    fn the_pattern_runs_on_around_corners() {
        // 6 px right, then down: the first dash (10 px) bends round the corner.
        let pieces = dashes(&[(0, 0), (6, 0), (6, 20)], &[10, 5]);
        assert_eq!(pieces[0], vec![(0, 0), (6, 0), (6, 4)]);
        assert_eq!(pieces[1], vec![(6, 9), (6, 19)]);
        assert_eq!(pieces.len(), 2);
    }

    #[test]
    fn an_empty_pattern_keeps_the_line_whole() {
        let line = vec![(0, 0), (5, 5), (9, 1)];
        assert_eq!(dashes(&line, &[]), vec![line]);
    }
}
