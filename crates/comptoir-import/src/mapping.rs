//! Which field of a contact (or of a company) each column of a file fills: suggested from the
//! headers, in French or English and as the major address books export them, and changed by
//! whoever imports.

use comptoir_domain::ValidationErrors;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::search::fold;
use std::collections::BTreeMap;

/// What a file's rows are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RowKind {
    #[default]
    Contacts,
    Companies,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Contacts => "contacts",
            RowKind::Companies => "companies",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [RowKind::Contacts, RowKind::Companies].into_iter().find(|k| k.as_str() == s)
    }

    /// The fields of this kind a column can fill, by key.
    fn fields(self) -> &'static [(Target, &'static str)] {
        match self {
            RowKind::Contacts => &CONTACT_FIELDS,
            RowKind::Companies => &COMPANY_FIELDS,
        }
    }
}

/// A field of a contact or a company a column can fill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    FirstName,
    LastName,
    /// "Jean Dupont" or "Dupont, Jean", split into first and last name.
    FullName,
    Email,
    Phone,
    JobTitle,
    /// The company's name: linked to the company of that name, created if there is none.
    Company,
    Street,
    PostalCode,
    City,
    Region,
    Country,
    Language,
    LifecycleStage,
    Source,
    /// The id another system knows the contact by.
    ExternalId,
    Tags,
    /// A company's own fields.
    Name,
    Domain,
    Website,
    Industry,
    SizeBand,
    Siren,
    Siret,
    VatNumber,
    RelationshipType,
    ServiceTier,
    Custom(String),
}

const CONTACT_FIELDS: [(Target, &str); 17] = [
    (Target::FirstName, "first_name"),
    (Target::LastName, "last_name"),
    (Target::FullName, "full_name"),
    (Target::Email, "email"),
    (Target::Phone, "phone"),
    (Target::JobTitle, "job_title"),
    (Target::Company, "company"),
    (Target::Street, "street"),
    (Target::PostalCode, "postal_code"),
    (Target::City, "city"),
    (Target::Region, "region"),
    (Target::Country, "country"),
    (Target::Language, "language"),
    (Target::LifecycleStage, "lifecycle_stage"),
    (Target::Source, "source"),
    (Target::ExternalId, "external_id"),
    (Target::Tags, "tags"),
];

const COMPANY_FIELDS: [(Target, &str); 17] = [
    (Target::Name, "name"),
    (Target::Domain, "domain"),
    (Target::Website, "website"),
    (Target::Phone, "phone"),
    (Target::Industry, "industry"),
    (Target::SizeBand, "size_band"),
    (Target::Siren, "siren"),
    (Target::Siret, "siret"),
    (Target::VatNumber, "vat_number"),
    (Target::Street, "street"),
    (Target::PostalCode, "postal_code"),
    (Target::City, "city"),
    (Target::Region, "region"),
    (Target::Country, "country"),
    (Target::RelationshipType, "relationship_type"),
    (Target::ServiceTier, "service_tier"),
    (Target::Tags, "tags"),
];

impl Target {
    /// The name a mapping gives it: `first_name`, `custom_fields.budget`.
    pub fn key(&self) -> String {
        match self {
            Target::Custom(key) => format!("custom_fields.{key}"),
            fixed => CONTACT_FIELDS
                .iter()
                .chain(&COMPANY_FIELDS)
                .find(|(t, _)| t == fixed)
                .map_or_else(String::new, |(_, k)| (*k).to_owned()),
        }
    }

    /// The field of `kind` named `key`; `definitions` are that kind's custom fields.
    pub fn parse(kind: RowKind, key: &str, definitions: &[CustomFieldDefinition]) -> Option<Target> {
        if let Some(custom) = key.strip_prefix("custom_fields.") {
            return definitions.iter().any(|d| d.key == custom).then(|| Target::Custom(custom.to_owned()));
        }
        kind.fields().iter().find(|(_, k)| *k == key).map(|(t, _)| t.clone())
    }

