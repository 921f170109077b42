//! Printed documents. A [`Sheet`] says everything a quote or an order prints, already written
//! in its reader's language; [`render`] lays it out on A4 pages (lines wrapped, the table
//! carried over to the next page with its header, every page footed with the seller's
//! registration and its number) and writes it as PDF with the fonts embedded, so the text
//! reads, searches and copies as written.

mod fonts;
mod layout;
mod sheet;

pub use sheet::{Row, Sheet, Total};

use fonts::Fonts;
use krilla::Data;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::geom::{Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use layout::{Op, PAGE_HEIGHT, PAGE_WIDTH};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the PDF could not be written: {0}")]
    Write(String),
    #[error("the image does not read: {0}")]
    Image(String),
}

/// The size in pixels of a logo, PNG or JPEG; an error for anything else, or an image that
/// does not read.
pub fn logo_size(bytes: &[u8]) -> Result<(u32, u32), PdfError> {
    Ok(logo(bytes)?.size())
}

fn logo(bytes: &[u8]) -> Result<Image, PdfError> {
    let data = Data::from(bytes.to_vec());
    let image = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Image::from_png(data, true)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Image::from_jpeg(data, true)
    } else {
        Err("neither PNG nor JPEG".to_owned())
    };
    image.map_err(PdfError::Image)
}

/// The sheet as a PDF document.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    // A logo that does not read costs the logo, never the document.
    let logo = sheet.logo.as_deref().and_then(|bytes| logo(bytes).ok());
    let pages = layout::lay_out(sheet, &fonts, logo.as_ref().map(Image::size));
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", sheet.title, sheet.number))
            .language(sheet.language.clone())
            .creator("Comptoir".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("A4 is a valid page size".to_owned()))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, logo.as_ref(), op);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, logo: Option<&Image>, op: Op) {
    match op {
        Op::Logo { x, y, width, height } => {
            if let (Some(image), Some(size)) = (logo, Size::from_wh(width, height)) {
                surface.push_transform(&Transform::from_translate(x, y));
                surface.draw_image(image.clone(), size);
                surface.pop();
            }
        }
        Op::Text { x, y, size, bold, grey, text } => {
            let colour = if grey { rgb::Color::new(96, 96, 96) } else { rgb::Color::black() };
            surface.set_fill(Some(Fill { paint: colour.into(), ..Fill::default() }));
            let font = if bold { fonts.bold.clone() } else { fonts.regular.clone() };
            surface.draw_text(Point::from_xy(x, y), font, size, &text, false, TextDirection::LeftToRight);
        }
        Op::Rule { x, y, width, weight } => {
            let mut path = PathBuilder::new();
            path.move_to(x, y);
            path.line_to(x + width, y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(160, 160, 160).into(),
                    width: weight,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Shade { x, y, width, height } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(x, y, width, height) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.set_fill(Some(Fill {
                    paint: rgb::Color::new(238, 240, 243).into(),
                    opacity: NormalizedF32::ONE,
                    ..Fill::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}
