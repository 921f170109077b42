//! What an import reads: a delimited file as it is, or an address book's vCards (2.1, 3.0 or
//! 4.0, as phones, Google, Apple and Outlook export them) turned into rows of the same shape,
//! one card a row, so both go through one import: its dry run, its checks, its undo.

use crate::FileError;
use crate::text::{SAMPLE_BYTES, encoding_of};
use calcard::vcard::{VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardType};
use calcard::{Entry, Parser};
use encoding_rs::UTF_8;
use std::io::{Chain, Cursor, Read};

/// The largest address book read: a card file is parsed whole (photos and all).
pub const MAX_CARD_FILE: u64 = 256 * 1024 * 1024;

/// The columns a card becomes, named as the mapping recognises them.
const COLUMNS: [&str; 18] = [
    "first_name",
    "last_name",
    "full_name",
    "email",
    "work email",
    "home email",
    "phone",
    "mobile phone",
    "work phone",
    "home phone",
    "job_title",
    "company",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "tags",
];

/// An import's input: the file's own bytes, or its cards as CSV.
pub enum Source<R> {
    Delimited(Chain<Cursor<Vec<u8>>, R>),
    Cards(Cursor<Vec<u8>>),
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Delimited(input) => input.read(buffer),
            Source::Cards(rows) => rows.read(buffer),
        }
    }
}

impl<R: Read> Source<R> {
    /// Looks at the start of `input`: an address book is read whole and turned into rows,
    /// anything else is passed on as it is.
    pub fn open(mut input: R) -> Result<Self, FileError> {
        let mut sample = Vec::with_capacity(SAMPLE_BYTES);
        (&mut input).take(SAMPLE_BYTES as u64).read_to_end(&mut sample)?;
        if !is_vcard(&sample) {
            return Ok(Source::Delimited(Cursor::new(sample).chain(input)));
        }
        let mut bytes = sample;
        input.take(MAX_CARD_FILE + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_CARD_FILE {
            return Err(FileError::TooLarge(MAX_CARD_FILE / (1024 * 1024)));
        }
        // Read whole, so the whole settles its encoding: an accent on the last card counts.
        let text = encoding_of(&bytes)?.unwrap_or(UTF_8).decode(&bytes).0.into_owned();
        drop(bytes);
        Ok(Source::Cards(Cursor::new(rows_of(&text)?)))
    }

    pub fn is_cards(&self) -> bool {
        matches!(self, Source::Cards(_))
    }
}

/// Whether a file starts, past a byte-order mark and blank lines, with a card.
fn is_vcard(sample: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&sample[..sample.len().min(256)]);
    text.trim_start_matches('\u{feff}').trim_start().to_ascii_uppercase().starts_with("BEGIN:VCARD")
}

/// Every card of `text` as a CSV row under [`COLUMNS`].
fn rows_of(text: &str) -> Result<Vec<u8>, FileError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        out.write_record(row).map_err(|e| FileError::Malformed { line: 0, message: e.to_string() })
    };
    write(&mut out, &COLUMNS.map(str::to_owned))?;
    let mut parser = Parser::new(text);
    let mut cards = 0u64;
    loop {
        match parser.entry() {
            // A card of nothing (or of a version alone) is no one.
            Entry::VCard(card) if card.entries.iter().any(|e| e.name != VCardProperty::Version) => {
                cards += 1;
                write(&mut out, &row(&card))?;
            }
            Entry::Eof => break,
            // A line a card cannot hold, or a stray calendar: the cards around it still count.
            _ => {}
        }
    }
    if cards == 0 {
        return Err(FileError::Empty);
    }
    out.into_inner().map_err(|e| FileError::Io(e.into_error()))
}

