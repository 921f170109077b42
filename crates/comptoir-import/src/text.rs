//! Which encoding a file is written in, and which character separates its cells, told from its
//! first bytes (or, for a file that starts in ASCII, from its first other ones).

use crate::FileError;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How much of a file its encoding and delimiter are told from.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// The encoding `sample`, a file's first bytes, is written in: a byte-order mark says so;
/// `None` when every byte is ASCII, which reads alike in every encoding a spreadsheet writes
/// (the first other byte, wherever it comes, settles it: [`crate::decode`]); otherwise
/// [`guess`]ed.
pub fn encoding_of(sample: &[u8]) -> Result<Option<&'static Encoding>, FileError> {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return Ok(Some(encoding));
    }
    if looks_binary(sample) {
        return Err(FileError::Binary);
    }
    if sample.is_ascii() {
        return Ok(None);
    }
    guess(sample, sample.len() < SAMPLE_BYTES).map(Some)
}

/// The encoding of `text`, some of a file from its first byte that is not ASCII: text that is
/// valid UTF-8 is UTF-8 (a character cut by the sample's end is forgiven); anything else is
/// guessed, as a French file (Windows-1252 for Excel's exports). `whole` when `text` runs to
/// the file's end.
pub fn guess(text: &[u8], whole: bool) -> Result<&'static Encoding, FileError> {
    match std::str::from_utf8(text) {
        Ok(_) => Ok(UTF_8),
        Err(cut) if cut.error_len().is_none() => Ok(UTF_8),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(text, whole);
            let guess = detector.guess(Some(b"fr"), true);
            // A guess of UTF-16 without a mark is a guess about binary data.
            if guess == UTF_16LE || guess == UTF_16BE { Err(FileError::Binary) } else { Ok(guess) }
        }
    }
}

/// Text files hold no NUL byte and few control characters; images, archives and real
/// spreadsheets (`.xlsx`) hold many.
fn looks_binary(sample: &[u8]) -> bool {
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    sample.contains(&0) || controls * 100 > sample.len()
}

/// The character between cells: of `,`, `;`, tab and `|`, the one that splits the first lines
/// into the same number of cells, the most cells if several do. A file of one column has none
/// to find and reads as `,`.
pub fn delimiter_of(sample: &str) -> u8 {
    let mut best = (b',', 1, false);
    for candidate in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(candidate)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let counts: Vec<usize> = reader.records().take(20).map_while(Result::ok).map(|r| r.len()).collect();
        let Some(&columns) = counts.first() else { continue };
        // The sample may end inside its last line, so that line does not count against it.
        let whole = if counts.len() > 2 { &counts[..counts.len() - 1] } else { &counts[..] };
        let steady = whole.iter().all(|&n| n == columns);
        let better = match (steady, best.2) {
            (true, false) => columns > 1,
            (false, true) => false,
            _ => columns > best.1,
        };
        if better {
            best = (candidate, columns, steady);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;

    #[test]
    fn utf8_with_or_without_a_mark_is_utf8() {
        assert_eq!(encoding_of("Prénom;Nom\n".as_bytes()).expect("text"), Some(UTF_8));
        assert_eq!(encoding_of("\u{feff}Prénom;Nom\n".as_bytes()).expect("text"), Some(UTF_8));
        // Cut in the middle of "é": still UTF-8.
        assert_eq!(encoding_of(&"Prénom".as_bytes()[..3]).expect("text"), Some(UTF_8));
        // ASCII says nothing yet.
        assert_eq!(encoding_of(b"Nom;Ville\n").expect("text"), None);
    }

    #[test]
    fn french_excel_is_windows_1252() {
        let (bytes, _, _) = WINDOWS_1252.encode("Prénom;Nom;Société\nHélène;Dupré;Crème & Cie\n");
        assert_eq!(encoding_of(&bytes).expect("text"), Some(WINDOWS_1252));
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(
            encoding_of(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
            Err(FileError::Binary)
        ));
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert!(encoding_of(&noise).is_err());
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_evenly() {
        assert_eq!(delimiter_of("a,b,c\n1,2,3\n"), b',');
        assert_eq!(delimiter_of("Nom;Montant\nDupont;1,5\nMartin;2,25\n"), b';');
        assert_eq!(delimiter_of("a\tb\n1\t2\n"), b'\t');
        assert_eq!(delimiter_of("\"Dupont, Jean\";x\n\"Martin, Paul\";y\n"), b';');
        assert_eq!(delimiter_of("email\na@b.fr\n"), b',');
    }
}
