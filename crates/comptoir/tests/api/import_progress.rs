use super::imports::{finished, upload};
use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use std::time::Duration;

on_both_databases!(a_running_import_pushes_its_progress_to_its_page);

async fn a_running_import_pushes_its_progress_to_its_page(s: TestServer) {
    let file = "Nom;E-mail\r\nDupré;helene@exemple.fr\r\nNúñez;nunez@exemple.fr\r\n";
    let import = finished(&s, &upload(&s, "kind=contacts", &s.admin, file.as_bytes().to_vec()).await).await;
    let id = import["id"].as_str().expect("an id").to_owned();
    let size = import["file_bytes"].as_u64().expect("a size");

    // As the import is seen while a batch is written: a third of the file read, one row done.
    let now = chrono::Utc::now().to_rfc3339();
    let running = format!(
        "UPDATE imports SET status = 'running', bytes_read = {third}, finished_at = NULL, updated_at = '{now}'",
        third = size / 3
    );
    s.execute_sql(&running, &running.replace("'{now}'", "now()")).await;

    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    let page = browser.get(&format!("/imports/{id}")).await;
    assert!(page.contains(&format!("data-progress=\"/imports/{id}/progress\"")), "{}", page.text);
    assert!(page.contains("<noscript><meta http-equiv=\"refresh\""), "scripts off, it refreshes");

    // The stream tells the page how far it is, then once it is done, and ends there.
    let done = "UPDATE imports SET status = 'done', bytes_read = file_bytes";
    let path = format!("/imports/{id}/progress");
    let (stream, ()) = tokio::join!(browser.get(&path), async {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        s.execute_sql(done, done).await;
    });
    assert_eq!(stream.status, StatusCode::OK);
    assert_eq!(stream.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/event-stream"));
    let events: Vec<(&str, serde_json::Value)> = stream
        .text
        .split("\n\n")
        .filter_map(|block| {
            let name = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((name, serde_json::from_str(data).expect("JSON data")))
        })
        .collect();
    let (last, settled) = events.last().expect("events");
    assert_eq!(*last, "settled", "{}", stream.text);
    assert_eq!(settled["percent"], 100);
    assert_eq!(settled["status"], "done");
    assert_eq!(settled["counts"]["created"], 2);
    let running: Vec<_> = events.iter().filter(|(name, _)| *name == "progress").collect();
    assert!(running.len() >= 2, "told every half second: {}", stream.text);
    assert_eq!(running[0].1["percent"], size / 3 * 100 / size, "a third, in whole percent");
    assert_eq!(running[0].1["bytes_read"], size / 3);
    assert_eq!(events.len(), running.len() + 1, "nothing after it settled");

    // A stopped import is told once; an unknown one is not found; a visitor must sign in.
    let again = browser.get(&format!("/imports/{id}/progress")).await;
    assert_eq!(again.text.matches("event: ").count(), 1, "{}", again.text);
    let unknown = browser.get(&format!("/imports/{}/progress", uuid::Uuid::new_v4())).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let (_, email) = s.user_with_password(Role::Readonly).await;
    let reader = s.signed_in(&email).await;
    assert_eq!(
        reader.get(&format!("/imports/{id}/progress")).await.status,
        StatusCode::OK,
        "every role sees imports"
    );
    let stranger = s.browser().get(&format!("/imports/{id}/progress")).await;
    assert_ne!(stranger.status, StatusCode::OK, "signed out: {}", stranger.text);
}
