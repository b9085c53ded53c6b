//! Correct text for bitmap images. plotters 0.3.7 places each glyph at the pen position
//! without its left side bearing, so PNG text shows gaps inside words ("Lin ux"). These
//! functions lay text out with ab_glyph and draw it pixel by pixel; [`super::text`] uses
//! them for PNGs.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::sync::OnceLock;

fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT).ok())
        .as_ref()
}

/// Coverage pixels of `text` at `size` px, relative to its top-left corner, and its size.
fn layout(text: &str, size: f32) -> (Vec<(i32, i32, f32)>, i32, i32) {
    let Some(font) = font() else {
        return (Vec::new(), 0, 0);
    };
    let scaled = font.as_scaled(PxScale::from(size));
    let ascent = scaled.ascent();
    let mut pixels = Vec::new();
    let mut x = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(PxScale::from(size), point(x, ascent));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                pixels.push((
                    bounds.min.x as i32 + gx as i32,
                    bounds.min.y as i32 + gy as i32,
                    coverage,
                ));
            });
        }
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    (
        pixels,
        x.ceil() as i32,
        (ascent - scaled.descent()).ceil() as i32,
    )
}

/// The size `text` takes at `style`'s size.
pub fn text_size<TStyle: BackendTextStyle>(text: &str, style: &TStyle) -> (u32, u32) {
    let (_, w, h) = layout(text, style.size() as f32);
    (w.max(0) as u32, h.max(0) as u32)
}

/// Draws `text` at `pos` onto `backend`, pixel by pixel.
pub fn draw_text<DB: DrawingBackend, TStyle: BackendTextStyle>(
    backend: &mut DB,
    text: &str,
    style: &TStyle,
    pos: BackendCoord,
) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
    let color = style.color();
    if color.alpha == 0.0 {
        return Ok(());
    }
    let (pixels, width, height) = layout(text, style.size() as f32);
    let anchor = style.anchor();
    let dx = match anchor.h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match anchor.v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    let transform = style.transform();
    let (w, h) = backend.get_size();
    for (x, y, coverage) in pixels {
        let (x, y) = transform.transform(x + dx, y + dy);
        let (x, y) = (pos.0 + x, pos.1 + y);
        if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 && coverage > 0.0 {
            let shade = BackendColor {
                alpha: color.alpha * f64::from(coverage.min(1.0)),
                rgb: color.rgb,
            };
            backend.draw_pixel((x, y), shade)?;
        }
    }
    Ok(())
}
