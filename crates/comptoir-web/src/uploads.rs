//! Files sent to be imported: written to disk as they arrive, so a big file never sits in
//! memory, and fingerprinted on the way. A file is removed when its upload is dropped, unless
//! it is kept for the import that checked it, to run it for real once confirmed.

use axum::body::Bytes;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;
use tokio_stream::{Stream, StreamExt};
use uuid::Uuid;

/// The largest file an import takes through the web; the command line takes any size.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {} MiB; the command line takes any size", MAX_IMPORT_BYTES >> 20)]
    TooBig,
    #[error("the file was not received whole")]
    Broken,
    #[error("the file could not be stored: {0}")]
    Io(#[from] std::io::Error),
}

/// A received file on disk.
pub struct Upload {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// Moved to where a checked import's file is kept: not to be removed.
    moved: bool,
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.moved {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where the file an import checked is kept until it runs for real.
fn kept_path(import: Uuid) -> PathBuf {
    std::env::temp_dir().join(format!("comptoir-import-{import}"))
}

impl Upload {
    /// Keeps the file for `import`, to be taken again by [`Upload::kept`].
    pub fn keep_for(mut self, import: Uuid) -> std::io::Result<()> {
        std::fs::rename(&self.path, kept_path(import))?;
        self.moved = true;
        Ok(())
    }

    /// The file kept for `import`, if it still is; it is removed once this upload is dropped.
    pub fn kept(import: Uuid, sha256: String) -> Option<Upload> {
        let path = std::env::temp_dir().join(format!("comptoir-import-{}", Uuid::now_v7()));
        std::fs::rename(kept_path(import), &path).ok()?;
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        Some(Upload { path, sha256, size, moved: false })
    }

    /// The file kept for `import`, opened to be read again where it is: it stays kept.
    pub fn read_kept(import: Uuid) -> Option<std::io::BufReader<std::fs::File>> {
        let file = std::fs::File::open(kept_path(import)).ok()?;
        Some(std::io::BufReader::with_capacity(256 * 1024, file))
    }

    pub fn open(&self) -> std::io::Result<std::io::BufReader<std::fs::File>> {
        Ok(std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&self.path)?))
    }
}

/// Writes `chunks` to a file of their own.
pub async fn receive<E>(
    mut chunks: impl Stream<Item = Result<Bytes, E>> + Unpin,
) -> Result<Upload, UploadError> {
    let mut upload = Upload {
        path: std::env::temp_dir().join(format!("comptoir-import-{}", Uuid::now_v7())),
        sha256: String::new(),
        size: 0,
        moved: false,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(&upload.path)?);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| UploadError::Broken)?;
        size += chunk.len() as u64;
        if size > MAX_IMPORT_BYTES {
            return Err(UploadError::TooBig);
        }
        hasher.update(&chunk);
        file.write_all(&chunk)?;
    }
    file.flush()?;
    upload.sha256 = comptoir_app::imports::hex(&hasher.finalize());
    upload.size = size;
    Ok(upload)
}

/// Removes the files of checks never followed by an import, once older than `age`; returns
/// how many.
pub fn forget_stale(age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return 0 };
    entries
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("comptoir-import-"))
        .filter(|entry| {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| at.elapsed().is_ok_and(|elapsed| elapsed > age))
        })
        .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
        .count()
}
