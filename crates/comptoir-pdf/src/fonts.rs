//! The two faces documents are set in, and how wide a text is in them.

use crate::PdfError;
use krilla::text::Font;

pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
    regular_face: rustybuzz::Face<'static>,
    bold_face: rustybuzz::Face<'static>,
}

impl Fonts {
    pub fn load() -> Result<Self, PdfError> {
        let unreadable = || PdfError::Write("the embedded font could not be read".to_owned());
        let (regular, bold) = (dejavu::sans::regular(), dejavu::sans::bold());
        Ok(Fonts {
            regular: Font::new(regular.into(), 0).ok_or_else(unreadable)?,
            bold: Font::new(bold.into(), 0).ok_or_else(unreadable)?,
            regular_face: rustybuzz::Face::from_slice(regular, 0).ok_or_else(unreadable)?,
            bold_face: rustybuzz::Face::from_slice(bold, 0).ok_or_else(unreadable)?,
        })
    }

    /// How wide `text` is at `size` points, shaped as it will be drawn.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold_face } else { &self.regular_face };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / face.units_per_em() as f32
    }
}