/// A card's values in [`COLUMNS`]' order.
fn row(card: &VCard) -> Vec<String> {
    let mut row = vec![String::new(); COLUMNS.len()];
    let mut set = |column: &str, value: String| {
        if let Some(at) = COLUMNS.iter().position(|c| *c == column)
            && row[at].is_empty()
        {
            row[at] = value;
        }
    };
    let mut emails: [Vec<String>; 3] = Default::default();
    let mut untyped_phones = Vec::new();
    let mut tags = Vec::new();
    for entry in &card.entries {
        let parts = texts(entry);
        let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
        match entry.name {
            VCardProperty::N => {
                set("last_name", part(0));
                set("first_name", [part(1), part(2)].join(" ").trim().to_owned());
            }
            VCardProperty::Fn => set("full_name", part(0)),
            VCardProperty::Email => {
                let slot = if typed(entry, VCardType::Work) {
                    1
                } else if typed(entry, VCardType::Home) {
                    2
                } else {
                    0
                };
                emails[slot].push(part(0));
            }
            VCardProperty::Tel => {
                let number = part(0).trim_start_matches("tel:").to_owned();
                if typed(entry, VCardType::Cell) {
                    set("mobile phone", number);
                } else if typed(entry, VCardType::Fax) {
                } else if typed(entry, VCardType::Work) {
                    set("work phone", number);
                } else if typed(entry, VCardType::Home) {
                    set("home phone", number);
                } else {
                    untyped_phones.push(number);
                }
            }
            VCardProperty::Org => set("company", part(0)),
            VCardProperty::Title => set("job_title", part(0)),
            VCardProperty::Adr => {
                set(
                    "street",
                    [part(2), part(1)]
                        .iter()
                        .filter(|p| !p.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                set("city", part(3));
                set("region", part(4));
                set("postal_code", part(5));
                set("country", part(6));
            }
            VCardProperty::Categories => tags.extend(parts.iter().filter(|t| !t.is_empty()).cloned()),
            _ => {}
        }
    }
    for (column, addresses) in ["email", "work email", "home email"].into_iter().zip(emails) {
        set(column, addresses.join(", "));
    }
    if let Some(number) = untyped_phones.into_iter().next() {
        set("phone", number);
    }
    set("tags", tags.join(", "));
    row
}

/// An entry's values as text, components of a structured value in order.
fn texts(entry: &VCardEntry) -> Vec<String> {
    entry.values.iter().map(|value| value.as_text().unwrap_or_default().trim().to_owned()).collect()
}

/// Whether an entry carries `TYPE=kind` (or, in vCard 2.1, the bare type).
fn typed(entry: &VCardEntry, kind: VCardType) -> bool {
    entry
        .params
        .iter()
        .any(|p| p.name == VCardParameterName::Type && p.value == VCardParameterValue::Type(kind.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Table;

    fn table(file: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let source = Source::open(file).expect("a readable file");
        assert!(source.is_cards());
        let mut table = Table::open(source).expect("rows");
        let header = table.header().to_vec();
        let rows = table.next_batch(100).expect("a batch").into_iter().map(|r| r.cells).collect();
        (header, rows)
    }

    fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
        header.iter().position(|h| h == column).map_or("", |i| row[i].as_str())
    }

    #[test]
    fn cards_of_every_version_become_rows() {
        let file = "\u{feff}BEGIN:VCARD\r\nVERSION:2.1\r\n\
            N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Lef=C3=A8vre;H=C3=A9l=C3=A8ne;;;\r\n\
            TEL;CELL:06 12 34 56 78\r\nTEL;WORK;VOICE:04 78 00 00 00\r\nEMAIL;INTERNET:helene@exemple.fr\r\n\
            ADR;HOME:;;12 rue de la Paix;Lyon;;69003;France\r\nORG:Crème & Cie;Ventes\r\n\
            PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n AAAA\r\n\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont\r\nN:Dupont;Jean;;;\r\nEMAIL;TYPE=INTERNET,WORK:\r\n jean@exemple.fr\r\n\
            CATEGORIES:vip,salon\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoé\r\nTEL;VALUE=uri;TYPE=home:tel:+33612345679\r\nEND:VCARD\r\n";
        let (header, rows) = table(file.as_bytes());
        assert_eq!(rows.len(), 3);
        let (h, first, second, third) = (&header, &rows[0], &rows[1], &rows[2]);
        assert_eq!((cell(h, first, "first_name"), cell(h, first, "last_name")), ("Hélène", "Lefèvre"));
        assert_eq!(cell(h, first, "mobile phone"), "06 12 34 56 78");
        assert_eq!(cell(h, first, "work phone"), "04 78 00 00 00");
        assert_eq!(cell(h, first, "company"), "Crème & Cie");
        assert_eq!((cell(h, first, "postal_code"), cell(h, first, "country")), ("69003", "France"));
        assert_eq!(cell(h, second, "work email"), "jean@exemple.fr", "a folded line unfolds");
        assert_eq!(cell(h, second, "tags"), "vip, salon");
        assert_eq!((cell(h, third, "full_name"), cell(h, third, "home phone")), ("Zoé", "+33612345679"));
    }

    #[test]
    fn a_file_of_no_cards_is_refused_and_a_spreadsheet_passes_through() {
        assert!(matches!(Source::open(&b"BEGIN:VCARD\r\nnot a card"[..]), Err(FileError::Empty)));
        let plain = Source::open(&b"Nom;Email\nDupont;d@x.fr\n"[..]).expect("a table");
        assert!(!plain.is_cards());
    }
}
