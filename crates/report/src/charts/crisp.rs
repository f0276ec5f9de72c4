//! A bitmap backend that draws text at exact glyph positions (see [`CrispText`]).

use ab_glyph::{Font, FontRef, Glyph, OutlinedGlyph, PxScale, ScaleFont};
use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform,
};
use std::sync::OnceLock;

/// The embedded faces, parsed once: regular and bold.
fn faces() -> Result<&'static (FontRef<'static>, FontRef<'static>), String> {
    static FACES: OnceLock<Result<(FontRef<'static>, FontRef<'static>), String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let parse = |bytes: &'static [u8]| {
                FontRef::try_from_slice(bytes)
                    .map_err(|_| "the embedded DejaVu Sans font cannot be parsed".to_string())
            };
            Ok((
                parse(dejavu::sans::regular())?,
                parse(dejavu::sans::bold())?,
            ))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A bitmap backend that rasterises text itself.
///
/// plotters' ab_glyph path places each glyph at a truncated pen position and drops its
/// side bearing, so at tick-label sizes digits sit unevenly ("0.05 0"). This wrapper
/// draws glyphs at their exact (subpixel) positions with coverage-based alpha, and
/// measures text the same way plotters does (advances plus kerning; height
/// `size / 1.24`), so layouts are unchanged. Everything else goes to the bitmap.
pub(crate) struct CrispText<'a> {
    inner: BitMapBackend<'a>,
    regular: &'static FontRef<'static>,
    bold: &'static FontRef<'static>,
}

impl<'a> CrispText<'a> {
    pub(crate) fn new(inner: BitMapBackend<'a>) -> Result<Self, String> {
        let (regular, bold) = faces()?;
        Ok(CrispText {
            inner,
            regular,
            bold,
        })
    }

    fn face(&self, style: FontStyle) -> &'static FontRef<'static> {
        match style {
            FontStyle::Bold => self.bold,
            _ => self.regular,
        }
    }
}

/// Glyphs of `text` at pen positions on a baseline at y = 0, and the advance width.
fn layout_line(face: &FontRef<'static>, size: f32, text: &str) -> (Vec<Glyph>, f32) {
    let scaled = face.as_scaled(PxScale::from(size));
    let mut glyphs = Vec::with_capacity(text.len());
    let mut pen = 0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            pen += scaled.kern(previous, id);
        }
        glyphs.push(id.with_scale_and_position(size, ab_glyph::point(pen, 0.0)));
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, pen)
}

/// The height plotters' ab_glyph layout gives a line of text.
fn line_height(size: f64) -> f64 {
    size / 1.24
}

/// Where the pen starts, relative to the text's anchor point, for a line `width` wide:
/// the x offset and the baseline.
fn pen_origin(face: &FontRef<'static>, size: f64, width: f32, anchor: Pos) -> (f32, f32) {
    let height = line_height(size) as f32;
    let size = size as f32;
    let dx = match anchor.h_pos {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    };
    let top = match anchor.v_pos {
        VPos::Top => 0.0,
        VPos::Center => -height / 2.0,
        VPos::Bottom => -height,
    };
    // Centre the capitals in the layout box: baseline = middle + cap height / 2.
    let cap = face
        .outline_glyph(face.as_scaled(PxScale::from(size)).scaled_glyph('H'))
        .map_or(size * 0.6, |h| -h.px_bounds().min.y);
    (dx, top + (height + cap) / 2.0)
}

impl CrispText<'_> {
    /// Blend a glyph into the bitmap at `pos` (through the text's `transform`), each
    /// pixel with `color` at the glyph's coverage; pixels off the canvas are skipped.
    fn blend(
        &mut self,
        outline: &OutlinedGlyph,
        pos: BackendCoord,
        transform: &FontTransform,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<<BitMapBackend<'_> as DrawingBackend>::ErrorType>> {
        let (w, h) = self.inner.get_size();
        let bounds = outline.px_bounds();
        let inner = &mut self.inner;
        let mut result = Ok(());
        outline.draw(|x, y, coverage| {
            if coverage <= 0.0 || result.is_err() {
                return;
            }
            let gx = bounds.min.x as i32 + x as i32;
            let gy = bounds.min.y as i32 + y as i32;
            let (rx, ry) = transform.transform(gx, gy);
            let (px, py) = (pos.0 + rx, pos.1 + ry);
            if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                let alpha = color.alpha * f64::from(coverage.min(1.0));
                result = inner.draw_pixel(
                    (px, py),
                    BackendColor {
                        alpha,
                        rgb: color.rgb,
                    },
                );
            }
        });
        result
    }
}

impl<'a> DrawingBackend for CrispText<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let (_, width) = layout_line(self.face(style.style()), style.size() as f32, text);
        Ok((
            width.max(0.0).ceil() as u32,
            line_height(style.size()) as u32,
        ))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha <= 0.0 {
            return Ok(());
        }
        let face = self.face(style.style());
        let (glyphs, width) = layout_line(face, style.size() as f32, text);
        let (dx, baseline) = pen_origin(face, style.size(), width, style.anchor());
        let transform = style.transform();
        for mut glyph in glyphs {
            glyph.position.x += dx;
            glyph.position.y += baseline;
            let Some(outline) = face.outline_glyph(glyph) else {
                continue;
            };
            self.blend(&outline, pos, &transform, color)
                .map_err(|_| DrawingErrorKind::FontError("text drawing failed".into()))?;
        }
        Ok(())
    }
}
