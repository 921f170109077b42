use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use reqwest::header::CONTENT_DISPOSITION;
use serde_json::{Value, json};

on_both_databases!(
    a_ticket_keeps_the_files_the_team_attaches_and_hands_them_back_as_downloads,
    files_that_are_empty_too_large_or_not_sent_as_a_form_are_refused_and_change_nothing,
    an_agent_attaches_a_file_on_the_tickets_page_and_downloads_it_there,
    a_file_is_deleted_by_who_may_change_the_ticket_and_the_audit_keeps_what_it_was,
);

async fn a_file_is_deleted_by_who_may_change_the_ticket_and_the_audit_keeps_what_it_was(s: TestServer) {
    let (_, agent) = s.user(Role::Support).await;
    let (_, colleague) = s.user(Role::Support).await;
    let (_, reader) = s.user(Role::Readonly).await;
    let ticket = s.post("/api/v1/tickets", &agent, json!({"subject": "Contrat signé"})).await.id();
    let path = format!("/api/v1/tickets/{ticket}/attachments");
    let sent = s.upload(&path, &agent, "pièce d'identité.pdf", "application/pdf", b"%PDF-1.4 secret").await;
    let file = format!("{path}/{}", sent.id());
    assert_eq!(s.delete(&file, &colleague).await.status, StatusCode::FORBIDDEN, "not theirs to change");
    assert_eq!(s.delete(&file, &reader).await.status, StatusCode::FORBIDDEN);
    let other = s.post("/api/v1/tickets", &agent, json!({"subject": "Autre"})).await.id();
    let elsewhere = s.delete(&format!("/api/v1/tickets/{other}/attachments/{}", sent.id()), &agent).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "another ticket's path finds nothing");
    assert_eq!(s.download(&file, &agent).await.0, StatusCode::OK, "still there");

    let closed = s.patch(&format!("/api/v1/tickets/{ticket}"), &agent, json!({"status": "closed"})).await;
    assert_eq!(closed.status, StatusCode::OK, "{:?}", closed.body);
    assert_eq!(s.delete(&file, &agent).await.status, StatusCode::NO_CONTENT, "also once closed");
    assert_eq!(s.download(&file, &agent).await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&path, &agent).await.body["data"], json!([]));
    assert_eq!(s.delete(&file, &agent).await.status, StatusCode::NOT_FOUND, "once");
    let audit = s.get(&format!("/api/v1/audit?object_id={}", sent.id()), &s.admin).await;
    let actions: Vec<&str> =
        audit.body["data"].as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"delete") && actions.contains(&"create"), "{:?}", audit.body);
    assert!(!audit.body.to_string().contains("secret"), "what it held is never kept");

    // On the ticket's page, behind its token.
    let (_, email) = s.user_with_password(Role::Manager).await;
    let browser = s.signed_in(&email).await;
    browser.accept_language("fr");
    let open = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Facture"})).await.id();
    let sent = s
        .upload(
            &format!("/api/v1/tickets/{open}/attachments"),
            &s.admin,
            "facture.pdf",
            "application/pdf",
            b"%PDF",
        )
        .await;
    let page = browser.get(&format!("/tickets/{open}")).await;
    assert!(page.contains("Supprimer facture.pdf"), "{}", page.text);
    let delete = format!("/tickets/{open}/files/{}/delete", sent.id());
    let forged = browser.post_exactly(&delete, &[], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no token, no deletion");
    let deleted = browser.post(&delete, &[]).await;
    assert_eq!(deleted.location().map(str::to_owned), Some(format!("/tickets/{open}#files")));
    assert!(browser.get(&format!("/tickets/{open}")).await.contains("Aucun fichier pour l’instant"));
}

