//! Laying a sheet out: where each piece of text and each rule goes, page by page. Measured
//! and wrapped here, drawn by the caller; the page count is known before any page is drawn,
//! so each foot says « 1 / 2 ».

use crate::fonts::Fonts;
use crate::sheet::{Row, Sheet};

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 48.0;
const CONTENT: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where the body stops: below is the foot.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 28.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;
const LEADING: f32 = 1.35;

/// One thing to draw; `y` is a baseline for text, measured from the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    Rule {
        x: f32,
        y: f32,
        width: f32,
        weight: f32,
    },
    Shade {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    /// The seller's logo; `y` is its top.
    Logo {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

/// The tallest and widest a logo is drawn, in points; its proportions kept.
const LOGO_HEIGHT: f32 = 48.0;
const LOGO_WIDTH: f32 = CONTENT * 0.4;

/// The table's columns: where each starts and how wide it is; numbers align right.
const COLUMNS: [(f32, f32); 5] = [
    (MARGIN, 253.0),
    (MARGIN + 257.0, 48.0),
    (MARGIN + 309.0, 70.0),
    (MARGIN + 383.0, 42.0),
    (MARGIN + 429.0, CONTENT - 429.0),
];

struct Pager<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Pager<'a> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        self.ops().push(Op::Text { x, y, size, bold, grey: false, text: text.to_owned() });
    }

    fn grey(&mut self, x: f32, size: f32, text: &str) {
        let y = self.y;
        self.ops().push(Op::Text { x, y, size, bold: false, grey: true, text: text.to_owned() });
    }

    fn right(&mut self, right_edge: f32, size: f32, bold: bool, text: &str) {
        let x = right_edge - self.fonts.width(text, size, bold);
        self.text(x, size, bold, text);
    }

    fn rule(&mut self, weight: f32) {
        let y = self.y;
        self.ops().push(Op::Rule { x: MARGIN, y, width: CONTENT, weight });
    }

    /// Starts a new page when `height` more would run into the foot; says whether it did.
    fn room_for(&mut self, height: f32) -> bool {
        if self.y + height <= BOTTOM {
            return false;
        }
        self.pages.push(Vec::new());
        self.y = MARGIN + BODY;
        true
    }

    /// `text` cut into lines no wider than `width`, between words (a word too long for a
    /// line is cut where it must be).
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
                if self.fonts.width(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut rest = word.to_owned();
                while self.fonts.width(&rest, size, bold) > width {
                    let mut cut = rest.len();
                    while cut > 1 && self.fonts.width(&rest[..cut], size, bold) > width {
                        cut = rest[..cut].char_indices().last().map_or(1, |(i, _)| i.max(1));
                    }
                    lines.push(rest[..cut].to_owned());
                    rest = rest[cut..].to_owned();
                }
                line = rest;
            }
            lines.push(line);
        }
        lines
    }
}

/// `logo` is the logo's size in pixels, when there is one to draw.
pub fn lay_out(sheet: &Sheet, fonts: &Fonts, logo: Option<(u32, u32)>) -> Vec<Vec<Op>> {
    let mut pager = Pager { fonts, pages: vec![Vec::new()], y: MARGIN + 14.0 };
    head(&mut pager, sheet, logo);
    table(&mut pager, sheet);
    totals(&mut pager, sheet);
    closing(&mut pager, sheet);
    let count = pager.pages.len();
    for (n, page) in pager.pages.iter_mut().enumerate() {
        let foot_y = PAGE_HEIGHT - MARGIN + 4.0;
        page.push(Op::Rule { x: MARGIN, y: foot_y - 12.0, width: CONTENT, weight: 0.5 });
        let mut foot = Pager { fonts, pages: Vec::new(), y: foot_y };
        for line in foot.wrap(&sheet.footer, SMALL, false, CONTENT - 60.0).into_iter().take(2) {
            foot.grey(MARGIN, SMALL, &line);
            foot.y += SMALL * LEADING;
        }
        foot.y = foot_y;
        let number = format!("{} {} / {count}", sheet.page, n + 1);
        let x = MARGIN + CONTENT - fonts.width(&number, SMALL, false);
        foot.grey(x, SMALL, &number);
        page.extend(foot.pages.into_iter().flatten());
    }
    pager.pages
}

