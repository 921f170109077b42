//! Email addresses: parsed once, stored lower-cased so lookups and uniqueness ignore case.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("is not a valid email address")]
pub struct InvalidEmail;

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let trimmed = input.trim();
        // The local part may be case-sensitive in theory; in practice every provider folds
        // case, and duplicates that differ only by case are the common import mistake.
        let lower = trimmed.to_lowercase();
        let parsed = email_address::EmailAddress::from_str(&lower).map_err(|_| InvalidEmail)?;
        // A bare host ("x@localhost") is legal but never a customer's address.
        if !parsed.domain().contains('.') {
            return Err(InvalidEmail);
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What follows the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }

    /// The domain, when it is an organisation's own: not one of the mailboxes anyone opens
    /// (a Gmail address says nothing of its owner's employer).
    pub fn work_domain(&self) -> Option<&str> {
        let domain = self.domain();
        (!domain.is_empty() && !PERSONAL_MAIL_DOMAINS.contains(&domain)).then_some(domain)
    }
}

/// Mail providers that give addresses to anyone, as French and international customers
/// write them.
const PERSONAL_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.fr",
    "yahoo.com",
    "ymail.com",
    "hotmail.fr",
    "hotmail.com",
    "outlook.fr",
    "outlook.com",
    "live.fr",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "aol.fr",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "neuf.fr",
    "club-internet.fr",
    "bbox.fr",
    "laposte.net",
    "numericable.fr",
    "gmx.fr",
    "gmx.com",
    "gmx.de",
    "protonmail.com",
    "proton.me",
    "skynet.be",
    "telenet.be",
    "bluewin.ch",
    "videotron.ca",
];

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_work_domain_is_an_organisations_own() {
        let at = |s: &str| EmailAddress::parse(s).expect("valid");
        assert_eq!(at("jean@Boulangerie-Dupont.fr").work_domain(), Some("boulangerie-dupont.fr"));
        assert_eq!(at("jean.dupont@orange.fr").work_domain(), None);
        assert_eq!(at("jean.dupont@gmail.com").domain(), "gmail.com");
    }

    #[test]
    fn case_is_folded_and_whitespace_trimmed() {
        let email = EmailAddress::parse("  Helene.Dupont@Exemple.FR ").expect("valid");
        assert_eq!(email.as_str(), "helene.dupont@exemple.fr");
    }

    #[test]
    fn garbage_and_bare_hosts_are_refused() {
        for bad in ["", "dupont", "dupont@", "@exemple.fr", "a b@exemple.fr", "x@localhost"] {
            assert_eq!(EmailAddress::parse(bad), Err(InvalidEmail), "{bad}");
        }
    }
}