    /// Whether several columns may fill it: a record has several emails, phones and tags.
    fn repeats(&self) -> bool {
        matches!(self, Target::Email | Target::Phone | Target::Tags)
    }

    /// Every key a mapping of `kind` may name, custom fields included.
    pub fn all_keys(kind: RowKind, definitions: &[CustomFieldDefinition]) -> Vec<String> {
        let mut keys: Vec<String> = kind.fields().iter().map(|(_, k)| (*k).to_owned()).collect();
        keys.extend(definitions.iter().map(|d| format!("custom_fields.{}", d.key)));
        keys
    }
}

/// What each column of a file fills, in the file's order (`None`: the column is left out), with
/// the label a phone or email column gives its values ("mobile", "work").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Vec<Option<Target>>,
    pub labels: Vec<Option<&'static str>>,
}

/// Headers people write, folded (lower case, no accents, words separated by one space); these
/// name the same field in a contacts file and a companies file.
const STREET: &[&str] = &[
    "rue",
    "adresse",
    "adresse postale",
    "street",
    "address",
    "street address",
    "address line 1",
    "voie",
    "business street",
    "home street",
];
const POSTAL_CODE: &[&str] = &[
    "code postal",
    "cp",
    "postal code",
    "postcode",
    "zip",
    "zip code",
    "business postal code",
    "home postal code",
];
const CITY: &[&str] = &["ville", "commune", "localite", "city", "town", "business city", "home city"];
const REGION: &[&str] =
    &["region", "departement", "province", "state", "etat", "business state", "home state"];
const COUNTRY: &[&str] = &[
    "pays",
    "code pays",
    "country",
    "country code",
    "country region",
    "business country region",
    "home country region",
    "pays fr be",
];
const TAGS: &[&str] =
    &["etiquettes", "tags", "labels", "categories", "mots cles", "groupes", "group membership"];

/// Headers a contacts file names its columns with, folded.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "first_name",
        &["prenom", "prenoms", "first name", "firstname", "given name", "forename", "prenom usuel"],
    ),
    (
        "last_name",
        &["nom", "nom de famille", "last name", "lastname", "surname", "family name", "nom d usage"],
    ),
    (
        "full_name",
        &["nom complet", "full name", "name", "display name", "contact", "nom et prenom", "prenom et nom"],
    ),
    (
        "email",
        &[
            "email",
            "e mail",
            "courriel",
            "mail",
            "adresse e mail",
            "adresse email",
            "email address",
            "e mail address",
            "adresse electronique",
            "adresse mail",
        ],
    ),
    (
        "phone",
        &[
            "telephone",
            "tel",
            "phone",
            "phone number",
            "numero de telephone",
            "portable",
            "mobile",
            "gsm",
            "telephone portable",
            "telephone mobile",
            "mobile phone",
            "business phone",
            "home phone",
            "telephone fixe",
            "telephone professionnel",
            "telephones",
        ],
    ),
    (
        "job_title",
        &["fonction", "poste", "titre", "job title", "title", "position", "intitule du poste", "job"],
    ),
    (
        "company",
        &[
            "entreprise",
            "societe",
            "company",
            "company name",
            "organisation",
            "organization",
            "raison sociale",
            "employeur",
            "structure",
            "organization name",
        ],
    ),
    ("street", STREET),
    ("postal_code", POSTAL_CODE),
    ("city", CITY),
    ("region", REGION),
    ("country", COUNTRY),
    ("language", &["langue", "language", "langue fr en", "preferred language"]),
    (
        "lifecycle_stage",
        &["etape", "etape du cycle de vie", "cycle de vie", "lifecycle stage", "stage", "lifecycle"],
    ),
    ("source", &["origine", "source", "lead source", "provenance"]),
    // Not a bare "id": a file exported from here names its own ids so, and they are not
    // another system's.
    (
        "external_id",
        &[
            "id externe",
            "identifiant externe",
            "reference externe",
            "ref externe",
            "external id",
            "external reference",
            "numero client",
            "n client",
            "no client",
            "code client",
            "reference client",
            "ref client",
            "id client",
            "customer id",
            "customer number",
            "client id",
            "account number",
        ],
    ),
    ("tags", TAGS),
];

