// The migrations are compiled in (`sqlx::migrate!`); a new file in their folders must rebuild
// the crate, which Cargo only knows when told.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
