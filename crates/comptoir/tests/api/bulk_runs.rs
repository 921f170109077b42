//! A bulk change started from a list's page that takes more than a moment: its own page
//! follows it, then takes the visitor back to the list with the outcome.

use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

on_both_databases!(
    a_long_bulk_change_shows_its_progress_then_goes_back_to_the_list,
    a_bulk_change_that_fails_says_nothing_changed
);

const LYON: &str = "filter%5Bcity%5D%5Beq%5D=Lyon";

async fn lyon_contacts(s: &TestServer) {
    for last in ["Arnaud", "Blanc", "Caron"] {
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": last, "address": {"city": "Lyon"}})).await;
    }
    s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Dumas", "address": {"city": "Paris"}})).await;
}

async fn tagged(s: &TestServer) -> Vec<String> {
    let found = s.get("/api/v1/contacts?filter[tags]=salon&sort=last_name", &s.admin).await;
    found.body["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|c| c["last_name"].as_str().map(str::to_owned))
        .collect()
}

/// The events of a server-sent stream, by name, with their data.
fn events(text: &str) -> Vec<(String, serde_json::Value)> {
    text.split("\n\n")
        .filter_map(|block| {
            let name = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((name.to_owned(), serde_json::from_str(data).expect("JSON data")))
        })
        .collect()
}

async fn a_long_bulk_change_shows_its_progress_then_goes_back_to_the_list(s: TestServer) {
    lyon_contacts(&s).await;
    let (_, email) = s.user_with_password(Role::Manager).await;
    let colleague = s.signed_in(&email).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let back = format!("{LYON}&col=last_name");
    let tag_lyon =
        [("action", "tag"), ("tag", "salon"), ("scope", "all"), ("selection", LYON), ("back", back.as_str())];

    // Another's long change holds the contacts: this one waits behind it, past the moment
    // the list's request waits for it.
    let held = s.hold_writes("contacts").await;
    let started = browser.post("/contacts/bulk", &tag_lyon).await;
    let run = started.location().expect("the change's page").to_owned();
    assert!(run.starts_with("/bulk-runs/"), "{run}");
    let page = browser.get(&run).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Modification groupée en cours"), "{}", page.text);
    assert!(page.contains("3 contacts"), "how many it reaches: {}", page.text);
    assert!(page.contains("<progress max=\"3\" value=\"0\""), "{}", page.text);
    assert!(page.contains("0 contact traité"), "{}", page.text);
    assert!(page.contains(&format!("data-progress=\"{run}/progress\"")), "{}", page.text);
    assert!(page.contains("<noscript><meta http-equiv=\"refresh\""), "scripts off, it refreshes");
    assert!(page.contains(&format!("href=\"/contacts?{}\"", back.replace('&', "&#38;"))), "{}", page.text);

    // Nobody else follows it; a second change of the same visitor waits on the first's page.
    assert_eq!(colleague.get(&run).await.status, StatusCode::NOT_FOUND);
    assert_eq!(colleague.get(&format!("{run}/progress")).await.status, StatusCode::NOT_FOUND);
    let again =
        browser.post("/contacts/bulk", &[("action", "untag"), ("tag", "salon"), ("scope", "all")]).await;
    assert_eq!(again.location(), Some(run.as_str()));

    // The stream tells the page where it is, then once it has committed, and ends there.
    let progress = format!("{run}/progress");
    let (stream, ()) = tokio::join!(browser.get(&progress), async {
        tokio::time::sleep(Duration::from_millis(800)).await;
        held.release().await;
    });
    assert_eq!(stream.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/event-stream"));
    let told = events(&stream.text);
    let (first, data) = told.first().expect("events");
    assert_eq!(first, "progress", "{}", stream.text);
    assert_eq!((data["max"].as_u64(), data["value"].as_u64()), (Some(3), Some(0)), "{data}");
    assert_eq!(told.last().map(|(name, _)| name.as_str()), Some("settled"), "{}", stream.text);

    let done = browser.get(&run).await;
    assert_eq!(done.location(), Some(format!("/contacts?{back}&done=3&refused=0").as_str()));
    assert!(browser.get(done.location().expect("back")).await.contains("3 fiches modifiées"));
    assert_eq!(tagged(&s).await, ["Arnaud", "Blanc", "Caron"], "every result of the filter");

    // A change done within the moment goes straight back to the list.
    let quick =
        browser.post("/contacts/bulk", &[("action", "untag"), ("tag", "salon"), ("scope", "all")]).await;
    assert_eq!(quick.location(), Some("/contacts?done=4&refused=0"));
    assert!(tagged(&s).await.is_empty());
}

async fn a_bulk_change_that_fails_says_nothing_changed(s: TestServer) {
    lyon_contacts(&s).await;
    s.execute_sql(
        "CREATE TRIGGER boom BEFORE UPDATE ON contacts WHEN NEW.last_name = 'Caron'
         BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.last_name = 'Caron' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER boom BEFORE UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION boom();",
    )
    .await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let failed = browser
        .post("/contacts/bulk", &[("action", "tag"), ("tag", "salon"), ("scope", "all"), ("selection", LYON)])
        .await;
    let run = failed.location().expect("the change's page").to_owned();
    assert!(run.starts_with("/bulk-runs/"), "a failure is told on the change's page: {run}");
    let page = browser.get(&run).await;
    assert!(page.contains("nothing was changed"), "{}", page.text);
    assert!(!page.contains("http-equiv=\"refresh\""), "a failed change's page stays put");
    assert!(tagged(&s).await.is_empty(), "all or nothing");
    let stream = browser.get(&format!("{run}/progress")).await;
    assert_eq!(events(&stream.text).iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["settled"]);
}
