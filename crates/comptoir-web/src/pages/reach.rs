//! Reaching someone in one tap: `tel:` and `mailto:` links wherever a number or an address is
//! shown, and the quick actions at the top of a record's page.

use comptoir_domain::phone::PhoneNumber;

/// A stored number as people read it ("04 78 12 34 56"); an address as it is.
pub fn shown(is_phone: bool, value: &str) -> String {
    if is_phone {
        PhoneNumber::parse(value).map_or_else(|_| value.to_owned(), |p| p.readable())
    } else {
        value.to_owned()
    }
}

pub fn tel(number: &PhoneNumber) -> String {
    format!("tel:{}", number.as_str())
}

pub fn mailto(address: &str) -> String {
    format!("mailto:{address}")
}
