//! The canvas size of charts (`--chart-width`, `--chart-height`, `--chart-scale`) and
//! how their text scales with it.

/// Size every chart of a run: width and height of the canvas, in pixels.
///
/// The default is 1280 × 720. Text scales with the canvas, but less than it when the
/// chart is smaller (by the square root of the scale), so that subtitles and axis
/// labels stay readable at half size; see [`ChartSize::text_scale`].
///
/// ```
/// use s3sim_report::charts::ChartSize;
/// assert_eq!(ChartSize::default().pixels(), (1280, 720));
/// assert_eq!(ChartSize::scaled(0.5).unwrap().pixels(), (640, 360));
/// assert_eq!(ChartSize::new(1920, 1080).unwrap().text_scale(), 1.5);
/// let err = ChartSize::new(50, 720).unwrap_err();
/// assert!(err.contains("--chart-width 50"), "{err}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartSize {
    width: u32,
    height: u32,
}

/// The default canvas, in pixels: what the text sizes of `style` are set for.
const DEFAULT: (u32, u32) = (1280, 720);

impl Default for ChartSize {
    fn default() -> Self {
        ChartSize {
            width: DEFAULT.0,
            height: DEFAULT.1,
        }
    }
}

impl ChartSize {
    /// The smallest canvas, (width, height): below it titles, legends and marker
    /// labels leave no room for the plot.
    pub const MIN: (u32, u32) = (480, 270);
    /// The largest canvas, (width, height): 8K; a larger PNG takes hundreds of
    /// megabytes to draw.
    pub const MAX: (u32, u32) = (7680, 4320);

    /// A canvas of `width` × `height` pixels.
    ///
    /// # Errors
    ///
    /// A message naming the option (`--chart-width`, `--chart-height`) and the range
    /// to write instead when either side is outside [`ChartSize::MIN`]..=[`ChartSize::MAX`].
    pub fn new(width: u32, height: u32) -> Result<ChartSize, String> {
        let side = |name: &str, value: u32, min: u32, max: u32| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "--{name} {value}: a chart is {min} to {max} pixels {}; the default is {}",
                    if name == "chart-width" {
                        "wide"
                    } else {
                        "high"
                    },
                    if name == "chart-width" {
                        DEFAULT.0
                    } else {
                        DEFAULT.1
                    },
                ))
            }
        };
        side("chart-width", width, Self::MIN.0, Self::MAX.0)?;
        side("chart-height", height, Self::MIN.1, Self::MAX.1)?;
        Ok(ChartSize { width, height })
    }

    /// The default canvas times `scale` (both sides, rounded to pixels).
    ///
    /// # Errors
    ///
    /// A message naming `--chart-scale` and its range when `scale` is not a number or
    /// gives a side outside [`ChartSize::MIN`]..=[`ChartSize::MAX`].
    pub fn scaled(scale: f64) -> Result<ChartSize, String> {
        let (low, high) = (
            f64::from(Self::MIN.0) / f64::from(DEFAULT.0),
            f64::from(Self::MAX.0) / f64::from(DEFAULT.0),
        );
        if !(low..=high).contains(&scale) {
            return Err(format!(
                "--chart-scale {scale}: write a scale from {low} to {high} (1 is {} × {} pixels)",
                DEFAULT.0, DEFAULT.1
            ));
        }
        let side = |d: u32| (f64::from(d) * scale).round() as u32;
        ChartSize::new(side(DEFAULT.0), side(DEFAULT.1))
    }

    /// Width and height, in pixels.
    pub fn pixels(self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// How many times its default size text is drawn: the canvas's scale `k` (the
    /// smaller of width and height relative to the default) when it is at least 1, and
    /// `√k` below, so that text shrinks less than the chart (at half size, to 71 %).
    pub fn text_scale(self) -> f64 {
        let k = (f64::from(self.width) / f64::from(DEFAULT.0))
            .min(f64::from(self.height) / f64::from(DEFAULT.1));
        if k >= 1.0 { k } else { k.sqrt() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_outside_the_range_are_refused_with_the_range() {
        assert_eq!(ChartSize::new(480, 270).unwrap().pixels(), (480, 270));
        assert_eq!(ChartSize::new(7680, 4320).unwrap().pixels(), (7680, 4320));
        let err = ChartSize::new(1280, 100_000).unwrap_err();
        assert_eq!(
            err,
            "--chart-height 100000: a chart is 270 to 4320 pixels high; the default is 720"
        );
        let err = ChartSize::new(0, 720).unwrap_err();
        assert!(
            err.starts_with("--chart-width 0: a chart is 480 to 7680 pixels wide"),
            "{err}"
        );
        for bad in [0.0, -1.0, 0.3, 6.5, f64::NAN, f64::INFINITY] {
            let err = ChartSize::scaled(bad).unwrap_err();
            assert!(
                err.contains("write a scale from 0.375 to 6"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn text_shrinks_less_than_a_smaller_chart() {
        let half = ChartSize::scaled(0.5).unwrap();
        assert!((half.text_scale() - 0.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(ChartSize::scaled(2.0).unwrap().text_scale(), 2.0);
        // A wide, short chart scales text by its height.
        assert_eq!(ChartSize::new(2560, 720).unwrap().text_scale(), 1.0);
    }
}