async fn a_ticket_keeps_the_files_the_team_attaches_and_hands_them_back_as_downloads(s: TestServer) {
    let (agent_id, agent) = s.user(Role::Support).await;
    let (_, reader) = s.user(Role::Readonly).await;
    let contact = s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Hélène"})).await.id();
    let ticket =
        s.post("/api/v1/tickets", &agent, json!({"subject": "Écran noir", "contact_id": contact})).await.id();
    let path = format!("/api/v1/tickets/{ticket}/attachments");

    // A page that would run in the browser goes back as bytes to save, nothing more.
    let page = b"<script>alert(document.cookie)</script>";
    let sent = s.upload(&path, &agent, "../../capture.html", "text/html", page).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(sent.body["file_name"], "capture.html");
    assert_eq!(sent.body["content_type"], "application/octet-stream");
    assert_eq!((sent.body["size"].as_i64(), sent.body["from_requester"].as_bool()), (Some(39), Some(false)));
    assert_eq!(sent.body["uploaded_by"], json!(agent_id));
    let png: Vec<u8> = [&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a][..], &[0xff; 64]].concat();
    let image = s.upload(&path, &agent, "écran noir.png", "image/png", &png).await;
    assert_eq!(image.body["content_type"], "image/png");

    let listed = s.get(&path, &reader).await;
    let names: Vec<&str> = listed.body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["file_name"].as_str())
        .collect();
    assert_eq!(names, ["capture.html", "écran noir.png"]);
    let file = |answer: &comptoir_testkit::Answer| answer.body["id"].as_str().unwrap_or_default().to_owned();
    let (status, headers, bytes) = s.download(&format!("{path}/{}", file(&sent)), &reader).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &page[..]));
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "application/octet-stream");
    assert!(header("content-disposition").starts_with("attachment;"), "{}", header("content-disposition"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").starts_with("sandbox"));
    let (_, headers, bytes) = s.download(&format!("{path}/{}", file(&image)), &agent).await;
    assert_eq!(bytes, png, "bytes back as they were sent");
    let disposition = headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.ends_with("filename*=UTF-8''%C3%A9cran%20noir.png"), "{disposition}");

    // Read-only users read files and attach none; another ticket's path finds nothing.
    assert_eq!(s.upload(&path, &reader, "a.txt", "text/plain", b"x").await.status, StatusCode::FORBIDDEN);
    let other =
        s.post("/api/v1/tickets", &agent, json!({"subject": "Autre", "contact_id": contact})).await.id();
    let elsewhere = s.download(&format!("/api/v1/tickets/{other}/attachments/{}", file(&sent)), &agent).await;
    assert_eq!(elsewhere.0, StatusCode::NOT_FOUND);
    let nowhere =
        s.upload("/api/v1/tickets/not-a-ticket/attachments", &agent, "a.txt", "text/plain", b"x").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);

    // Merged into the other, the ticket's files go with its conversation.
    let note = s
        .upload(&format!("/api/v1/tickets/{other}/attachments"), &agent, "bon.txt", "text/plain", b"ok")
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    let merged = s.post(&format!("/api/v1/tickets/{other}/merge"), &agent, json!({"into": ticket})).await;
    assert_eq!(merged.status, StatusCode::OK, "{:?}", merged.body);
    let listed = s.get(&path, &agent).await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(3));
    assert!(s.get(&format!("/api/v1/tickets/{other}/attachments"), &agent).await.body["data"] == json!([]));
}

async fn files_that_are_empty_too_large_or_not_sent_as_a_form_are_refused_and_change_nothing(s: TestServer) {
    let ticket = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Imprimante"})).await.id();
    let path = format!("/api/v1/tickets/{ticket}/attachments");
    let empty = s.upload(&path, &s.admin, "vide.txt", "text/plain", b"").await;
    assert_eq!(
        (empty.status, empty.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["file".to_owned()])
    );
    let large = vec![b'a'; 10 * 1024 * 1024 + 1];
    let too_big = s.upload(&path, &s.admin, "gros.txt", "text/plain", &large).await;
    assert_eq!(
        (too_big.status, too_big.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["file".to_owned()])
    );
    let json_body = s.post(&path, &s.admin, json!({"file": "bonjour"})).await;
    assert_eq!(json_body.error_fields(), ["file"]);
    assert_eq!(s.get(&path, &s.admin).await.body["data"], Value::Array(Vec::new()));
    let just_fits = vec![b'a'; 10 * 1024 * 1024];
    assert_eq!(
        s.upload(&path, &s.admin, "juste.txt", "text/plain", &just_fits).await.status,
        StatusCode::CREATED
    );
}

async fn an_agent_attaches_a_file_on_the_tickets_page_and_downloads_it_there(s: TestServer) {
    let (_, email) = s.user_with_password(Role::Support).await;
    let ticket = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Colis abîmé"})).await.id();
    let browser = s.signed_in(&email).await;
    browser.accept_language("fr");
    let page = browser.get(&format!("/tickets/{ticket}")).await;
    assert!(
        page.contains("Aucun fichier pour l’instant") && page.contains(r#"enctype="multipart/form-data""#)
    );
    let csrf = browser.csrf();
    let sent = browser
        .upload_with(
            &format!("/tickets/{ticket}/files"),
            &[("_csrf", &csrf)],
            "bon de livraison.txt",
            "text/plain",
            b"Colis n 42",
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(sent.location().map(str::to_owned), Some(format!("/tickets/{ticket}#files")));
    let page = browser.get(&format!("/tickets/{ticket}")).await;
    assert!(page.contains("bon de livraison.txt") && page.contains("de l’équipe"), "{}", page.text);
    let file = s.get(&format!("/api/v1/tickets/{ticket}/attachments"), &s.admin).await.body["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let href = format!("/tickets/{ticket}/files/{file}");
    assert!(page.contains(&href));
    let downloaded = browser.get(&href).await;
    assert_eq!((downloaded.status, downloaded.text.as_str()), (StatusCode::OK, "Colis n 42"));
    assert!(downloaded.headers.get(CONTENT_DISPOSITION).is_some());

    // Too large: the page again, saying so in French; a form without the token: refused.
    let large = vec![b'a'; 10 * 1024 * 1024 + 1];
    let csrf = browser.csrf();
    let refused = browser
        .upload_with(
            &format!("/tickets/{ticket}/files"),
            &[("_csrf", &csrf)],
            "gros.txt",
            "text/plain",
            &large,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("dépasse 10 Mo"), "{}", refused.text);
    let forged = browser
        .upload_with(&format!("/tickets/{ticket}/files"), &[("_csrf", "guess")], "x.txt", "text/plain", b"x")
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let listed = s.get(&format!("/api/v1/tickets/{ticket}/attachments"), &s.admin).await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1), "nothing refused was kept");
}
