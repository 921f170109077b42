//! Files people bring, read as they really are: CSV or TSV from any spreadsheet, in UTF-8 with or
//! without a byte-order mark or in the Windows-1252 a French Excel writes, with `,`, `;` or tabs
//! between cells. A file is read a batch of rows at a time, so its size never shows in memory;
//! its columns are matched to a kind's fields by their headers, in French or in English; each
//! row becomes the input the kind's own validation then checks.

pub mod companies;
pub mod contacts;
pub mod decode;
pub mod mapping;
pub mod source;
pub mod table;
pub mod text;
pub mod values;
pub mod vcard;

/// What makes a file unreadable as a whole (a row's own problems are that row's errors).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("this is not a text file (a spreadsheet must be saved as CSV)")]
    Binary,
    #[error("the first line must name the columns")]
    NoHeader,
    #[error("line {line} is not in UTF-8 as the lines before it are: save the file as UTF-8")]
    NotInEncoding { line: u64 },
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("an address book over {0} MiB is not read at once: export it in parts")]
    TooLarge(u64),
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
}