/// Headers a companies file names its columns with, folded.
const COMPANY_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "nom",
            "raison sociale",
            "societe",
            "entreprise",
            "company",
            "company name",
            "name",
            "organisation",
            "organization",
            "denomination",
            "denomination sociale",
            "nom de l entreprise",
            "nom de la societe",
            "enseigne",
            "account name",
            "compte",
        ],
    ),
    ("domain", &["domaine", "nom de domaine", "domain", "domain name", "domaine internet"]),
    ("website", &["site", "site web", "site internet", "website", "web site", "web", "url"]),
    (
        "phone",
        &[
            "telephone",
            "tel",
            "phone",
            "standard",
            "telephone standard",
            "phone number",
            "numero de telephone",
        ],
    ),
    ("industry", &["secteur", "secteur d activite", "activite", "industry", "sector", "domaine d activite"]),
    (
        "size_band",
        &[
            "effectif",
            "effectifs",
            "tranche d effectif",
            "taille",
            "size",
            "company size",
            "employees",
            "nombre de salaries",
            "salaries",
        ],
    ),
    ("siren", &["siren", "n siren", "numero siren", "no siren"]),
    ("siret", &["siret", "n siret", "numero siret", "no siret"]),
    (
        "vat_number",
        &[
            "tva",
            "n tva",
            "numero de tva",
            "numero tva",
            "tva intracommunautaire",
            "n tva intracommunautaire",
            "vat",
            "vat number",
            "vat id",
        ],
    ),
    ("street", STREET),
    ("postal_code", POSTAL_CODE),
    ("city", CITY),
    ("region", REGION),
    ("country", COUNTRY),
    (
        "relationship_type",
        &[
            "type",
            "type de relation",
            "relation",
            "relationship",
            "relationship type",
            "type de compte",
            "account type",
        ],
    ),
    (
        "service_tier",
        &["niveau de service", "service tier", "tier", "contrat de service", "niveau de support"],
    ),
    ("tags", TAGS),
];

/// The field a header most likely names: the field whose key it is, else from the synonyms
/// above, the custom fields' keys and labels, then the shapes the big address books use
/// ("E-mail 1 - Value", "Organization 1 - Title").
fn suggestion(kind: RowKind, header: &str, definitions: &[CustomFieldDefinition]) -> Option<Target> {
    // A header that is a field's key, as the API's own CSV writes them (`custom_fields.budget`).
    if let Some(target) = Target::parse(kind, header.trim(), definitions) {
        return Some(target);
    }
    // "N° client": the degree sign (which `fold` spells out) stands for "numéro".
    let folded = fold(&header.replace(['°', 'º'], " "));
    let synonyms = match kind {
        RowKind::Contacts => SYNONYMS,
        RowKind::Companies => COMPANY_SYNONYMS,
    };
    if let Some((key, _)) = synonyms.iter().find(|(_, names)| names.contains(&folded.as_str())) {
        return Target::parse(kind, key, &[]);
    }
    if let Some(definition) = definitions.iter().find(|d| fold(&d.key) == folded || fold(&d.label) == folded)
    {
        return Some(Target::Custom(definition.key.clone()));
    }
    if kind == RowKind::Companies {
        return None;
    }
    let words: Vec<&str> = folded.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    // "E-mail 1 - Type" and the like describe a value, they are not one.
    if has("type") || has("label") || has("libelle") {
        return None;
    }
    if has("email") || folded.contains("e mail") || has("courriel") {
        Some(Target::Email)
    } else if has("phone") || has("telephone") || has("mobile") || has("portable") {
        Some(Target::Phone)
    } else if has("organization") || has("organisation") || has("company") {
        Some(if has("title") { Target::JobTitle } else { Target::Company })
    } else if has("street") {
        Some(Target::Street)
    } else if has("city") {
        Some(Target::City)
    } else if folded.contains("postal code") || has("zip") {
        Some(Target::PostalCode)
    } else if has("country") {
        Some(Target::Country)
    } else {
        None
    }
}

