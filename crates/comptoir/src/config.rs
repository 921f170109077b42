//! Settings, from (weakest to strongest) built-in defaults, an optional TOML file, environment
//! variables and flags. Resolved once at start-up and passed down; nothing reads them later.

use anyhow::Context;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://comptoir-data/comptoir.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Where the team works, for the times pages show and what "today" means.
pub const DEFAULT_TIMEZONE: &str = "Europe/Paris";
const DEFAULT_FILE: &str = "comptoir.toml";

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    addr: Option<SocketAddr>,
    log_format: Option<String>,
    timezone: Option<String>,
}

#[derive(Debug, PartialEq)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    pub log_format: String,
    pub timezone: chrono_tz::Tz,
}

/// What flags and environment variables said; `None` where they were silent.
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub database_url: Option<String>,
    pub addr: Option<SocketAddr>,
    pub log_format: Option<String>,
    pub timezone: Option<String>,
}

fn read_file(explicit: Option<&Path>) -> anyhow::Result<FileSettings> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None if Path::new(DEFAULT_FILE).exists() => PathBuf::from(DEFAULT_FILE),
        None => return Ok(FileSettings::default()),
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not a valid Comptoir configuration", path.display()))
}

pub fn resolve(overrides: Overrides) -> anyhow::Result<Settings> {
    let file = read_file(overrides.config.as_deref())?;
    let log_format = overrides.log_format.or(file.log_format).unwrap_or_else(|| "text".to_owned());
    if !["text", "json"].contains(&log_format.as_str()) {
        anyhow::bail!("log_format must be text or json, not {log_format}");
    }
    let timezone_name = overrides.timezone.or(file.timezone).unwrap_or_else(|| DEFAULT_TIMEZONE.to_owned());
    let timezone = timezone_name.parse::<chrono_tz::Tz>().map_err(|_| {
        anyhow::anyhow!("timezone must be an IANA name such as Europe/Paris, not {timezone_name}")
    })?;
    Ok(Settings {
        database_url: overrides
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
        addr: match overrides.addr.or(file.addr) {
            Some(addr) => addr,
            None => DEFAULT_ADDR.parse().context("the default address")?,
        },
        log_format,
        timezone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrides(config: Option<PathBuf>, database_url: Option<&str>) -> Overrides {
        Overrides {
            config,
            database_url: database_url.map(str::to_owned),
            addr: None,
            log_format: None,
            timezone: None,
        }
    }

    #[test]
    fn flags_beat_the_file_which_beats_the_defaults() {
        let dir = std::env::temp_dir().join(format!("comptoir-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let file = dir.join("comptoir.toml");
        std::fs::write(&file, "database_url = \"postgres://db/crm\"\naddr = \"0.0.0.0:9000\"\n")
            .expect("written");

        let from_file = resolve(overrides(Some(file.clone()), None)).expect("valid");
        assert_eq!(from_file.database_url, "postgres://db/crm");
        assert_eq!(from_file.addr.port(), 9000);
        assert_eq!(from_file.log_format, "text");

        let flagged = resolve(overrides(Some(file.clone()), Some("sqlite://x.db"))).expect("valid");
        assert_eq!(flagged.database_url, "sqlite://x.db");

        std::fs::write(&file, "databse_url = \"typo\"\n").expect("written");
        assert!(resolve(overrides(Some(file), None)).is_err(), "a misspelt key is an error, not ignored");
        let _ = std::fs::remove_dir_all(dir);
    }
}