/// The seller on the left (under its logo), the title and the facts on the right, the
/// customer below them.
fn head(p: &mut Pager<'_>, sheet: &Sheet, logo: Option<(u32, u32)>) {
    let top = p.y;
    if let Some((pixels_wide, pixels_high)) = logo.filter(|(w, h)| *w > 0 && *h > 0) {
        let scale = (LOGO_HEIGHT / pixels_high as f32).min(LOGO_WIDTH / pixels_wide as f32);
        let (width, height) = (pixels_wide as f32 * scale, pixels_high as f32 * scale);
        p.ops().push(Op::Logo { x: MARGIN, y: MARGIN, width, height });
        p.y = MARGIN + height + 14.0;
    }
    for (n, line) in sheet.seller.iter().enumerate() {
        let (size, bold) = if n == 0 { (13.0, true) } else { (BODY, false) };
        for wrapped in p.wrap(line, size, bold, CONTENT * 0.5) {
            p.text(MARGIN, size, bold, &wrapped);
            p.y += size * LEADING;
        }
    }
    let left_end = p.y;
    p.y = top;
    let right = MARGIN + CONTENT;
    p.right(right, 18.0, true, &sheet.title.to_uppercase());
    p.y += 18.0;
    p.right(right, 11.0, true, &sheet.number);
    p.y += 11.0 * LEADING + 4.0;
    for (label, value) in &sheet.facts {
        let value_width = p.fonts.width(value, BODY, false);
        p.right(right, BODY, false, value);
        p.grey(right - value_width - 6.0 - p.fonts.width(label, BODY, false), BODY, label);
        p.y += BODY * LEADING;
    }
    p.y = p.y.max(left_end) + 16.0;
    let box_x = MARGIN + CONTENT * 0.55;
    let box_width = CONTENT * 0.45;
    let lines: Vec<(String, bool)> = sheet
        .customer
        .iter()
        .enumerate()
        .flat_map(|(n, line)| {
            let bold = n == 0;
            p.wrap(line, BODY + if bold { 1.0 } else { 0.0 }, bold, box_width - 16.0)
                .into_iter()
                .map(move |l| (l, bold))
        })
        .collect();
    let height = 14.0 + BODY * LEADING * (lines.len() as f32 + 1.0);
    let y = p.y;
    p.ops().push(Op::Shade { x: box_x, y, width: box_width, height });
    p.y += 14.0;
    p.grey(box_x + 8.0, SMALL, &sheet.customer_heading.to_uppercase());
    p.y += BODY * LEADING;
    for (line, bold) in lines {
        p.text(box_x + 8.0, BODY + if bold { 1.0 } else { 0.0 }, bold, &line);
        p.y += BODY * LEADING;
    }
    p.y = y + height + 24.0;
}

fn table_header(p: &mut Pager<'_>, sheet: &Sheet) {
    let y = p.y - BODY - 4.0;
    p.ops().push(Op::Shade { x: MARGIN, y, width: CONTENT, height: BODY + 10.0 });
    for (n, heading) in sheet.columns.iter().enumerate() {
        let (x, width) = COLUMNS[n];
        if n == 0 {
            p.text(x + 4.0, BODY - 0.5, true, heading);
        } else {
            p.right(x + width - 4.0, BODY - 0.5, true, heading);
        }
    }
    p.y += BODY + 10.0;
}

fn table(p: &mut Pager<'_>, sheet: &Sheet) {
    table_header(p, sheet);
    for row in &sheet.rows {
        let lines = p.wrap(&row.description, BODY, false, COLUMNS[0].1 - 8.0);
        let detail =
            row.detail.iter().flat_map(|d| p.wrap(d, SMALL, false, COLUMNS[0].1 - 8.0)).collect::<Vec<_>>();
        let height = BODY * LEADING * lines.len() as f32 + SMALL * LEADING * detail.len() as f32 + 6.0;
        if p.room_for(height) {
            table_header(p, sheet);
        }
        one_row(p, row, &lines, &detail);
    }
    p.y += 4.0;
}

fn one_row(p: &mut Pager<'_>, row: &Row, lines: &[String], detail: &[String]) {
    let top = p.y;
    let cells = [&row.quantity, &row.unit_price, &row.vat_rate, &row.amount];
    for (n, cell) in cells.into_iter().enumerate() {
        let (x, width) = COLUMNS[n + 1];
        p.right(x + width - 4.0, BODY, false, cell);
    }
    for line in lines {
        p.text(COLUMNS[0].0 + 4.0, BODY, false, line);
        p.y += BODY * LEADING;
    }
    for line in detail {
        p.grey(COLUMNS[0].0 + 4.0, SMALL, line);
        p.y += SMALL * LEADING;
    }
    p.y = p.y.max(top + BODY * LEADING) - BODY * 0.6;
    p.rule(0.4);
    p.y += BODY * 0.6 + BODY + 1.0;
}

fn totals(p: &mut Pager<'_>, sheet: &Sheet) {
    let height = sheet.totals.len() as f32 * (BODY * LEADING + 2.0) + 10.0;
    p.room_for(height);
    let right = MARGIN + CONTENT - 4.0;
    let label_x = MARGIN + CONTENT * 0.55;
    for total in &sheet.totals {
        let size = if total.strong { BODY + 2.0 } else { BODY };
        if total.strong {
            let y = p.y - size - 3.0;
            p.ops().push(Op::Shade {
                x: label_x - 6.0,
                y,
                width: right - label_x + 10.0,
                height: size + 8.0,
            });
        }
        p.text(label_x, size, total.strong, &total.label);
        p.right(right, size, total.strong, &total.amount);
        p.y += size * LEADING + 2.0;
    }
    p.y += 16.0;
}

