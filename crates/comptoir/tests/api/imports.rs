use comptoir_domain::users::Role;
use comptoir_testkit::{Answer, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(
    a_french_excel_file_is_checked_then_imported_then_matched,
    undoing_an_import_reverts_it_except_what_changed_since,
    unreadable_files_and_bad_requests_change_nothing,
    an_interrupted_import_is_taken_up_where_it_stopped,
    a_killed_import_leaves_whole_batches_and_runs_again,
    rows_about_what_the_batch_before_wrote_add_to_it,
    a_contact_changed_by_someone_else_during_an_import_keeps_both_changes,
    the_pages_check_a_file_then_import_it_then_undo_it,
    a_list_exported_then_imported_changes_nothing,
    the_api_lists_as_csv_what_imports_back,
    contacts_leave_as_vcards_an_address_book_reads,
    address_books_import_from_every_exporter,
    an_import_that_wrote_contacts_looks_for_their_duplicates,
    rows_are_matched_on_another_systems_id_before_their_email,
    a_row_naming_no_company_joins_the_one_at_its_email_domain,
    rows_looking_like_a_contact_on_file_are_named_and_may_be_left_out,
    a_check_gives_every_refused_row_back_to_be_fixed_and_sent_again,
);

pub(super) async fn upload(s: &TestServer, query: &str, token: &str, bytes: Vec<u8>) -> Answer {
    let response = s
        .client
        .post(format!("{}/api/v1/imports?{query}", s.base_url))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(bytes)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

/// The import once it no longer runs.
pub(super) async fn finished(s: &TestServer, answer: &Answer) -> Value {
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{:?}", answer.body);
    let location = answer.header("location").expect("the import's address").to_owned();
    for _ in 0..300 {
        let import = s.get(&location, &s.admin).await.body;
        if import["status"] != "running" {
            return import;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

async fn contacts(s: &TestServer) -> Vec<Value> {
    s.get("/api/v1/contacts?limit=500&sort=last_name", &s.admin).await.body["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Defines a custom field of contacts.
async fn contact_field(s: &TestServer, key: &str, label: &str, field_type: &str) {
    let body = json!({"object_type": "contact", "key": key, "label": label, "field_type": field_type});
    let made = s.post("/api/v1/custom-fields", &s.admin, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
}

fn windows_1252(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

/// What a French Excel saves: Windows-1252, `;`, CRLF, a quoted cell over two lines, dates
/// day first, decimal commas.
const FRENCH_EXCEL: &str = "Prénom;Nom;Société;E-mail;Téléphone portable;Ville;Signé le;Budget;Notes\r\n\
Hélène;Dupré;Crème & Cie;helene.dupre@exemple.fr;06 12 34 56 78;Lyon;31/12/2026;1 234,50;\"deux\r\nlignes\"\r\n\
\r\n\
José;Núñez;Crème & Cie;jose@exemple.fr;;Paris;;;\r\n\
Bad;Row;;pas-une-adresse;;;;;\r\n\
;;;;;;;;\r\n\
Zoé;Lefèvre;Atelier Zoé;ZOE@Exemple.fr;+33 6 98 76 54 32;Nantes;2026-01-15;12;\r\n";

async fn a_french_excel_file_is_checked_then_imported_then_matched(s: TestServer) {
    contact_field(&s, "signed_on", "Signé le", "date").await;
    contact_field(&s, "budget", "Budget", "number").await;
    let file = windows_1252(FRENCH_EXCEL);

    let preview = finished(
        &s,
        &upload(&s, "kind=contacts&dry_run=true&file_name=clients.csv", &s.admin, file.clone()).await,
    )
    .await;
    assert_eq!(preview["status"], "done", "{preview}");
    assert_eq!(preview["counts"]["skipped"], 1, "{preview}");
    assert_eq!(preview["dry_run"], true);
    assert_eq!(
        preview["counts"],
        json!({"rows": 4, "created": 3, "updated": 0, "unchanged": 0, "skipped": 1, "companies_created": 2, "lookalikes": 0})
    );
    assert_eq!(
        preview["errors"],
        json!([{"line": 6, "field": "emails[0]", "message": preview["errors"][0]["message"]}])
    );
    assert_eq!(preview["mapping"]["Société"], "company");
    assert_eq!(preview["mapping"]["Notes"], "");
    assert!(contacts(&s).await.is_empty(), "a dry run writes nothing");

    let import =
        finished(&s, &upload(&s, "kind=contacts&file_name=clients.csv", &s.admin, file.clone()).await).await;
    assert_eq!(import["counts"], preview["counts"], "the dry run said what the import did");
    assert_eq!(import["file_bytes"], json!(file.len()));
    assert_eq!(import["bytes_read"], import["file_bytes"], "read to its end");
    let people = contacts(&s).await;
    let names: Vec<&str> = people.iter().filter_map(|c| c["last_name"].as_str()).collect();
    assert_eq!(names, ["Dupré", "Lefèvre", "Núñez"]);
    let helene = &people[0];
    assert_eq!(helene["phones"][0], json!({"number": "+33612345678", "label": "mobile"}));
    assert_eq!(helene["custom_fields"], json!({"signed_on": "2026-12-31", "budget": 1234.5}));
    assert_eq!(helene["company"]["name"], "Crème & Cie");
    assert_eq!(people[2]["company"]["id"], helene["company"]["id"], "one company for both rows");
    let audit = s
        .get(
            &format!("/api/v1/audit?operation_id={}&limit=100", import["id"].as_str().unwrap_or_default()),
            &s.admin,
        )
        .await;
    assert_eq!(audit.body["data"].as_array().map(Vec::len), Some(5), "two companies and three contacts");

    // The same people again, one with a new job and a new number: matched by email (whatever
    // its case) or phone, updated, the others untouched.
    let again = "E-mail;Fonction;Téléphone\nhelene.dupre@exemple.fr;Gérante;04 78 00 00 00\nzoe@exemple.fr;;\n;Stagiaire;+33698765432\n";
    let second = finished(&s, &upload(&s, "kind=contacts", &s.admin, again.as_bytes().to_vec()).await).await;
    assert_eq!(second["counts"]["updated"], 1, "{second}");
    assert_eq!(second["counts"]["unchanged"], 1, "{second}");
    assert_eq!(second["counts"]["created"], 0);
    assert_eq!(second["counts"]["skipped"], 1, "the third row is Zoé again, by phone: {second}");
    let helene = s
        .get(&format!("/api/v1/contacts/{}", helene["id"].as_str().unwrap_or_default()), &s.admin)
        .await
        .body;
    assert_eq!(helene["job_title"], "Gérante");
    assert_eq!(helene["phones"].as_array().map(Vec::len), Some(2));
    assert_eq!(helene["first_name"], "Hélène", "an absent column keeps the value");

    let list = s.get("/api/v1/imports", &s.admin).await;
    assert_eq!(list.body["data"].as_array().map(Vec::len), Some(3));
    assert_eq!(list.body["data"][2]["file_name"], "clients.csv");

    // A company written in capitals without its accents, as spreadsheets often have it, is the
    // one on file.
    let capitals = "Nom;Société\nLemoine;CREME & CIE\n";
    let third =
        finished(&s, &upload(&s, "kind=contacts", &s.admin, capitals.as_bytes().to_vec()).await).await;
    assert_eq!(third["counts"]["companies_created"], 0, "{third}");
    let lemoine = contacts(&s).await.into_iter().find(|c| c["last_name"] == "Lemoine").expect("imported");
    assert_eq!(lemoine["company"]["id"], helene["company"]["id"]);
    assert_eq!(lemoine["company"]["name"], "Crème & Cie");
}

async fn undoing_an_import_reverts_it_except_what_changed_since(s: TestServer) {
    let kept = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"last_name": "Existant", "emails": ["existant@exemple.fr"], "job_title": "Avant"}),
        )
        .await;
    let kept_id = kept.id();
    let (_, sales) = s.user(Role::Sales).await;
    let file = "Nom,Email,Fonction,Société\nExistant,existant@exemple.fr,Après,\nNouveau,nouveau@exemple.fr,,Neuve SA\nAutre,autre@exemple.fr,,Seule SARL\n";
    let import = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.as_bytes().to_vec()).await).await;
    assert_eq!(
        (import["counts"]["created"].as_u64(), import["counts"]["updated"].as_u64()),
        (Some(2), Some(1))
    );
    let id = import["id"].as_str().unwrap_or_default().to_owned();

    // Someone changes one of the new contacts afterwards.
    let people = contacts(&s).await;
    let nouveau = people.iter().find(|c| c["last_name"] == "Nouveau").expect("imported");
    let nouveau_id = nouveau["id"].as_str().unwrap_or_default().to_owned();
    let changed = s
        .patch(&format!("/api/v1/contacts/{nouveau_id}"), &s.admin, json!({"job_title": "Client fidèle"}))
        .await;
    assert_eq!(changed.status, StatusCode::OK);

    let refused = s.post(&format!("/api/v1/imports/{id}/undo"), &sales, json!({})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only its author or an admin undoes it");

    let undone = s.post(&format!("/api/v1/imports/{id}/undo"), &s.admin, json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert_eq!(undone.body["status"], "undone");
    // Reverted: Existant's change, Autre and Seule SARL. Left alone: Nouveau, changed since,
    // and Neuve SA, which Nouveau still works for.
    assert_eq!(undone.body["undo"]["reverted"], 3, "{:?}", undone.body);
    assert_eq!(undone.body["undo"]["left_alone"], 2);
    assert!(
        undone.body["undo"]["left_alone_ids"].as_array().is_some_and(|ids| ids.contains(&json!(nouveau_id)))
    );

    let names: Vec<String> =
        contacts(&s).await.iter().filter_map(|c| c["last_name"].as_str().map(str::to_owned)).collect();
    assert_eq!(names, ["Existant", "Nouveau"]);
    let existant = s.get(&format!("/api/v1/contacts/{kept_id}"), &s.admin).await.body;
    assert_eq!(existant["job_title"], "Avant", "put back as it was");
    let companies = s.get("/api/v1/companies", &s.admin).await.body;
    let company_names: Vec<&str> =
        companies["data"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(company_names, ["Neuve SA"]);

    let twice = s.post(&format!("/api/v1/imports/{id}/undo"), &s.admin, json!({})).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
}

async fn unreadable_files_and_bad_requests_change_nothing(s: TestServer) {
    let garbage: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("kind=contacts", garbage, "file"),
        ("kind=contacts", Vec::new(), "file"),
        ("kind=contacts", b"Notes,Montant\nx,1\n".to_vec(), "mapping"),
        ("kind=contacts&map.Absent=email", b"Nom\nDupont\n".to_vec(), "mapping.Absent"),
        ("kind=contacts&map.Nom=shoe_size", b"Nom\nDupont\n".to_vec(), "mapping.Nom"),
        ("kind=deals", b"Nom\nDupont\n".to_vec(), "kind"),
        ("", b"Nom\nDupont\n".to_vec(), "kind"),
        ("kind=contacts&dry_run=maybe", b"Nom\nDupont\n".to_vec(), "dry_run"),
    ];
    for (query, body, field) in cases {
        let answer = upload(&s, query, &s.admin, body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {:?}", answer.body);
        assert_eq!(answer.error_fields(), [field], "{query}");
    }
    let (_, reader) = s.user(Role::Readonly).await;
    let refused = upload(&s, "kind=contacts", &reader, b"Nom\nDupont\n".to_vec()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(contacts(&s).await.is_empty());
    assert_eq!(s.get("/api/v1/imports", &s.admin).await.body["data"], json!([]));

    // Ragged rows and a 10 MB cell are their rows' errors; the rows around them go in.
    let mut file = b"Nom,Email\nAvant,avant@exemple.fr\nTrop,trop@exemple.fr,de cellules\n".to_vec();
    file.extend(b"Long,\"");
    file.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    file.extend(b"\"\nApres,apres@exemple.fr\n");
    let import = finished(&s, &upload(&s, "kind=contacts", &s.admin, file).await).await;
    assert_eq!(import["counts"]["created"], 2, "{import}");
    let fields: Vec<&str> =
        import["errors"].as_array().into_iter().flatten().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["row", "email"]);
    assert_eq!(import["errors"][1]["line"], 4);
}

fn numbered_file(rows: usize) -> String {
    let mut file = String::from("Prénom,Nom,E-mail\n");
    for i in 0..rows {
        file.push_str(&format!("P{i},N{i:05},personne{i:05}@exemple.fr\n"));
    }
    file
}

async fn an_interrupted_import_is_taken_up_where_it_stopped(s: TestServer) {
    let file = numbered_file(2500);
    let import = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.clone().into_bytes()).await).await;
    assert_eq!(import["counts"]["created"], 2500);
    let id = import["id"].as_str().unwrap_or_default().to_owned();
    // As if the process had stopped after two batches, with the third one's rows unwritten.
    s.execute_sql(
        "UPDATE imports SET status = 'interrupted', rows_done = 2000",
        "UPDATE imports SET status = 'interrupted', rows_done = 2000",
    )
    .await;
    s.execute_sql(
        "DELETE FROM contacts WHERE email >= 'personne02000' AND email < 'personne02500'",
        "DELETE FROM contacts WHERE email >= 'personne02000' AND email < 'personne02500'",
    )
    .await;
    let resumed = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.into_bytes()).await).await;
    assert_eq!(resumed["id"], json!(id), "the same import goes on");
    assert_eq!(resumed["rows_done"], 2500);
    assert_eq!(resumed["counts"]["created"], 2500 + 500, "the missing rows, and only them, again");
    assert_eq!(comptoir_store::contacts::count(&s.db).await.expect("a count"), 2500);
}

async fn a_killed_import_leaves_whole_batches_and_runs_again(s: TestServer) {
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("contacts.csv");
    std::fs::write(&path, numbered_file(60_000)).expect("a file");
    let import = |path: &std::path::Path| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_comptoir"));
        command
            .args(["import", "contacts"])
            .arg(path)
            .args(["--as", "admin@exemple.fr"])
            .env("COMPTOIR_DATABASE_URL", &s.database_url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    };
    let mut running = import(&path).spawn().expect("comptoir import runs");
    let mut written = 0;
    for _ in 0..600 {
        let list = s.get("/api/v1/imports", &s.admin).await.body;
        written = list["data"][0]["rows_done"].as_u64().unwrap_or(0);
        if written >= 2000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.start_kill().expect("killed");
    let _ = running.wait().await;
    let count = || async { comptoir_store::contacts::count(&s.db).await.expect("a count") as u64 };
    let list = s.get("/api/v1/imports", &s.admin).await.body;
    let done = list["data"][0]["rows_done"].as_u64().unwrap_or(0);
    assert!(written >= 2000 && done < 60_000, "killed halfway: {done} rows written");
    let (read, size) = (list["data"][0]["bytes_read"].as_u64(), list["data"][0]["file_bytes"].as_u64());
    assert!(read > Some(0) && read < size, "how far it got, in bytes: {read:?} of {size:?}");
    assert_eq!(count().await, done, "whole batches only");

    // Nothing moves it any more; after a while it counts as interrupted and runs again.
    s.execute_sql(
        "UPDATE imports SET updated_at = '2000-01-01T00:00:00Z'",
        "UPDATE imports SET updated_at = '2000-01-01T00:00:00Z'",
    )
    .await;
    let output = import(&path).output().await.expect("comptoir import runs");
    assert!(output.status.success());
    assert_eq!(count().await, 60_000);
    let list = s.get("/api/v1/imports", &s.admin).await.body;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "one import, taken up");
    assert_eq!(list["data"][0]["status"], "done");
}

/// Rows about the contacts and companies an earlier batch created or changed find them, and
/// never create them twice.
async fn rows_about_what_the_batch_before_wrote_add_to_it(s: TestServer) {
    let mut file = String::from("Prénom;Nom;E-mail;Ville;Société\n");
    for i in 0..1000 {
        file.push_str(&format!("P{i};N{i:05};personne{i:05}@exemple.fr;;Maison {}\n", i % 10));
    }
    for i in 0..1000 {
        file.push_str(&format!(";;personne{i:05}@exemple.fr;Lyon;Maison {}\n", i % 10));
    }
    for i in 0..400 {
        file.push_str(&format!(";;personne{i:05}@exemple.fr;Paris;\n"));
    }
    let import = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.into_bytes()).await).await;
    assert_eq!(import["status"], "done", "{import}");
    assert_eq!(
        import["counts"],
        json!({"rows": 2400, "created": 1000, "updated": 1400, "unchanged": 0, "skipped": 0, "companies_created": 10, "lookalikes": 0})
    );
    let s = &s;
    let count = |query: &'static str| async move { s.get(query, &s.admin).await.body["count"].clone() };
    assert_eq!(count("/api/v1/contacts/count").await, 1000);
    assert_eq!(count("/api/v1/companies/count").await, 10);
    assert_eq!(count("/api/v1/contacts/count?filter[city]=Paris").await, 400);
    assert_eq!(count("/api/v1/contacts/count?filter[city]=Lyon").await, 600);
    let first = s.get("/api/v1/contacts?filter[email]=personne00000@exemple.fr", &s.admin).await;
    let first = &first.body["data"][0];
    assert_eq!((&first["first_name"], &first["version"]), (&json!("P0"), &json!(3)), "{first}");
    assert_eq!(first["company"]["name"], "Maison 0");
}

/// Someone changes a contact while an import plans its rows about it: the import plans them
/// again, and neither change is lost.
async fn a_contact_changed_by_someone_else_during_an_import_keeps_both_changes(s: TestServer) {
    let body = json!({"first_name": "Zoé", "last_name": "Lefèvre", "emails": ["zoe@exemple.fr"]});
    let zoe = s.post("/api/v1/contacts", &s.admin, body).await;
    assert_eq!(zoe.status, StatusCode::CREATED, "{:?}", zoe.body);
    let mut file = String::from("Prénom;Nom;E-mail;Ville\n;;zoe@exemple.fr;Lyon\n");
    for i in 0..999 {
        file.push_str(&format!("P{i};N{i:05};personne{i:05}@exemple.fr;Nantes\n"));
    }
    let started = upload(&s, "kind=contacts", &s.admin, file.into_bytes()).await;
    // The batch is planned from Zoé as she was; its write waits for the hold, under which
    // she changes.
    let mut held = s.hold_writes("contacts").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    held.execute(
        "UPDATE contacts SET job_title = 'Directrice', version = version + 1 WHERE email = 'zoe@exemple.fr'",
    )
    .await;
    held.release().await;
    let import = finished(&s, &started).await;
    assert_eq!(import["status"], "done", "{import}");
    assert_eq!(import["counts"]["updated"], 1, "{import}");
    let zoe = s.get(&format!("/api/v1/contacts/{}", zoe.id()), &s.admin).await;
    assert_eq!(zoe.body["job_title"], "Directrice", "the other change is kept");
    assert_eq!(zoe.body["address"]["city"], "Lyon", "the import's too");
    assert_eq!(zoe.body["version"], 3);
}

/// The page of an import, once it no longer runs.
pub(super) async fn settled(browser: &comptoir_testkit::Browser, path: &str) -> comptoir_testkit::Html {
    for _ in 0..300 {
        let page = browser.get(path).await;
        if !page.contains("http-equiv=\"refresh\"") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

async fn the_pages_check_a_file_then_import_it_then_undo_it(s: TestServer) {
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let list = browser.get("/imports").await;
    assert!(list.contains("Importer des contacts"), "{}", list.text);
    let csrf = browser.csrf();

    let forged = browser.upload("/imports", "not-the-token", "clients.csv", b"Nom\nDupont\n").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let file = windows_1252(
        "Client;Courriel;Société\r\nDupré;helene@exemple.fr;Crème & Cie\r\nNúñez;pas-une-adresse;\r\n",
    );
    let sent = browser.upload("/imports", &csrf, "clients.csv", &file).await;
    let checked = sent.location().expect("the check's page").to_owned();
    let page = settled(&browser, &checked).await;
    assert!(page.contains("Cette vérification n’a rien écrit"), "{}", page.text);
    assert!(page.contains("n’est pas une adresse e-mail valide"), "the row error, in French: {}", page.text);
    assert!(contacts(&s).await.is_empty());

    // Someone else may see the check but not import the file it checked.
    let (_, other_email) = s.user_with_password(Role::Sales).await;
    let other = s.signed_in(&other_email).await;
    assert!(!other.get(&checked).await.contains("name=\"map.Client\""), "no columns to choose");
    let taken = other.post(&format!("{checked}/run"), &[("map.Client", "last_name")]).await;
    assert_eq!(taken.status, StatusCode::FORBIDDEN);

    // "Client" was not recognised: the check said so, and the column is given its field.
    let run = browser
        .post(
            &format!("{checked}/run"),
            &[("map.Client", "last_name"), ("map.Courriel", "email"), ("map.Société", "company")],
        )
        .await;
    let imported = run.location().expect("the import's page").to_owned();
    assert_ne!(imported, checked);
    let page = settled(&browser, &imported).await;
    assert!(page.contains("Terminé"), "{}", page.text);
    let names: Vec<String> =
        contacts(&s).await.iter().filter_map(|c| c["last_name"].as_str().map(str::to_owned)).collect();
    assert_eq!(names, ["Dupré"]);

    let again = browser.post(&format!("{checked}/run"), &[]).await;
    assert_eq!(again.location(), Some("/imports?gone"), "the checked file went to the import");

    let undone = browser.post(&format!("{imported}/undo"), &[]).await;
    assert_eq!(undone.location(), Some(imported.as_str()));
    let page = browser.get(&imported).await;
    assert!(page.contains("Annulé"), "{}", page.text);
    assert!(contacts(&s).await.is_empty());
}

/// What the contacts list exports, in French or in English, imports back as it is.
async fn a_list_exported_then_imported_changes_nothing(s: TestServer) {
    contact_field(&s, "budget", "Budget", "number").await;
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Crème & Cie"})).await.id();
    for body in [
        json!({"first_name": "Hélène", "last_name": "Dupré", "emails": ["helene@exemple.fr"], "phones": ["06 12 34 56 78"],
            "company_id": company, "address": {"city": "Lyon", "postal_code": "69003", "country": "FR"},
            "lifecycle_stage": "customer", "tags": ["vip", "salon-2026"], "custom_fields": {"budget": 1234.5}, "source": "Salon"}),
        json!({"last_name": "=SOMME(A1)", "emails": ["formule@exemple.fr"], "job_title": "-"}),
        json!({"first_name": "José", "last_name": "Núñez", "phones": ["+33 6 98 76 54 32"], "language": "es"}),
    ] {
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let before = contacts(&s).await;
    let columns = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "company_name",
        "postal_code",
        "city",
        "country",
        "language",
        "lifecycle_stage",
        "source",
        "tags",
        "cf.budget",
        "owner_id",
        "created_at",
    ];
    let query: String = columns.iter().map(|c| format!("col={c}")).collect::<Vec<_>>().join("&");
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    for language in ["fr", "en"] {
        browser.accept_language(language);
        let exported = browser.get(&format!("/contacts/export.csv?{query}")).await;
        assert_eq!(exported.status, StatusCode::OK);
        let import =
            finished(&s, &upload(&s, "kind=contacts", &s.admin, exported.text.clone().into_bytes()).await)
                .await;
        assert_eq!(
            (
                import["counts"]["unchanged"].as_u64(),
                import["counts"]["created"].as_u64(),
                import["counts"]["updated"].as_u64()
            ),
            (Some(3), Some(0), Some(0)),
            "{language}: {import}\n{}",
            exported.text
        );
    }
    assert_eq!(contacts(&s).await, before);
}

/// `Accept: text/csv` on a list gives every record it matches, in columns the import reads.
async fn the_api_lists_as_csv_what_imports_back(s: TestServer) {
    contact_field(&s, "budget", "Budget", "number").await;
    for i in 0..3 {
        let body = json!({"first_name": format!("Prénom {i}"), "last_name": "Lyonnais", "emails": [format!("l{i}@exemple.fr")],
            "address": {"city": "Lyon"}, "tags": ["a", "b"], "custom_fields": {"budget": 100 * i}});
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let other = json!({"last_name": "Parisien", "emails": ["p@exemple.fr"], "address": {"city": "Paris"}});
    assert_eq!(s.post("/api/v1/contacts", &s.admin, other).await.status, StatusCode::CREATED);
    let csv_of = |path: &'static str| {
        s.request(reqwest::Method::GET, path, Some(&s.admin), None, &[("accept", "text/csv")])
    };

    let answer = csv_of("/api/v1/contacts?filter[city]=Lyon&sort=last_name&limit=1").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = answer.body.as_str().expect("CSV").to_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,first_name,last_name,email,phone,"), "{}", lines[0]);
    assert!(lines[0].ends_with(",custom_fields.budget"), "{}", lines[0]);
    assert_eq!(lines.len(), 4, "every Lyon contact, whatever the page size: {text}");
    assert!(lines[1].contains("\"a, b\""), "{}", lines[1]);

    let import = finished(&s, &upload(&s, "kind=contacts", &s.admin, text.into_bytes()).await).await;
    assert_eq!(import["counts"]["unchanged"], 3, "{import}");
    assert_eq!(import["counts"]["created"], 0, "{import}");

    let refused = csv_of("/api/v1/contacts?filter[shoe_size]=42").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn contacts_leave_as_vcards_an_address_book_reads(s: TestServer) {
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = json!({"first_name": "Hélène", "last_name": format!("Dupré {i}"), "emails": [format!("h{i}@exemple.fr")],
            "phones": ["06 12 34 56 78"], "address": {"city": "Lyon", "postal_code": "69003"}, "tags": ["vip"]});
        let created = s.post("/api/v1/contacts", &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        ids.push(created.id());
    }
    let vcard = [("accept", "text/vcard")];
    let one = s
        .request(reqwest::Method::GET, &format!("/api/v1/contacts/{}", ids[0]), Some(&s.admin), None, &vcard)
        .await;
    assert_eq!(one.header("content-type"), Some("text/vcard; charset=utf-8"));
    assert_eq!(one.header("content-disposition"), Some("attachment; filename=\"helene-dupre-0.vcf\""));
    let card = one.body.as_str().expect("a card").to_owned();
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{card}");
    for line in [
        "FN:Hélène Dupré 0",
        "N:Dupré 0;Hélène;;;",
        "EMAIL;PREF=1:h0@exemple.fr",
        "ADR:;;;Lyon;;69003;",
        "CATEGORIES:vip",
        "TEL;VALUE=URI;PREF=1:tel:+33612345678",
    ] {
        assert!(card.contains(&format!("{line}\r\n")), "{line} in {card}");
    }
    assert!(card.contains(&format!("UID:urn:uuid:{}\r\n", ids[0])), "{card}");

    let all = s
        .request(
            reqwest::Method::GET,
            "/api/v1/contacts?limit=1&sort=last_name",
            Some(&s.admin),
            None,
            &vcard,
        )
        .await;
    let cards = all.body.as_str().expect("cards").to_owned();
    assert_eq!(cards.matches("BEGIN:VCARD").count(), 3, "every contact, whatever the page size: {cards}");
    assert_eq!(cards.matches("END:VCARD\r\n").count(), 3);

    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let page = browser.get(&format!("/contacts/{}", ids[1])).await;
    assert!(page.contains(&format!("href=\"/contacts/{}/card.vcf\"", ids[1])), "{}", page.text);
    assert!(page.contains("Ajouter au carnet d’adresses"));
    let file = browser.get(&format!("/contacts/{}/card.vcf", ids[1])).await;
    assert!(file.text.contains("FN:Hélène Dupré 1\r\n"), "{}", file.text);

    // The list page exports what it shows, filters and all, as one address book.
    s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Ailleurs", "address": {"city": "Paris"}}))
        .await;
    let list = browser.get("/contacts?f=city&o=eq&v=Lyon").await;
    assert!(list.contains("href=\"/contacts/export.vcf?"), "{}", list.text);
    let book = browser.get("/contacts/export.vcf?f=city&o=eq&v=Lyon&limit=1").await;
    assert_eq!(
        book.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/vcard; charset=utf-8")
    );
    assert_eq!(
        book.text.matches("BEGIN:VCARD").count(),
        3,
        "the three in Lyon, whatever the page size: {}",
        book.text
    );
    assert!(!book.text.contains("Ailleurs"));
}

/// Cards as a phone (2.1, quoted-printable, a photo), Google (3.0), Apple (3.0, grouped
/// properties) and Outlook (2.1) write them, in one file.
const ADDRESS_BOOK: &str = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
    N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Lef=C3=A8vre;H=C3=A9l=C3=A8ne;;;\r\n\
    FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:H=C3=A9l=C3=A8ne Lef=C3=A8vre\r\n\
    TEL;CELL:06 12 34 56 78\r\n\
    PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U\r\n\
     HRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgy\r\n\
    \r\n\
    END:VCARD\r\n\
    BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont\r\nN:Dupont;Jean;;;\r\n\
    EMAIL;TYPE=INTERNET;TYPE=WORK:jean.dupont@exemple.fr\r\nTEL;TYPE=WORK:+33 4 78 00 00 01\r\n\
    ORG:Boulangerie Dupont\r\nTITLE:Gérant\r\nCATEGORIES:myContacts,Fournisseurs\r\nEND:VCARD\r\n\
    BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.0//EN\r\nN:Martin;Zoé;;;\r\nFN:Zoé Martin\r\n\
    item1.EMAIL;type=INTERNET;type=pref:zoe.martin@exemple.fr\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n\
    item2.ADR;type=HOME;type=pref:;;3 place Bellecour;Lyon;;69002;France\r\nEND:VCARD\r\n\
    BEGIN:VCARD\r\nVERSION:2.1\r\nN:Moreau;Paul\r\nFN:Paul Moreau\r\nORG:Moreau SARL\r\n\
    TEL;WORK;VOICE:04 72 00 00 02\r\nEMAIL;PREF;INTERNET:paul@moreau.fr\r\nEND:VCARD\r\n";

async fn address_books_import_from_every_exporter(s: TestServer) {
    let checked = finished(
        &s,
        &upload(
            &s,
            "kind=contacts&dry_run=true&file_name=contacts.vcf",
            &s.admin,
            ADDRESS_BOOK.as_bytes().to_vec(),
        )
        .await,
    )
    .await;
    assert_eq!(checked["status"], "done", "{checked}");
    assert_eq!(checked["counts"]["created"], 4, "{checked}");
    assert!(contacts(&s).await.is_empty(), "a dry run writes nothing");

    let imported = finished(
        &s,
        &upload(&s, "kind=contacts&file_name=contacts.vcf", &s.admin, ADDRESS_BOOK.as_bytes().to_vec()).await,
    )
    .await;
    assert_eq!(
        (imported["counts"]["created"].as_u64(), imported["counts"]["skipped"].as_u64()),
        (Some(4), Some(0)),
        "{imported}"
    );
    let all = contacts(&s).await;
    let named = |last: &str| all.iter().find(|c| c["last_name"] == last).cloned().unwrap_or_default();
    let helene = named("Lefèvre");
    assert_eq!(helene["first_name"], "Hélène");
    assert_eq!(helene["phones"][0]["number"], "+33612345678");
    assert_eq!(helene["phones"][0]["label"], "mobile");
    let jean = named("Dupont");
    assert_eq!(jean["emails"][0]["address"], "jean.dupont@exemple.fr");
    assert_eq!(jean["emails"][0]["label"], "work");
    assert_eq!(jean["job_title"], "Gérant");
    assert_eq!(jean["company"]["name"], "Boulangerie Dupont");
    assert_eq!(jean["tags"], json!(["myContacts", "Fournisseurs"]));
    let zoe = named("Martin");
    assert_eq!(
        (zoe["address"]["city"].as_str(), zoe["address"]["postal_code"].as_str()),
        (Some("Lyon"), Some("69002"))
    );
    assert_eq!(zoe["address"]["country"], "FR");
    assert_eq!(named("Moreau")["emails"][0]["address"], "paul@moreau.fr");

    // The same cards again: every one matched, nothing to change.
    let again = finished(
        &s,
        &upload(&s, "kind=contacts&file_name=contacts-2.vcf", &s.admin, ADDRESS_BOOK.as_bytes().to_vec())
            .await,
    )
    .await;
    assert_eq!(again["counts"]["unchanged"], 4, "{again}");
    let undone = s
        .post(
            &format!("/api/v1/imports/{}/undo", imported["id"].as_str().unwrap_or_default()),
            &s.admin,
            json!({}),
        )
        .await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert!(contacts(&s).await.is_empty(), "the import's contacts are gone");

    let nothing = upload(&s, "kind=contacts", &s.admin, b"BEGIN:VCARD\r\nnot a card".to_vec()).await;
    assert_eq!(nothing.error_fields(), ["file"], "{:?}", nothing.body);
}

async fn an_import_that_wrote_contacts_looks_for_their_duplicates(s: TestServer) {
    let body = json!({"first_name": "Jean", "last_name": "Dupont", "emails": ["jean@dupont.fr"],
        "address": {"street": "12 rue de la République", "postal_code": "69003", "city": "Lyon"}});
    let known = s.post("/api/v1/contacts", &s.admin, body).await.id();
    let file =
        "Prénom;Nom;E-mail;Rue;Code postal\nJean;Dupond;jean.dupond@autre.fr;12 rue de la République;69003\n";
    let checked =
        finished(&s, &upload(&s, "kind=contacts&dry_run=true", &s.admin, file.as_bytes().to_vec()).await)
            .await;
    assert_eq!(checked["counts"]["created"], 1, "{checked}");
    let imported = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.as_bytes().to_vec()).await).await;
    assert_eq!(imported["counts"]["created"], 1, "{imported}");
    let mut pairs = Value::Null;
    for _ in 0..2400 {
        let scan = s.get("/api/v1/duplicates/scan", &s.admin).await.body;
        if scan["running"] == false && scan["last"]["finished_at"].is_string() {
            pairs = s.get("/api/v1/duplicates", &s.admin).await.body["data"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let pair = pairs.as_array().and_then(|p| p.first()).cloned().unwrap_or_default();
    assert_eq!(pair["first_id"], known, "the contact already there and the one imported: {pairs}");
    assert_eq!(pair["reasons"], json!(["similar_name", "same_address"]), "{pair}");
}

/// A file from another system names its customers by their number there: sent again, its rows
/// update the contacts they made, whatever their emails became, and a number that is not the
/// contact's makes another contact even when they share an address.
async fn rows_are_matched_on_another_systems_id_before_their_email(s: TestServer) {
    let first = "N° client;Nom;E-mail\nC-001;Dupré;helene@exemple.fr\nC-002;Martin;paul@exemple.fr\n";
    let imported =
        finished(&s, &upload(&s, "kind=contacts", &s.admin, first.as_bytes().to_vec()).await).await;
    assert_eq!(imported["mapping"]["N° client"], "external_id", "{imported}");
    assert_eq!(imported["counts"]["created"], 2, "{imported}");
    let helene = s.get("/api/v1/contacts?filter[external_id]=C-001", &s.admin).await.body["data"][0].clone();
    assert_eq!(helene["last_name"], "Dupré");
    assert_eq!(helene["external_id"], "C-001");

    let zoe =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Zoé", "emails": ["zoe@exemple.fr"]})).await;
    let again = "N° client;E-mail;Fonction\nC-001;helene.dupre@nouveau.fr;Gérante\nC-003;paul@exemple.fr;Stagiaire\nC-004;zoe@exemple.fr;\n";
    let second = finished(&s, &upload(&s, "kind=contacts", &s.admin, again.as_bytes().to_vec()).await).await;
    assert_eq!(
        (second["counts"]["updated"].clone(), second["counts"]["created"].clone()),
        (json!(2), json!(1)),
        "Hélène by her number, Zoé by her email; C-003 is not Paul's number: {second}"
    );
    let helene = s
        .get(&format!("/api/v1/contacts/{}", helene["id"].as_str().unwrap_or_default()), &s.admin)
        .await
        .body;
    assert_eq!(helene["job_title"], "Gérante");
    assert_eq!(helene["emails"].as_array().map(Vec::len), Some(2), "the new address joins the old: {helene}");
    let zoe = s.get(&format!("/api/v1/contacts/{}", zoe.id()), &s.admin).await.body;
    assert_eq!(zoe["external_id"], "C-004", "a contact without a number takes the row's");
    let pauls = s.get("/api/v1/contacts?filter[email]=paul@exemple.fr&sort=external_id", &s.admin).await.body;
    let numbers: Vec<&str> =
        pauls["data"].as_array().into_iter().flatten().filter_map(|c| c["external_id"].as_str()).collect();
    assert_eq!(numbers, ["C-002", "C-003"]);

    // One contact per number, whoever writes it.
    let taken =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Autre", "external_id": "C-001"})).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", taken.body);
    assert_eq!(taken.error_fields(), ["external_id"]);
    let clash = "N° client;Nom\nC-002;Martin\n";
    let unchanged =
        finished(&s, &upload(&s, "kind=contacts", &s.admin, clash.as_bytes().to_vec()).await).await;
    assert_eq!(unchanged["counts"]["unchanged"], 1, "{unchanged}");
}

/// A new contact whose row names no company works where its email says, when a company on
/// file has that internet domain; a mailbox anyone opens says nothing, and a contact on file
/// changes company only when a row names one.
async fn a_row_naming_no_company_joins_the_one_at_its_email_domain(s: TestServer) {
    let bakery = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "Boulangerie Dupont", "domain": "boulangerie-dupont.fr"}),
        )
        .await
        .id();
    s.post("/api/v1/companies", &s.admin, json!({"name": "Orange", "domain": "orange.fr"})).await;
    let elsewhere = s.post("/api/v1/companies", &s.admin, json!({"name": "Autre SARL"})).await.id();
    let already = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"last_name": "Déjà", "emails": ["deja@boulangerie-dupont.fr"], "company_id": elsewhere}),
        )
        .await
        .id();
    let file = "Nom;E-mail;Société\nMartin;Jean.Martin@Boulangerie-Dupont.fr;\nLeroy;paul.leroy@orange.fr;\nDéjà;deja@boulangerie-dupont.fr;\nPetit;petit@boulangerie-dupont.fr;Moulin Petit\n";
    let imported = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.as_bytes().to_vec()).await).await;
    assert_eq!(imported["counts"]["created"], 3, "{imported}");
    let company_of = |name: &'static str| {
        let s = &s;
        async move {
            s.get(&format!("/api/v1/contacts?filter[last_name]={name}"), &s.admin).await.body["data"][0]["company"].clone()
        }
    };
    assert_eq!(company_of("Martin").await["id"], json!(bakery), "at the bakery's domain");
    assert_eq!(company_of("Leroy").await, Value::Null, "an Orange mailbox is anyone's");
    assert_eq!(company_of("Petit").await["name"], "Moulin Petit", "a company named wins");
    let kept = s.get(&format!("/api/v1/contacts/{already}"), &s.admin).await.body;
    assert_eq!(kept["company"]["id"], json!(elsewhere), "a contact at a company stays there");
    let loner = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"last_name": "Seul", "emails": ["seul@boulangerie-dupont.fr"]}),
        )
        .await
        .id();
    let again = "Nom;E-mail\nSeul;seul@boulangerie-dupont.fr\n";
    let sent_back =
        finished(&s, &upload(&s, "kind=contacts", &s.admin, again.as_bytes().to_vec()).await).await;
    assert_eq!(
        sent_back["counts"]["unchanged"], 1,
        "a contact on file is not moved by its domain: {sent_back}"
    );
    let loner = s.get(&format!("/api/v1/contacts/{loner}"), &s.admin).await.body;
    assert_eq!(loner["company"], Value::Null);
}

