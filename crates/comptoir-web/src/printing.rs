//! Quotes and orders as their customers read them: the sheet the PDF and the web page are
//! made from, in the reader's language.

use crate::i18n::Lang;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_app::companies::Companies;
use comptoir_app::orders::Orders;
use comptoir_app::quotes::Quotes;
use comptoir_app::{App, AppError};
use comptoir_domain::address::Address;
use comptoir_domain::ids::{CompanyId, OrderId, QuoteId};
use comptoir_domain::lines::{Discount, Line, Totals};
use comptoir_domain::money::Money;
use comptoir_domain::orders::Order;
use comptoir_domain::quotes::Quote;
use comptoir_domain::seller::Seller;
use comptoir_domain::users::Actor;
use comptoir_pdf::{Row, Sheet, Total};
use rust_decimal::Decimal;

/// The language an API client asks a document in (`Accept-Language`), English unless French
/// is asked for.
pub fn reader(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language)
}

/// A decimal as the language writes it: `5,5` in French, `5.5` in English.
pub fn decimal(lang: Lang, value: Decimal) -> String {
    let text = value.normalize().to_string();
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

fn address_lines(address: &Address) -> Vec<String> {
    let mut lines: Vec<String> = address.street.iter().flat_map(|s| s.lines()).map(str::to_owned).collect();
    let town =
        [address.postal_code.as_deref(), address.city.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    if !town.is_empty() {
        lines.push(town.join(" "));
    }
    if let Some(country) = address.country.as_deref().filter(|c| *c != "FR") {
        lines.push(country.to_owned());
    }
    lines
}

fn seller_lines(seller: &Seller, lang: Lang) -> Vec<String> {
    let mut lines = vec![seller.name.clone()];
    lines.extend(address_lines(&seller.address));
    let reach: Vec<String> =
        [seller.phone.as_ref().map(|p| lang.t1("print-contact", "phone", p)), seller.email.clone()]
            .into_iter()
            .flatten()
            .collect();
    if !reach.is_empty() {
        lines.push(reach.join(" · "));
    }
    lines
}

/// A document's lines as printed and shown: amounts written out, discounts in words.
pub fn rows(lines: &[Line], lang: Lang) -> Vec<Row> {
    lines
        .iter()
        .map(|line| Row {
            description: line.description.clone(),
            detail: line.discount.map(|discount| match discount {
                Discount::Percent(rate) => lang.t1("print-discount-percent", "rate", decimal(lang, rate)),
                Discount::Amount(amount) => {
                    let money = Money::from_minor(0, line.unit_price.currency);
                    let amount = Money::new(amount, money.currency).unwrap_or(money);
                    lang.t1("print-discount-amount", "amount", lang.amount(&amount))
                }
            }),
            quantity: match &line.unit {
                Some(unit) => format!("{} {unit}", decimal(lang, line.quantity)),
                None => decimal(lang, line.quantity),
            },
            unit_price: lang.amount(&line.unit_price),
            vat_rate: format!("{}\u{a0}%", decimal(lang, line.vat_rate)),
            amount: lang.amount(&line.net),
        })
        .collect()
}

/// A document's totals as printed and shown, the VAT breakdown between them.
pub fn totals(totals: &Totals, lang: Lang) -> Vec<Total> {
    let mut lines = vec![Total {
        label: lang.t("print-excluding-tax"),
        amount: lang.amount(&totals.excluding_tax),
        strong: false,
    }];
    for share in &totals.vat {
        let rate = decimal(lang, share.rate);
        let base = lang.amount(&share.base);
        lines.push(Total {
            label: lang.tn("print-vat-share", &[("rate", &rate), ("base", &base)]),
            amount: lang.amount(&share.tax),
            strong: false,
        });
    }
    if totals.vat.len() > 1 {
        lines.push(Total { label: lang.t("print-tax"), amount: lang.amount(&totals.tax), strong: false });
    }
    lines.push(Total {
        label: lang.t("print-including-tax"),
        amount: lang.amount(&totals.including_tax),
        strong: true,
    });
    lines
}

fn columns(lang: Lang) -> [String; 5] {
    ["description", "quantity", "unit-price", "vat", "amount"].map(|c| lang.t(&format!("print-column-{c}")))
}

/// Who a document is from and to, and what it is.
struct Party<'a> {
    title: String,
    number: &'a str,
    seller: &'a Seller,
    customer: Vec<String>,
    facts: Vec<(String, String)>,
}

/// What a document sells, and on what terms.
struct Content<'a> {
    lines: &'a [Line],
    totals: &'a Totals,
    terms: Option<&'a String>,
    notes: Option<&'a String>,
}

