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
    }
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