/// A row that no email, phone or number matches, but that is written as a contact on file
/// is (a name spelt otherwise, at the same company and address), is named by the check with
/// that contact; the import takes it in and lists it, or leaves it out when asked to. Another
/// system's different number says two people, whatever their names.
async fn rows_looking_like_a_contact_on_file_are_named_and_may_be_left_out(s: TestServer) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Crème & Cie"})).await.id();
    let helene = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Lefèvre", "emails": ["helene@creme.fr"], "company_id": company,
                "address": {"street": "12 boulevard Vivier-Merle", "postal_code": "69003", "city": "Lyon"}}),
        )
        .await
        .id();
    s.post(
        "/api/v1/contacts",
        &s.admin,
        json!({"first_name": "Paul", "last_name": "Durand", "external_id": "C-9", "company_id": company,
            "address": {"street": "4 rue Sainte-Catherine", "postal_code": "33000"}}),
    )
    .await;
    let file = "Prénom;Nom;Société;E-mail;Rue;Code postal;N° client\n\
        Helene;LEFEBVRE;Crème & Cie;h.lefebvre@gmail.com;12 bd Vivier Merle;69003;\n\
        Marie;Curie;;marie@curie.fr;;75005;\n\
        Paul;Durand;Crème & Cie;;4 rue Sainte-Catherine;33000;C-10\n";
    let refused = upload(&s, "kind=contacts&skip_lookalikes=maybe", &s.admin, file.as_bytes().to_vec()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", refused.body);
    assert_eq!(refused.error_fields(), ["skip_lookalikes"]);

    let checked =
        finished(&s, &upload(&s, "kind=contacts&dry_run=true", &s.admin, file.as_bytes().to_vec()).await)
            .await;
    assert_eq!(checked["counts"]["lookalikes"], 1, "{checked}");
    assert_eq!(checked["counts"]["created"], 3, "imported unless asked otherwise: {checked}");
    let lookalike = &checked["lookalikes"][0];
    assert_eq!((lookalike["line"].clone(), lookalike["contact_id"].clone()), (json!(2), json!(helene)));
    assert_eq!(lookalike["written"], "Helene LEFEBVRE");
    assert!(lookalike["score"].as_u64().is_some_and(|score| score >= 70), "{lookalike}");
    assert!(
        lookalike["reasons"].as_array().is_some_and(|r| r.contains(&json!("same_company"))),
        "{lookalike}"
    );

    // The check's page names the row, the contact it looks like, and offers to leave it out.
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let sent = browser.upload("/imports", &browser.csrf(), "clients.csv", file.as_bytes()).await;
    let page = settled(&browser, sent.location().expect("the check's page")).await;
    assert!(page.contains("Lignes qui ressemblent à un contact déjà enregistré"), "{}", page.text);
    assert!(page.contains(&format!("<a href=\"/contacts/{helene}\">Hélène Lefèvre</a>")), "{}", page.text);
    assert!(page.contains("name=\"skip_lookalikes\""), "{}", page.text);
    let run = browser
        .post(
            &format!("{}/run", sent.location().unwrap_or_default()),
            &[
                ("map.Prénom", "first_name"),
                ("map.Nom", "last_name"),
                ("map.Société", "company"),
                ("map.E-mail", "email"),
                ("map.Rue", "street"),
                ("map.Code postal", "postal_code"),
                ("map.N° client", "external_id"),
                ("skip_lookalikes", "1"),
            ],
        )
        .await;
    let page = settled(&browser, run.location().expect("the import's page")).await;
    assert!(page.contains("Elles ont été laissées de côté."), "{}", page.text);

    let names: Vec<String> = contacts(&s)
        .await
        .iter()
        .filter_map(|c| Some(format!("{} {}", c["first_name"].as_str()?, c["last_name"].as_str()?)))
        .collect();
    assert_eq!(names, ["Marie Curie", "Paul Durand", "Paul Durand", "Hélène Lefèvre"], "{names:?}");
    let imports = s.get("/api/v1/imports", &s.admin).await.body;
    let latest = &imports["data"][0];
    assert_eq!(
        (latest["skip_lookalikes"].clone(), latest["counts"]["created"].clone()),
        (json!(true), json!(2))
    );
}

