//! Secrets a client sends (passwords): readable where they are used, invisible everywhere
//! else. `Debug` prints `***`, so a secret inside an input type cannot reach a log by accident.

use serde::{Deserialize, Deserializer};
use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it (hashing, comparing).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn a_secret_never_prints() {
        let secret: Secret = serde_json::from_str("\"correct horse battery\"").expect("a secret");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(secret.expose(), "correct horse battery");
    }
}