/// The label a phone or email column gives what it holds, from its header.
fn label_of(header: &str) -> Option<&'static str> {
    let folded = fold(header);
    let words: Vec<&str> = folded.split(' ').collect();
    let has = |options: &[&str]| options.iter().any(|w| words.contains(w));
    if has(&["mobile", "portable", "gsm", "cell", "cellulaire"]) {
        Some("mobile")
    } else if has(&["home", "domicile", "perso", "personnel", "personal", "prive"]) {
        Some("home")
    } else if has(&["work", "business", "bureau", "professionnel", "pro", "travail"]) {
        Some("work")
    } else if has(&["fax"]) {
        Some("fax")
    } else {
        None
    }
}

impl Mapping {
    /// The mapping the headers suggest. A field that holds one value goes to the first column
    /// that names it; the others are left out.
    pub fn suggest(kind: RowKind, header: &[String], definitions: &[CustomFieldDefinition]) -> Mapping {
        let mut columns: Vec<Option<Target>> = Vec::with_capacity(header.len());
        for name in header {
            let target = suggestion(kind, name, definitions)
                .filter(|t| t.repeats() || !columns.iter().any(|c| c.as_ref() == Some(t)));
            columns.push(target);
        }
        Mapping::with_labels(header, columns)
    }

    /// The suggested mapping with `choices` (header → field key, `""` to leave the column out)
    /// in place of the suggestions for the columns they name. Every header and key is checked.
    pub fn chosen(
        kind: RowKind,
        header: &[String],
        definitions: &[CustomFieldDefinition],
        choices: &BTreeMap<String, String>,
    ) -> Result<Mapping, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut columns = Mapping::suggest(kind, header, definitions).columns;
        for (name, key) in choices {
            let field = format!("mapping.{name}");
            let Some(index) = header.iter().position(|h| h == name) else {
                errors.add(field, "is not a column of the file");
                continue;
            };
            if key.is_empty() {
                columns[index] = None;
                continue;
            }
            match Target::parse(kind, key, definitions) {
                Some(target) => {
                    // The choice takes the field from a column the suggestion gave it to.
                    if !target.repeats() {
                        for (i, column) in columns.iter_mut().enumerate() {
                            if i != index
                                && column.as_ref() == Some(&target)
                                && !choices.contains_key(&header[i])
                            {
                                *column = None;
                            }
                        }
                    }
                    columns[index] = Some(target);
                }
                None => errors.add(
                    field,
                    match kind {
                        RowKind::Contacts => "is not a field of a contact",
                        RowKind::Companies => "is not a field of a company",
                    },
                ),
            }
        }
        for (i, target) in columns.iter().enumerate() {
            if let Some(target) = target
                && !target.repeats()
                && columns[..i].contains(&Some(target.clone()))
            {
                errors.add(format!("mapping.{}", header[i]), "names a field another column fills");
            }
        }
        errors.into_result()?;
        Ok(Mapping::with_labels(header, columns))
    }

    fn with_labels(header: &[String], columns: Vec<Option<Target>>) -> Mapping {
        let labels = header
            .iter()
            .zip(&columns)
            .map(|(name, target)| match target {
                Some(Target::Email | Target::Phone) => label_of(name),
                _ => None,
            })
            .collect();
        Mapping { columns, labels }
    }

    /// The mapping as it is shown and kept: header → field key, `""` for a column left out. Of
    /// two columns with the same header, the first speaks for both, as choices apply to it.
    pub fn describe(&self, header: &[String]) -> BTreeMap<String, String> {
        let mut described = BTreeMap::new();
        for (name, target) in header.iter().zip(&self.columns) {
            described
                .entry(name.clone())
                .or_insert_with(|| target.as_ref().map(Target::key).unwrap_or_default());
        }
        described
    }

    /// Whether the file can say anything about a contact: a name or an email.
    pub fn names_someone(&self) -> bool {
        self.columns
            .iter()
            .flatten()
            .any(|t| matches!(t, Target::FirstName | Target::LastName | Target::FullName | Target::Email))
    }

    /// Whether the file names the companies it is about.
    pub fn names_a_company(&self) -> bool {
        self.columns.iter().flatten().any(|t| *t == Target::Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggested(headers: &[&str]) -> Vec<String> {
        let header: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        Mapping::suggest(RowKind::Contacts, &header, &[]).describe(&header).into_values().collect()
    }

    fn keys(header: &[&str]) -> Vec<String> {
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        let mapping = Mapping::suggest(RowKind::Contacts, &header, &[]);
        mapping.columns.iter().map(|t| t.as_ref().map(Target::key).unwrap_or_default()).collect()
    }

    #[test]
    fn french_and_english_headers_are_recognised() {
        assert_eq!(
            keys(&[
                "Prénom",
                "Nom",
                "Société",
                "E-mail",
                "Téléphone portable",
                "Code postal",
                "Ville",
                "Pays"
            ]),
            ["first_name", "last_name", "company", "email", "phone", "postal_code", "city", "country"]
        );
        assert_eq!(
            keys(&[
                "First Name",
                "Last Name",
                "Company",
                "Job Title",
                "E-mail Address",
                "Mobile Phone",
                "Notes"
            ]),
            ["first_name", "last_name", "company", "job_title", "email", "phone", ""]
        );
        assert_eq!(suggested(&["x"]), [""]);
        // Another system's number for the person; a bare "id" is this one's own.
        for header in ["N° client", "Customer ID", "Id externe", "Code client"] {
            assert_eq!(keys(&[header, "id"]), ["external_id", ""], "{header}");
        }
        let header = vec!["N° SIREN".to_owned()];
        let siren = Mapping::suggest(RowKind::Companies, &header, &[]);
        assert_eq!(siren.columns, [Some(Target::Siren)]);
    }

    #[test]
    fn address_book_exports_are_recognised() {
        assert_eq!(
            keys(&[
                "Given Name",
                "Family Name",
                "E-mail 1 - Type",
                "E-mail 1 - Value",
                "Phone 1 - Value",
                "Organization 1 - Name",
                "Organization 1 - Title"
            ]),
            ["first_name", "last_name", "", "email", "phone", "company", "job_title"]
        );
    }

    #[test]
    fn a_single_field_goes_to_its_first_column_and_labels_come_from_headers() {
        let header: Vec<String> =
            ["Nom", "Nom", "Téléphone bureau", "Mobile"].iter().map(|h| (*h).to_owned()).collect();
        let mapping = Mapping::suggest(RowKind::Contacts, &header, &[]);
        assert_eq!(mapping.columns, [Some(Target::LastName), None, Some(Target::Phone), Some(Target::Phone)]);
        assert_eq!(mapping.labels, [None, None, Some("work"), Some("mobile")]);
        assert_eq!(mapping.describe(&header)["Nom"], "last_name", "the first of two columns speaks for both");
    }

    #[test]
    fn choices_replace_suggestions_and_are_checked() {
        let header: Vec<String> = ["Nom", "Client", "Notes"].iter().map(|h| (*h).to_owned()).collect();
        let choices = BTreeMap::from([
            ("Client".to_owned(), "last_name".to_owned()),
            ("Nom".to_owned(), "full_name".to_owned()),
        ]);
        let mapping = Mapping::chosen(RowKind::Contacts, &header, &[], &choices).expect("a mapping");
        assert_eq!(mapping.columns, [Some(Target::FullName), Some(Target::LastName), None]);
        let wrong = BTreeMap::from([
            ("Absent".to_owned(), "email".to_owned()),
            ("Notes".to_owned(), "shoe_size".to_owned()),
        ]);
        let errors = Mapping::chosen(RowKind::Contacts, &header, &[], &wrong).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["mapping.Absent", "mapping.Notes"]);
    }
}