/// Every row a check refused comes back as a file the sender's spreadsheet opens: the file's
/// own columns, then the problem, past the thousand reasons a check keeps. Fixed and sent
/// again, its problem column is left out.
async fn a_check_gives_every_refused_row_back_to_be_fixed_and_sent_again(s: TestServer) {
    let mut file = String::from("Nom;E-mail;Ville\n");
    for n in 0..1_200 {
        file.push_str(&format!("Refusé {n};pas-une-adresse-{n};Lyon\n"));
        if n % 100 == 0 {
            file.push_str(&format!("Accepté {n};ok{n}@exemple.fr;Paris\n"));
        }
    }
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let sent = browser.upload("/imports", &browser.csrf(), "clients.csv", file.as_bytes()).await;
    let checked = sent.location().expect("the check's page").to_owned();
    let page = settled(&browser, &checked).await;
    assert!(page.contains(&format!("href=\"{checked}/refused.csv\"")), "{}", page.text);

    let refused = browser.get(&format!("{checked}/refused.csv")).await;
    assert_eq!(refused.status, StatusCode::OK);
    let disposition = refused.headers.get("content-disposition").and_then(|d| d.to_str().ok());
    assert!(disposition.is_some_and(|d| d.contains("lignes-ecartees-clients.csv")), "{disposition:?}");
    let lines: Vec<&str> = refused.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + 1_200, "every refused row, past the thousand a check keeps");
    assert_eq!(lines[0], "Nom;E-mail;Ville;Problème");
    assert!(lines[1200].starts_with("Refusé 1199;pas-une-adresse-1199;Lyon;emails[0] : "), "{}", lines[1200]);
    assert!(lines[1200].contains("n’est pas une adresse e-mail valide"), "in French: {}", lines[1200]);
    assert!(lines.iter().all(|line| !line.contains("Accepté")));

    // The rows are their sender's: someone else does not read them again.
    let (_, other_email) = s.user_with_password(Role::Sales).await;
    let other = s.signed_in(&other_email).await;
    assert_eq!(other.get(&format!("{checked}/refused.csv")).await.status, StatusCode::FORBIDDEN);

    let fixed = refused.text.replace("pas-une-adresse-", "corrige").replace(";Lyon;", "@exemple.fr;Lyon;");
    let again =
        browser.upload("/imports", &browser.csrf(), "lignes-ecartees-clients.csv", fixed.as_bytes()).await;
    let page = settled(&browser, again.location().expect("the check's page")).await;
    assert!(page.contains("<dd data-count=\"created\">1200</dd>"), "{}", page.text);
    assert!(page.contains("<dd data-count=\"skipped\">0</dd>"), "{}", page.text);
}
