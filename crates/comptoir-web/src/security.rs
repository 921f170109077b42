//! What every answer carries and every request is checked for before it reaches a handler:
//! the browser's security headers, query strings without control characters, and a problem
//! document for a method a route does not answer.

use crate::error::problem_response as problem;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use comptoir_domain::validation::is_ascii_control;

/// Scripts and styles come only from this site's own files (htmx and ours, no inline code),
/// no page may be framed, and forms post only here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'; object-src 'none'";

/// Adds the security headers to every answer, and gives a bare 405 its problem document.
pub async fn headers(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let mut response = next.run(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response = method_not_allowed(&method, response);
    }
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    // Record URLs name customers; other sites learn nothing from a link followed out.
    set(headers, header::REFERRER_POLICY, "same-origin");
    response
}

/// Refuses a query string holding ASCII control characters (`%00`, `%0A`…) with 400 before any
/// handler reads it: no filter, search or parameter has a use for them, and PostgreSQL
/// refuses NUL in text outright.
pub async fn plain_queries(request: Request, next: Next) -> Response {
    if let Some(query) = request.uri().query()
        && let Some(name) = name_with_control(query)
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
            "Bad request",
            format!("query parameter {name} must not contain control characters"),
        );
    }
    next.run(request).await
}

/// The name of the first parameter whose name or value decodes to a control character.
fn name_with_control(query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(query) {
        Ok(pairs) => pairs,
        // Not decodable as text: control characters or not, no parameter can be read.
        Err(_) => return Some("query".to_owned()),
    };
    pairs
        .into_iter()
        .find(|(name, value)| name.chars().chain(value.chars()).any(is_ascii_control))
        .map(|(name, _)| name.chars().filter(|c| !is_ascii_control(*c)).collect())
}

/// A route that exists but not for this method: 405 with `Allow`, as a problem document.
fn method_not_allowed(method: &Method, original: Response) -> Response {
    let allow = original.headers().get(header::ALLOW).cloned();
    let mut response = problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "/problems/method-not-allowed",
        "Method not allowed",
        format!("{method} is not supported here"),
    );
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

/// Compares secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::{name_with_control, same_secret};

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn control_characters_in_a_query_are_found_by_parameter() {
        assert_eq!(name_with_control("filter%5Bcity%5D%5Beq%5D=%00"), Some("filter[city][eq]".to_owned()));
        assert_eq!(name_with_control("q=a%0Ab"), Some("q".to_owned()));
        assert_eq!(name_with_control("q=Lyon+centre&sort=-created_at"), None);
        assert_eq!(name_with_control("q=%C3%A9t%C3%A9"), None);
    }
}
