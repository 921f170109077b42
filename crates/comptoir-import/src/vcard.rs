//! Contacts as vCard 4.0 (RFC 6350), the card every address book and phone reads: name,
//! emails and phones (the primary one preferred), address, job title and company, language,
//! tags as categories, and the contact's id as its `UID`, so a card sent again is the same one.

use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardProperty, VCardType, VCardValue,
    VCardValueType, VCardVersion,
};
use comptoir_domain::contacts::Contact;

/// The media type of a vCard file.
pub const MEDIA_TYPE: &str = "text/vcard; charset=utf-8";

/// Appends `contact`'s card to `out`.
pub fn write_card(contact: &Contact, out: &mut String) {
    let f = &contact.fields;
    let text = |value: &str| VCardValue::Text(value.to_owned());
    let or_empty = |value: &Option<String>| text(value.as_deref().unwrap_or(""));
    let mut entries = vec![
        VCardEntry::new(VCardProperty::Uid).with_value(format!("urn:uuid:{}", contact.id)),
        VCardEntry::new(VCardProperty::Fn).with_value(f.display_name()),
        VCardEntry::new(VCardProperty::N).with_values(vec![
            or_empty(&f.last_name),
            or_empty(&f.first_name),
            text(""),
            text(""),
            text(""),
        ]),
    ];
    for (i, email) in f.emails.iter().enumerate() {
        let entry = VCardEntry::new(VCardProperty::Email).with_value(email.address.to_string());
        entries.push(labelled(preferred(entry, i), email.label.as_deref()));
    }
    for (i, phone) in f.phones.iter().enumerate() {
        let entry = VCardEntry::new(VCardProperty::Tel)
            .with_param(VCardParameter::new(VCardParameterName::Value, VCardValueType::Uri))
            .with_value(format!("tel:{}", phone.number.as_str()));
        entries.push(labelled(preferred(entry, i), phone.label.as_deref()));
    }
    let a = &f.address;
    if !a.is_empty() {
        // Post office box, extended address, street, locality, region, postal code, country.
        entries.push(VCardEntry::new(VCardProperty::Adr).with_values(vec![
            text(""),
            text(""),
            or_empty(&a.street),
            or_empty(&a.city),
            or_empty(&a.region),
            or_empty(&a.postal_code),
            or_empty(&a.country),
        ]));
    }
    if let Some(title) = &f.job_title {
        entries.push(VCardEntry::new(VCardProperty::Title).with_value(title.clone()));
    }
    if let Some(company) = &contact.company {
        entries.push(VCardEntry::new(VCardProperty::Org).with_value(company.name.clone()));
    }
    if let Some(language) = &f.language {
        entries.push(VCardEntry::new(VCardProperty::Lang).with_value(language.clone()));
    }
    if !f.tags.is_empty() {
        entries.push(
            VCardEntry::new(VCardProperty::Categories).with_values(f.tags.iter().map(|t| text(t)).collect()),
        );
    }
    entries.push(
        VCardEntry::new(VCardProperty::Rev)
            .with_value(contact.updated_at.format("%Y%m%dT%H%M%SZ").to_string()),
    );
    // Writing to a String cannot fail.
    let _ = VCard { entries }.write_to(out, VCardVersion::V4_0);
}

/// The card of one contact.
pub fn card(contact: &Contact) -> String {
    let mut out = String::new();
    write_card(contact, &mut out);
    out
}

/// The first of several addresses or numbers is the one to use.
fn preferred(entry: VCardEntry, position: usize) -> VCardEntry {
    if position == 0 { entry.with_param(VCardParameter::new(VCardParameterName::Pref, 1u32)) } else { entry }
}

/// A label people write ("work", "mobile", "domicile") as the vCard type it means, if any.
fn labelled(entry: VCardEntry, label: Option<&str>) -> VCardEntry {
    let kind = match label.map(|l| l.trim().to_lowercase()).as_deref() {
        Some("work" | "travail" | "bureau" | "pro" | "professionnel") => Some(VCardType::Work),
        Some("home" | "domicile" | "maison" | "perso" | "personnel") => Some(VCardType::Home),
        Some("mobile" | "cell" | "portable") => Some(VCardType::Cell),
        Some("fax") => Some(VCardType::Fax),
        _ => None,
    };
    match kind {
        Some(kind) => entry.with_param(VCardParameter::new(VCardParameterName::Type, kind)),
        None => entry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::{Entry, Parser};
    use comptoir_domain::contacts::{CompanySummary, ContactInput};
    use comptoir_domain::ids::{CompanyId, ContactId, UserId};

    fn contact() -> Contact {
        let input: ContactInput = serde_json::from_value(serde_json::json!({
            "first_name": "Hélène", "last_name": "Dupré; « la chef »",
            "emails": [{"address": "helene@exemple.fr", "label": "travail"}, "h.dupre@perso.fr"],
            "phones": [{"number": "06 12 34 56 78", "label": "portable"}],
            "job_title": "Gérante", "address": {"street": "12, rue de la Paix", "postal_code": "69003", "city": "Lyon", "country": "FR"},
            "language": "fr", "tags": ["vip", "salon-2026"]
        }))
        .expect("an input");
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z").expect("a time").to_utc();
        Contact {
            id: ContactId::new(),
            version: 1,
            fields: input.validate(&[], UserId::new()).expect("valid"),
            company: Some(CompanySummary { id: CompanyId::new(), name: "Crème & Cie".to_owned() }),
            created_at: at,
            updated_at: at,
            last_activity_at: None,
        }
    }

    #[test]
    fn a_card_reads_back_as_the_contact() {
        let contact = contact();
        let card = card(&contact);
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{card}");
        assert!(card.contains("TEL;VALUE=URI;PREF=1;TYPE=CELL:tel:+33612345678\r\n"), "{card}");
        let mut parser = Parser::new(&card);
        let Entry::VCard(read) = parser.entry() else { panic!("a card: {card}") };
        let values = |property: VCardProperty| -> Vec<String> {
            read.entries
                .iter()
                .filter(|e| e.name == property)
                .flat_map(|e| e.values.iter().filter_map(|v| v.as_text().map(str::to_owned)))
                .collect()
        };
        assert_eq!(values(VCardProperty::N)[..2], ["Dupré; « la chef »".to_owned(), "Hélène".to_owned()]);
        assert_eq!(values(VCardProperty::Email), ["helene@exemple.fr", "h.dupre@perso.fr"]);
        assert_eq!(values(VCardProperty::Org), ["Crème & Cie"]);
        assert_eq!(values(VCardProperty::Categories), ["vip", "salon-2026"]);
        assert_eq!(values(VCardProperty::Uid), [format!("urn:uuid:{}", contact.id)]);
        assert!(values(VCardProperty::Adr).contains(&"12, rue de la Paix".to_owned()));
    }
}
