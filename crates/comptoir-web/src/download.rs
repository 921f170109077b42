//! Lists downloaded whole (CSV, vCard): every record a list matches, read a page at a time and
//! written to the response as it is read, so a million contacts hold one page in memory; a
//! client that goes away stops the reading.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use comptoir_app::App;
use comptoir_app::kind::Kind;
use comptoir_domain::listing::{ListQuery, Page};
use comptoir_domain::users::Actor;

/// What the file is called and what it holds.
pub struct Download {
    pub content_type: &'static str,
    pub file_name: String,
}

/// Streams `head`, then `first` and every following page of `query` as `render` writes them.
/// `first` is read by the caller before answering, so a bad filter is still refused.
pub fn stream<K: Kind>(
    app: App,
    actor: Actor,
    mut query: ListQuery,
    first: Page<K::Record>,
    head: Vec<u8>,
    render: impl Fn(&[K::Record]) -> Result<Vec<u8>, std::io::Error> + Send + 'static,
    download: Download,
) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let send = async |chunk: Result<Vec<u8>, std::io::Error>| {
            let failed = chunk.is_err();
            sender.send(chunk).await.is_ok() && !failed
        };
        if !send(Ok(head)).await || !send(render(&first.data)).await {
            return;
        }
        let mut next = first.next_cursor;
        while let Some(cursor) = next {
            query.cursor = Some(cursor);
            match app.list::<K>(&actor, &query).await {
                Ok(page) => {
                    if !send(render(&page.data)).await {
                        return;
                    }
                    next = page.next_cursor;
                }
                Err(error) => {
                    tracing::error!(%error, "a download stopped");
                    let _ = send(Err(std::io::Error::other("the list stopped"))).await;
                    return;
                }
            }
        }
    });
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver));
    (
        [
            (header::CONTENT_TYPE, download.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", download.file_name)),
        ],
        body,
    )
        .into_response()
}

/// Whether the request's `Accept` names `media_type` (`text/csv`, `text/vcard`).
pub fn accepts(headers: &axum::http::HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|kind| kind.trim().starts_with(media_type)))
}

/// A contact's vCard 4.0 card as a `.vcf` file named after it.
pub fn vcard_file(contact: &comptoir_domain::contacts::Contact) -> Response {
    let name = comptoir_domain::search::fold(&contact.fields.display_name()).replace(' ', "-");
    let file_name = if name.is_empty() { "contact".to_owned() } else { name };
    (
        [
            (header::CONTENT_TYPE, comptoir_import::vcard::MEDIA_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}.vcf\"")),
        ],
        comptoir_import::vcard::card(contact),
    )
        .into_response()
}