/// What a quote and an order print alike: the parties, the table, the totals, the payment
/// terms and notes, the seller's registration at the foot; no mention and no acceptance box,
/// which each document adds as it needs.
fn sheet(party: Party<'_>, content: Content<'_>, lang: Lang) -> Sheet {
    let mut paragraphs = Vec::new();
    paragraphs.extend(content.terms.map(|terms| (lang.t("print-payment-terms"), terms.clone())));
    paragraphs.extend(content.notes.map(|notes| (lang.t("print-notes"), notes.clone())));
    let capital = lang.t("print-capital");
    Sheet {
        title: party.title,
        number: party.number.to_owned(),
        language: lang.code().to_owned(),
        seller: seller_lines(party.seller, lang),
        customer_heading: lang.t("print-customer"),
        customer: party.customer,
        facts: party.facts,
        columns: columns(lang),
        rows: rows(content.lines, lang),
        totals: totals(content.totals, lang),
        paragraphs,
        mentions: Vec::new(),
        signature: None,
        footer: party.seller.registration(&capital, |m| lang.amount(m)),
        page: lang.t("print-page"),
        logo: None,
    }
}

/// The customer as printed: the company, the person, then the company's billing address (or
/// its first).
fn customer_lines(company: Option<String>, contact: Option<String>, addresses: &[Address]) -> Vec<String> {
    let mut customer = Vec::new();
    customer.extend(company);
    customer.extend(contact);
    let billing = addresses.iter().find(|a| {
        a.label.as_deref().is_some_and(|l| ["facturation", "billing"].contains(&l.to_lowercase().as_str()))
    });
    customer.extend(billing.or(addresses.first()).map(address_lines).unwrap_or_default());
    customer
}

/// An order as its customer reads it, confirming what was bought: the seller, the customer,
/// the quote it came from, the lines, the totals per VAT rate, the payment terms and the
/// mentions the law asks of a business document.
pub fn order_sheet(
    order: &Order,
    quote_number: Option<&str>,
    seller: &Seller,
    addresses: &[Address],
    lang: Lang,
) -> Sheet {
    let f = &order.fields;
    let customer = customer_lines(
        order.company.as_ref().map(|c| c.name.clone()),
        order.contact.as_ref().map(|c| c.name.clone()),
        addresses,
    );
    let mut facts = vec![(lang.t("print-ordered-on"), lang.day(f.ordered_on))];
    facts.extend(quote_number.map(|number| (lang.t("print-quote"), number.to_owned())));
    facts.extend(f.external_id.as_ref().map(|reference| (lang.t("print-your-reference"), reference.clone())));
    Sheet {
        mentions: vec![lang.t("print-late-payment")],
        ..sheet(
            Party {
                title: lang.t("print-order-confirmation"),
                number: &order.number,
                seller,
                customer,
                facts,
            },
            Content {
                lines: &f.lines,
                totals: &order.totals,
                terms: seller.payment_terms.as_ref(),
                notes: f.notes.as_ref(),
            },
            lang,
        )
    }
}

/// A quote as its customer reads it: the seller, the customer, the lines, the totals per VAT
/// rate, the payment terms, the mentions the law asks of it and the acceptance box.
/// `addresses` are the customer company's: the billing one is printed, else the first.
/// A sent quote prints its parties as they were when it was sent, whatever `seller` and
/// `addresses` say now.
pub fn quote_sheet(quote: &Quote, seller: &Seller, addresses: &[Address], lang: Lang) -> Sheet {
    let f = &quote.fields;
    let (seller, addresses, company, contact) = match &quote.issued_as {
        Some(issued) => {
            (&issued.seller, issued.addresses.as_slice(), issued.company.clone(), issued.contact.clone())
        }
        None => (
            seller,
            addresses,
            quote.company.as_ref().map(|c| c.name.clone()),
            quote.contact.as_ref().map(|c| c.name.clone()),
        ),
    };
    let customer = customer_lines(company, contact, addresses);
    let mut facts = vec![
        (lang.t("print-issued-on"), lang.day(f.issued_on)),
        (lang.t("print-valid-until"), lang.day(f.valid_until)),
    ];
    facts.extend(quote.deal.as_ref().map(|deal| (lang.t("print-deal"), deal.title.clone())));
    let terms = f.payment_terms.as_ref().or(seller.payment_terms.as_ref());
    Sheet {
        mentions: vec![
            lang.t1("print-validity", "day", lang.day(f.valid_until)),
            lang.t("print-late-payment"),
        ],
        signature: Some((lang.t("print-signature"), lang.t("print-signature-hint"))),
        ..sheet(
            Party { title: lang.t("print-quote"), number: &quote.number, seller, customer, facts },
            Content { lines: &f.lines, totals: &quote.totals, terms, notes: f.notes.as_ref() },
            lang,
        )
    }
}

