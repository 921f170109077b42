//! What a printed document says, every word already in its reader's language and every
//! amount already written out.

/// A quote or an order, ready to print.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// « Devis », « Bon de commande »…
    pub title: String,
    pub number: String,
    /// The language it is written in (`fr`), declared in the file for screen readers.
    pub language: String,
    /// The seller: its name first, then its address and contact lines.
    pub seller: Vec<String>,
    pub customer_heading: String,
    /// The customer: its name first, then the person and the address.
    pub customer: Vec<String>,
    /// Dates and references, as label and value: « Date : 30/11/2026 ».
    pub facts: Vec<(String, String)>,
    /// The table's headings: description, quantity, unit price, VAT rate, amount.
    pub columns: [String; 5],
    pub rows: Vec<Row>,
    /// Totals, then the VAT breakdown, from top to bottom.
    pub totals: Vec<Total>,
    /// Headed paragraphs: payment terms, notes.
    pub paragraphs: Vec<(String, String)>,
    /// What the law asks the document to say, in small print.
    pub mentions: Vec<String>,
    /// The acceptance box (« Bon pour accord ») and what to write in it.
    pub signature: Option<(String, String)>,
    /// The seller's registration, at the foot of every page.
    pub footer: String,
    /// « Page », followed by « 1 / 2 ».
    pub page: String,
    /// The seller's logo, PNG or JPEG, above its name; a logo that does not read is left out.
    pub logo: Option<Vec<u8>>,
}

/// One line of the table.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub description: String,
    /// Under the description, in grey: a discount.
    pub detail: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub vat_rate: String,
    pub amount: String,
}

/// One line of the totals.
#[derive(Clone, Debug, Default)]
pub struct Total {
    pub label: String,
    pub amount: String,
    /// The line that matters most (the total including tax).
    pub strong: bool,
}
