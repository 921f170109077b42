//! A delimited file read as a header and rows, a batch at a time.

use crate::FileError;
use crate::decode::Decoded;
use crate::text::{SAMPLE_BYTES, delimiter_of, encoding_of};
use encoding_rs::UTF_8;
use std::collections::VecDeque;
use std::io::{Chain, Cursor, Read};

/// The longest cell a row may hold; a longer one is that row's error, not a reason to keep
/// megabytes of it.
pub const MAX_CELL_CHARS: usize = 100_000;

/// One row of the file and the line it starts on (a quoted cell may span lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

type Source<R> = Lines<Decoded<Chain<Cursor<Vec<u8>>, R>>>;

/// Counts the lines of what it reads, so a row is known by the line it starts on: the CSV
/// reader's own count skips blank lines and miscounts `\r\n`.
struct Lines<R> {
    inner: R,
    /// How many bytes have been read.
    read: u64,
    /// Where the line feeds not yet counted are, in order.
    feeds: VecDeque<u64>,
    /// Line feeds before the last position asked about.
    counted: u64,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        for (i, _) in buffer[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
            self.feeds.push_back(self.read + i as u64);
        }
        self.read += n as u64;
        Ok(n)
    }
}

impl<R> Lines<R> {
    /// The line (from 1) of the byte at `offset`; offsets are asked about in order.
    fn line_of(&mut self, offset: u64) -> u64 {
        while self.feeds.front().is_some_and(|&feed| feed < offset) {
            self.feeds.pop_front();
            self.counted += 1;
        }
        self.counted + 1
    }
}

/// A file of rows with a header, decoded from whatever encoding it was written in.
pub struct Table<R: Read> {
    reader: csv::Reader<Source<R>>,
    header: Vec<String>,
    delimiter: u8,
    record: csv::StringRecord,
}

impl<R: Read> Table<R> {
    /// Reads the start of `input` to tell its encoding and delimiter, then its header.
    pub fn open(mut input: R) -> Result<Self, FileError> {
        let mut sample = Vec::with_capacity(SAMPLE_BYTES);
        (&mut input).take(SAMPLE_BYTES as u64).read_to_end(&mut sample)?;
        if sample.iter().all(u8::is_ascii_whitespace) {
            return Err(FileError::Empty);
        }
        let encoding = encoding_of(&sample)?;
        let delimiter = delimiter_of(&encoding.unwrap_or(UTF_8).decode(&sample).0);
        let decoded = Decoded::new(Cursor::new(sample).chain(input), encoding);
        let decoded = Lines { inner: decoded, read: 0, feeds: VecDeque::new(), counted: 0 };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(decoded);
        let mut record = csv::StringRecord::new();
        let header = loop {
            if !reader.read_record(&mut record).map_err(malformed)? {
                return Err(FileError::NoHeader);
            }
            if !is_blank(&record) {
                break record.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_owned()).collect();
            }
        };
        Ok(Table { reader, header, delimiter, record })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The encoding the file is read in, by its WHATWG name ("UTF-8", "windows-1252"): for a
    /// file that starts in ASCII, UTF-8 until its first other byte has been read.
    pub fn encoding(&self) -> &'static str {
        self.reader.get_ref().inner.encoding().name()
    }

    /// How many bytes of text the rows read so far took: the file's bytes as UTF-8, so about
    /// as many as the file's own for most files.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    /// Up to `size` more rows, blank lines left out; an empty batch once the file is read.
    pub fn next_batch(&mut self, size: usize) -> Result<Vec<Row>, FileError> {
        let mut rows = Vec::with_capacity(size);
        while rows.len() < size && self.reader.read_record(&mut self.record).map_err(malformed)? {
            if is_blank(&self.record) {
                continue;
            }
            // The reader stands just past the row's last character (and maybe its line end);
            // the row starts as many lines up as its cells hold line breaks.
            let end = self.reader.position().byte().saturating_sub(1);
            let breaks: u64 = self.record.iter().map(|cell| cell.matches('\n').count() as u64).sum();
            let line = self.reader.get_mut().line_of(end).saturating_sub(breaks);
            rows.push(Row { line, cells: self.record.iter().map(str::to_owned).collect() });
        }
        Ok(rows)
    }

    /// Passes over `count` rows, as [`Table::next_batch`] would read them: an import taken up
    /// again after an interruption starts where its last batch ended.
    pub fn skip(&mut self, count: u64) -> Result<(), FileError> {
        let mut left = count;
        while left > 0 && self.reader.read_record(&mut self.record).map_err(malformed)? {
            if !is_blank(&self.record) {
                left -= 1;
            }
            // Lines are counted as rows are read, so the rows after start at the right line.
            let end = self.reader.position().byte().saturating_sub(1);
            self.reader.get_mut().line_of(end);
        }
        Ok(())
    }
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

