//! A printed sheet reads back as written: the fonts are embedded with their character maps,
//! so accents, the euro sign and every amount come out of the PDF as text.

use comptoir_pdf::{Row, Sheet, Total, render};

fn sheet(rows: usize) -> Sheet {
    Sheet {
        title: "Devis".into(),
        number: "D-2026-0042".into(),
        language: "fr".into(),
        seller: vec!["Comptoir Conseil".into(), "3 rue de la République".into(), "69001 Lyon".into()],
        customer_heading: "Client".into(),
        customer: vec!["Boulangerie Émile Martin".into(), "12 place du Marché".into()],
        facts: vec![("Date".into(), "30/11/2026".into()), ("Valable jusqu’au".into(), "30/12/2026".into())],
        columns: ["Désignation".into(), "Qté".into(), "PU HT".into(), "TVA".into(), "Total HT".into()],
        rows: (1..=rows)
            .map(|n| Row {
                description: format!("Prestation {n} : paramétrage de la caisse enregistreuse"),
                detail: Some("Remise 10 %".into()),
                quantity: "2,5 jours".into(),
                unit_price: "900,00 €".into(),
                vat_rate: "20 %".into(),
                amount: "2 025,00 €".into(),
            })
            .collect(),
        totals: vec![
            Total { label: "Total HT".into(), amount: "2 199,70 €".into(), strong: false },
            Total { label: "Total TTC".into(), amount: "2 628,81 €".into(), strong: true },
        ],
        paragraphs: vec![("Conditions de paiement".into(), "30 jours fin de mois".into())],
        mentions: vec!["Indemnité forfaitaire pour frais de recouvrement : 40 €.".into()],
        signature: Some(("Bon pour accord".into(), "Date, signature et cachet du client".into())),
        footer: "SAS au capital de 10 000 € · RCS Lyon 732 829 320".into(),
        page: "Page".into(),
        logo: None,
    }
}

/// A PNG of four by two red pixels.
const RED_PNG: [u8; 73] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 2, 8, 2, 0, 0, 0, 240,
    202, 234, 52, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 33, 39, 7, 71, 12, 200, 28, 0, 111, 10, 8,
    33, 6, 165, 210, 118, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

#[test]
fn the_sellers_logo_is_drawn_above_its_name_and_a_broken_one_is_left_out() {
    assert_eq!(comptoir_pdf::logo_size(&RED_PNG).ok(), Some((4, 2)));
    assert!(comptoir_pdf::logo_size(b"GIF89a not a logo").is_err());
    let truncated = &RED_PNG[..40];
    assert!(comptoir_pdf::logo_size(truncated).is_err(), "a PNG cut short does not read");
    let plain = render(&sheet(3)).unwrap_or_else(|e| panic!("{e}"));
    let with_logo =
        render(&Sheet { logo: Some(RED_PNG.to_vec()), ..sheet(3) }).unwrap_or_else(|e| panic!("{e}"));
    let images = |pdf: &[u8]| pdf.windows(13).filter(|w| *w == b"/Subtype /Ima").count();
    assert_eq!((images(&plain), images(&with_logo)), (0, 1), "one image, drawn once");
    assert!(text_of(&with_logo).contains("Comptoir Conseil"), "the text still reads");
    let broken =
        render(&Sheet { logo: Some(truncated.to_vec()), ..sheet(3) }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(images(&broken), 0, "the document, without the logo");
}

fn text_of(pdf: &[u8]) -> String {
    match pdf_extract::extract_text_from_mem(pdf) {
        Ok(text) => text,
        Err(error) => panic!("the PDF reads back: {error}"),
    }
}

#[test]
fn a_printed_quote_reads_back_as_text_accents_and_all() {
    let pdf = match render(&sheet(3)) {
        Ok(pdf) => pdf,
        Err(error) => panic!("{error}"),
    };
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for expected in [
        "DEVIS",
        "D-2026-0042",
        "Boulangerie Émile Martin",
        "paramétrage de la caisse enregistreuse",
        "2 628,81 €",
        "Bon pour accord",
        "RCS Lyon 732 829 320",
        "Page 1 / 1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text:?}");
    }
}

#[test]
fn a_long_quote_runs_over_several_pages() {
    let pdf = match render(&sheet(80)) {
        Ok(pdf) => pdf,
        Err(error) => panic!("{error}"),
    };
    let text = text_of(&pdf);
    assert!(text.contains("Prestation 80 :"), "the last line is printed");
    assert!(text.contains("Page 1 / "), "{text}");
    assert!(!text.contains("Page 1 / 1"), "more than one page");
}
