//! A file's bytes, in whatever encoding it was written in, read as UTF-8.
//!
//! ASCII reads alike in UTF-8 and in every encoding a spreadsheet writes, and a large export
//! sorted by name can run thousands of rows before its first accent. So a file whose start is
//! all ASCII is settled by its first bytes that are not, wherever they come; and a file
//! settled as UTF-8 that later holds a byte UTF-8 cannot have is refused at that line, rather
//! than read on with the character silently replaced.

use crate::FileError;
use crate::text::{SAMPLE_BYTES, guess};
use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};
use std::io::{self, Read};

pub struct Decoded<R> {
    inner: R,
    /// `None` while every byte read has been ASCII.
    decoder: Option<Decoder>,
    encoding: &'static Encoding,
    /// Bytes read from `inner`; from `raw_at` on, not yet decoded.
    raw: Vec<u8>,
    raw_at: usize,
    /// Decoded text; from `out_at` on, not yet handed out.
    out: Vec<u8>,
    out_at: usize,
    /// `inner` has nothing more.
    at_end: bool,
    /// The decoder has been told the input ended, and must not be used again.
    finished: bool,
    /// Line feeds decoded so far, to name the line of a byte refused.
    feeds: u64,
    /// The line of a byte the encoding cannot have: nothing past it is read.
    refused_at: Option<u64>,
}

impl<R: Read> Decoded<R> {
    /// Reads `inner` as `encoding` (its byte-order mark, if any, left out), or, given none,
    /// as ASCII until its first other byte settles it.
    pub fn new(inner: R, encoding: Option<&'static Encoding>) -> Self {
        Decoded {
            inner,
            decoder: encoding.map(Encoding::new_decoder_with_bom_removal),
            encoding: encoding.unwrap_or(UTF_8),
            raw: Vec::new(),
            raw_at: 0,
            out: Vec::new(),
            out_at: 0,
            at_end: false,
            finished: false,
            feeds: 0,
            refused_at: None,
        }
    }

    /// The encoding the file is read in: UTF-8 until a byte has said otherwise.
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Reads more of `inner` after what is left undecoded; false at its end.
    fn fill(&mut self) -> io::Result<bool> {
        self.raw.drain(..self.raw_at);
        self.raw_at = 0;
        let start = self.raw.len();
        self.raw.resize(start + SAMPLE_BYTES, 0);
        let read = loop {
            match self.inner.read(&mut self.raw[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        self.raw.truncate(start + *read.as_ref().unwrap_or(&0));
        self.at_end = read? == 0;
        Ok(!self.at_end)
    }

    /// Decodes the next stretch into `out`; false once there is nothing more to decode.
    fn decode_more(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_at = 0;
        loop {
            if self.finished {
                return Ok(false);
            }
            if self.raw_at == self.raw.len() && !self.at_end {
                self.fill()?;
            }
            let Some(decoder) = self.decoder.as_mut() else {
                let pending = &self.raw[self.raw_at..];
                let ascii = pending.iter().position(|b| !b.is_ascii()).unwrap_or(pending.len());
                if ascii > 0 {
                    self.out.extend_from_slice(&pending[..ascii]);
                    self.raw_at += ascii;
                    self.feeds += count_feeds(&self.out);
                    return Ok(true);
                }
                if self.at_end {
                    return Ok(false);
                }
                // The first byte past ASCII: it and what follows settle the encoding.
                while self.raw.len() - self.raw_at < SAMPLE_BYTES && self.fill()? {}
                let encoding = guess(&self.raw[self.raw_at..], self.at_end).map_err(|_| self.refusal())?;
                self.encoding = encoding;
                self.decoder = Some(encoding.new_decoder_without_bom_handling());
                continue;
            };
            let last = self.at_end;
            let pending = &self.raw[self.raw_at..];
            let room =
                decoder.max_utf8_buffer_length_without_replacement(pending.len()).unwrap_or(4 * SAMPLE_BYTES);
            self.out.resize(room.max(4), 0);
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(pending, &mut self.out, last);
            self.raw_at += read;
            self.out.truncate(written);
            self.feeds += count_feeds(&self.out);
            match result {
                DecoderResult::Malformed(..) => {
                    self.refused_at = Some(self.feeds + 1);
                    return Ok(true);
                }
                DecoderResult::InputEmpty if last => self.finished = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
            if written > 0 {
                return Ok(true);
            }
        }
    }

    fn refusal(&self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, FileError::NotInEncoding { line: self.feeds + 1 })
    }
}

fn count_feeds(text: &[u8]) -> u64 {
    text.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.out_at == self.out.len() {
            if let Some(line) = self.refused_at {
                return Err(io::Error::new(io::ErrorKind::InvalidData, FileError::NotInEncoding { line }));
            }
            if !self.decode_more()? {
                return Ok(0);
            }
        }
        let n = buffer.len().min(self.out.len() - self.out_at);
        buffer[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;

    fn read(bytes: &[u8], encoding: Option<&'static Encoding>) -> (io::Result<String>, &'static str) {
        let mut decoded = Decoded::new(bytes, encoding);
        let mut text = String::new();
        let result = decoded.read_to_string(&mut text).map(|_| text);
        (result, decoded.encoding().name())
    }

    /// A French Excel export whose first hundred thousand rows hold no accent.
    fn late_accents() -> Vec<u8> {
        let mut text = "Nom;Ville\n".to_owned();
        for i in 0..100_000 {
            text.push_str(&format!("Martin {i};Lyon\n"));
        }
        text.push_str("Hélène Dupré;Besançon\n");
        WINDOWS_1252.encode(&text).0.into_owned()
    }

    #[test]
    fn a_file_all_ascii_at_first_is_settled_by_its_first_accent() {
        let bytes = late_accents();
        assert!(bytes[..SAMPLE_BYTES].is_ascii(), "the accents come after the sample");
        let (text, encoding) = read(&bytes, None);
        let text = text.expect("read whole");
        assert!(text.ends_with("Martin 99999;Lyon\nHélène Dupré;Besançon\n"), "{}", &text[text.len() - 60..]);
        assert_eq!(encoding, "windows-1252");
        let (text, encoding) = read(b"a;b\n1;2\n", None);
        assert_eq!((text.expect("read"), encoding), ("a;b\n1;2\n".to_owned(), "UTF-8"));
        let (text, encoding) = read("Nom\nHélène\n".as_bytes(), None);
        assert_eq!((text.expect("read"), encoding), ("Nom\nHélène\n".to_owned(), "UTF-8"));
    }

    #[test]
    fn a_byte_that_is_not_utf8_in_a_utf8_file_is_refused_at_its_line() {
        let mut bytes = "Nom\nHélène\nJosé\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"Dupr\xe9\n");
        let (text, _) = read(&bytes, Some(UTF_8));
        let error = text.expect_err("refused");
        let refused = error.into_inner().and_then(|e| e.downcast::<FileError>().ok()).expect("a file error");
        assert!(matches!(*refused, FileError::NotInEncoding { line: 4 }), "{refused:?}");
    }

    #[test]
    fn a_mark_is_left_out_and_cut_characters_are_joined() {
        let bytes = "\u{feff}Prénom\n".as_bytes();
        assert_eq!(read(bytes, Some(UTF_8)).0.expect("read"), "Prénom\n");
        // Handed over a byte at a time, "é" arrives cut in two.
        let mut decoded = Decoded::new(io::BufReader::with_capacity(1, "é;è\n".as_bytes()), Some(UTF_8));
        let mut text = String::new();
        decoded.read_to_string(&mut text).expect("read");
        assert_eq!(text, "é;è\n");
    }
}