fn malformed(error: csv::Error) -> FileError {
    let line = error.position().map_or(0, |p| p.line());
    match error.into_kind() {
        // A byte the file's encoding cannot have is the decoder's refusal, passed through the
        // reader as an I/O error.
        csv::ErrorKind::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<FileError>()) {
            Some(FileError::NotInEncoding { line }) => FileError::NotInEncoding { line: *line },
            _ => FileError::Io(io),
        },
        other => FileError::Malformed { line, message: format!("{other:?}") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;

    fn read_all(bytes: &[u8]) -> (Vec<String>, Vec<Row>) {
        let mut table = Table::open(bytes).expect("a table");
        let mut rows = Vec::new();
        loop {
            let batch = table.next_batch(2).expect("rows");
            if batch.is_empty() {
                break;
            }
            rows.extend(batch);
        }
        (table.header().to_vec(), rows)
    }

    #[test]
    fn a_french_excel_file_reads_as_written() {
        let (bytes, _, _) =
            WINDOWS_1252.encode("Prénom;Nom;Société\r\nHélène;Dupré;\"Crème; Cie\"\r\n\r\nJosé;Núñez;\r\n");
        let (header, rows) = read_all(&bytes);
        assert_eq!(header, ["Prénom", "Nom", "Société"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells, ["Hélène", "Dupré", "Crème; Cie"]);
        assert_eq!(rows[1], Row { line: 4, cells: vec!["José".into(), "Núñez".into(), String::new()] });
    }

    #[test]
    fn a_mark_and_quoted_newlines_are_read() {
        let (header, rows) = read_all("\u{feff}name,notes\n\"Dupont\",\"two\nlines\"\nMartin,x\n".as_bytes());
        assert_eq!(header, ["name", "notes"]);
        assert_eq!(rows[0].cells, ["Dupont", "two\nlines"]);
        assert_eq!(rows[1].line, 4, "a row is known by the line it starts on");
    }

    #[test]
    fn skipping_resumes_where_a_batch_ended() {
        let mut table = Table::open("a\n1\n\n2\n3\n".as_bytes()).expect("a table");
        table.skip(2).expect("skipped");
        assert_eq!(table.next_batch(10).expect("rows")[0].cells, ["3"]);
    }

    #[test]
    fn accents_after_the_sample_are_read_in_the_encoding_they_settle() {
        let mut text = "Nom;Ville\n".to_owned();
        for i in 0..5_000 {
            text.push_str(&format!("Martin {i};Lyon\n"));
        }
        text.push_str("Hélène Dupré;Besançon\n");
        assert!(text.len() > SAMPLE_BYTES);
        let (_, rows) = read_all(&WINDOWS_1252.encode(&text).0);
        assert_eq!(
            rows.last().map(|r| (r.line, r.cells.clone())),
            Some((5_002, vec!["Hélène Dupré".into(), "Besançon".into()]))
        );

        // In a file that reads as UTF-8, a Windows-1252 line is refused at its line, not read
        // with its accents replaced.
        let mut bytes = text.replacen("Martin 0;Lyon", "Zoé;Besançon", 1).into_bytes();
        bytes.extend_from_slice(b"Jos\xe9;N\xeemes\n");
        let mut table = Table::open(&bytes[..]).expect("a table");
        let refused = loop {
            match table.next_batch(1_000) {
                Ok(batch) if batch.is_empty() => panic!("read to the end"),
                Ok(_) => {}
                Err(error) => break error,
            }
        };
        assert!(matches!(refused, FileError::NotInEncoding { line: 5_003 }), "{refused:?}");
    }

    #[test]
    fn empty_files_say_so() {
        assert!(matches!(Table::open(&b""[..]), Err(FileError::Empty)));
        assert!(matches!(Table::open(&b" \n\n"[..]), Err(FileError::Empty)));
    }
}
