use comptoir_domain::privacy::{PERSONAL_COLUMNS, is_classified};
use comptoir_testkit::{TestServer, on_both_databases};
use std::collections::BTreeSet;

on_both_databases!(every_column_is_declared_personal_or_not);

/// Export, erasure and retention iterate the privacy registry; a column missing from it would
/// silently escape all three.
async fn every_column_is_declared_personal_or_not(s: TestServer) {
    let columns = s.db.columns().await.expect("the schema");
    assert!(columns.len() > 50, "the schema was read");
    let unclassified: Vec<String> = columns
        .iter()
        .filter(|(table, column)| !is_classified(table, column))
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    assert!(unclassified.is_empty(), "declare these in comptoir_domain::privacy: {unclassified:?}");
    let present: BTreeSet<(String, String)> = columns.into_iter().collect();
    for declared in PERSONAL_COLUMNS.iter().filter(|c| !c.column.ends_with("_tsv")) {
        assert!(
            present.contains(&(declared.table.to_owned(), declared.column.to_owned())),
            "{}.{} is declared personal but does not exist",
            declared.table,
            declared.column
        );
    }
}

#[test]
fn both_migration_trees_hold_the_same_migrations() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../comptoir-store/migrations");
    let names = |engine: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(engine))
            .expect("a migration folder")
            .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}