/// A printed document, answered as a PDF file named after its number.
pub struct Printed {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl IntoResponse for Printed {
    fn into_response(self) -> Response {
        let disposition = format!("inline; filename=\"{}.pdf\"", self.file_name);
        let mut response = (StatusCode::OK, self.bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    }
}

/// The addresses of the customer company, where it prints from; none for a company the reader
/// may not see.
async fn company_addresses(app: &App, actor: &Actor, company: Option<CompanyId>) -> Vec<Address> {
    match company {
        Some(company) => {
            app.get::<Companies>(actor, company).await.map(|c| c.fields.addresses).unwrap_or_default()
        }
        None => Vec::new(),
    }
}

/// Reads quote `id` and everything printed with it: the sheet, and the quote's number to name
/// the file after.
pub async fn quote_sheet_of(
    app: &App,
    actor: &Actor,
    id: QuoteId,
    lang: Lang,
) -> Result<(Sheet, String), AppError> {
    let quote = app.get::<Quotes>(actor, id).await?;
    let (seller, _) = app.seller().await?;
    let addresses = company_addresses(app, actor, quote.fields.company_id).await;
    let mut sheet = quote_sheet(&quote, &seller, &addresses, lang);
    sheet.logo = app.seller_logo().await?.map(|logo| logo.content);
    Ok((sheet, quote.number))
}

/// Reads order `id` and everything printed with it: the sheet, and the order's number to name
/// the file after. The seller prints as it stands now.
pub async fn order_sheet_of(
    app: &App,
    actor: &Actor,
    id: OrderId,
    lang: Lang,
) -> Result<(Sheet, String), AppError> {
    let order = app.get::<Orders>(actor, id).await?;
    let (seller, _) = app.seller().await?;
    let addresses = company_addresses(app, actor, order.fields.company_id).await;
    let quote_number = match order.fields.quote_id {
        Some(quote) => app.get::<Quotes>(actor, quote).await.ok().map(|q| q.number),
        None => None,
    };
    let mut sheet = order_sheet(&order, quote_number.as_deref(), &seller, &addresses, lang);
    sheet.logo = app.seller_logo().await?.map(|logo| logo.content);
    Ok((sheet, order.number))
}

/// Reads quote `id` and prints it.
pub async fn print_quote(app: &App, actor: &Actor, id: QuoteId, lang: Lang) -> Result<Printed, AppError> {
    print(quote_sheet_of(app, actor, id, lang).await?).await
}

/// Reads order `id` and prints it.
pub async fn print_order(app: &App, actor: &Actor, id: OrderId, lang: Lang) -> Result<Printed, AppError> {
    print(order_sheet_of(app, actor, id, lang).await?).await
}

/// Lays out and writes a sheet as a PDF: a few milliseconds of CPU, done off the request
/// threads.
async fn print((sheet, file_name): (Sheet, String)) -> Result<Printed, AppError> {
    let bytes = tokio::task::spawn_blocking(move || comptoir_pdf::render(&sheet))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Printed { file_name, bytes })
}

/// Reads quote `id` and answers it as a web page.
pub async fn show_quote(app: &App, actor: &Actor, id: QuoteId, lang: Lang) -> Result<Response, AppError> {
    let (sheet, file_name) = quote_sheet_of(app, actor, id, lang).await?;
    Ok(crate::sheet_page::sheet_page(&sheet, &file_name))
}

/// Reads order `id` and answers it as a web page.
pub async fn show_order(app: &App, actor: &Actor, id: OrderId, lang: Lang) -> Result<Response, AppError> {
    let (sheet, file_name) = order_sheet_of(app, actor, id, lang).await?;
    Ok(crate::sheet_page::sheet_page(&sheet, &file_name))
}
