//! The columns a kind's records are listed with, as clients name them and as a CSV export
//! heads them, each with where its value sits in a record's JSON.

use crate::bulk::BulkKind;
use crate::companies::Companies;
use crate::contacts::Contacts;
use crate::deals::Deals;
use crate::tickets::Tickets;
use comptoir_store::listing::Catalog;

pub trait Columns: BulkKind {
    /// Each column's name and JSON pointer, in the list's order.
    fn columns() -> Vec<(&'static str, &'static str)>;
}

fn of(catalog: &'static Catalog) -> Vec<(&'static str, &'static str)> {
    catalog.columns.iter().map(|c| (c.name, c.pointer)).collect()
}

impl Columns for Contacts {
    fn columns() -> Vec<(&'static str, &'static str)> {
        of(&comptoir_store::contacts::CATALOG)
    }
}

impl Columns for Companies {
    fn columns() -> Vec<(&'static str, &'static str)> {
        of(&comptoir_store::companies::CATALOG)
    }
}

impl Columns for Deals {
    fn columns() -> Vec<(&'static str, &'static str)> {
        of(&comptoir_store::deals::CATALOG)
    }
}

impl Columns for Tickets {
    fn columns() -> Vec<(&'static str, &'static str)> {
        of(&comptoir_store::tickets::CATALOG)
    }
}