fn closing(p: &mut Pager<'_>, sheet: &Sheet) {
    for (heading, text) in &sheet.paragraphs {
        let lines = p.wrap(text, BODY, false, CONTENT);
        p.room_for(BODY * LEADING * (lines.len() as f32 + 1.0));
        p.text(MARGIN, BODY, true, heading);
        p.y += BODY * LEADING;
        for line in lines {
            p.text(MARGIN, BODY, false, &line);
            p.y += BODY * LEADING;
        }
        p.y += 6.0;
    }
    for mention in &sheet.mentions {
        let lines = p.wrap(mention, SMALL, false, CONTENT);
        p.room_for(SMALL * LEADING * lines.len() as f32);
        for line in lines {
            p.grey(MARGIN, SMALL, &line);
            p.y += SMALL * LEADING;
        }
    }
    if let Some((heading, hint)) = &sheet.signature {
        let height = 90.0;
        p.y += 12.0;
        p.room_for(height);
        let x = MARGIN + CONTENT * 0.55;
        let width = CONTENT * 0.45;
        let top = p.y;
        p.ops().push(Op::Rule { x, y: top, width, weight: 0.6 });
        p.ops().push(Op::Rule { x, y: top + height - 10.0, width, weight: 0.6 });
        p.y += BODY + 6.0;
        p.text(x + 4.0, BODY, true, heading);
        p.y += BODY * LEADING;
        p.grey(x + 4.0, SMALL, hint);
        p.y = top + height;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Total;

    fn sheet(rows: usize) -> Sheet {
        Sheet {
            title: "Devis".into(),
            number: "D-2026-0001".into(),
            language: "fr".into(),
            seller: vec!["Comptoir Conseil".into(), "3 rue de la République".into(), "69001 Lyon".into()],
            customer_heading: "Client".into(),
            customer: vec!["Boulangerie Martin".into()],
            facts: vec![("Date".into(), "30/11/2026".into())],
            columns: ["Désignation".into(), "Qté".into(), "PU HT".into(), "TVA".into(), "Total HT".into()],
            rows: (0..rows)
                .map(|n| Row {
                    description: format!("Prestation numéro {n} avec une description assez longue pour être coupée sur deux lignes au moins"),
                    quantity: "1".into(),
                    unit_price: "100,00 €".into(),
                    vat_rate: "20 %".into(),
                    amount: "100,00 €".into(),
                    ..Row::default()
                })
                .collect(),
            totals: vec![Total { label: "Total TTC".into(), amount: "120,00 €".into(), strong: true }],
            footer: "SAS au capital de 10 000 € · RCS Lyon 732 829 320".into(),
            page: "Page".into(),
            ..Sheet::default()
        }
    }

    fn texts(pages: &[Vec<Op>]) -> Vec<&str> {
        pages
            .iter()
            .flatten()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn long_tables_go_on_with_their_header_and_every_page_is_numbered() {
        let fonts = match Fonts::load() {
            Ok(fonts) => fonts,
            Err(error) => panic!("{error}"),
        };
        let one = lay_out(&sheet(3), &fonts, None);
        assert_eq!(one.len(), 1);
        assert!(texts(&one).contains(&"Page 1 / 1"));
        let many = lay_out(&sheet(60), &fonts, None);
        assert!(many.len() >= 3, "{} pages", many.len());
        let headers = texts(&many).iter().filter(|t| **t == "Désignation").count();
        assert_eq!(headers, many.len(), "the table's header on every page it runs on");
        assert!(texts(&many).contains(&format!("Page {0} / {0}", many.len()).as_str()));
        for page in &many {
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(*y < PAGE_HEIGHT - MARGIN / 2.0, "nothing runs off the page");
                }
            }
        }
    }

    #[test]
    fn text_wraps_between_words_within_its_width() {
        let fonts = match Fonts::load() {
            Ok(fonts) => fonts,
            Err(error) => panic!("{error}"),
        };
        let pager = Pager { fonts: &fonts, pages: Vec::new(), y: 0.0 };
        let lines = pager.wrap("Installation et paramétrage du logiciel de caisse", BODY, false, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| fonts.width(l, BODY, false) <= 100.0));
        assert_eq!(lines.join(" "), "Installation et paramétrage du logiciel de caisse");
        let cut = pager.wrap("Anticonstitutionnellementissimement", BODY, false, 40.0);
        assert_eq!(cut.concat(), "Anticonstitutionnellementissimement", "a long word is cut, not lost");
    }
}
