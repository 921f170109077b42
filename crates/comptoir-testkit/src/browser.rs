//! A browser as the pages see one: it keeps its cookies, follows no redirect by itself (tests
//! check where they lead), and sends forms with the CSRF token of the last page it read.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::collections::HashMap;
use std::sync::Mutex;

pub struct Browser {
    base_url: String,
    client: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
    csrf: Mutex<String>,
    accept_language: Mutex<Option<String>>,
}

/// A page or fragment, read whole.
#[derive(Debug)]
pub struct Html {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Html {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }

    /// The first `/contacts/<id>` or `/companies/<id>` link after `prefix`.
    pub fn link_id(&self, prefix: &str) -> Option<String> {
        self.text.match_indices(prefix).find_map(|(at, _)| {
            let rest = &self.text[at + prefix.len()..];
            let id: String = rest.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect();
            (id.len() == 36).then_some(id)
        })
    }
}

fn attribute_after<'a>(text: &'a str, marker: &str, attribute: &str) -> Option<&'a str> {
    let at = text.find(marker)?;
    let rest = &text[at..];
    let start = rest.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    let end = rest[start..].find('"')?;
    Some(&rest[start..start + end])
}

impl Browser {
    pub fn new(base_url: &str) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Browser {
            base_url: base_url.to_owned(),
            client,
            cookies: Mutex::default(),
            csrf: Mutex::default(),
            accept_language: Mutex::default(),
        }
    }

    pub fn accept_language(&self, value: &str) {
        *self.accept_language.lock().expect("lock") = Some(value.to_owned());
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("lock").get(name).cloned()
    }

    pub fn csrf(&self) -> String {
        self.csrf.lock().expect("lock").clone()
    }

    async fn send(&self, request: reqwest::RequestBuilder, htmx: bool) -> Html {
        let cookie_header = {
            let cookies = self.cookies.lock().expect("lock");
            cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
        };
        let mut request = request.header("cookie", cookie_header);
        if let Some(language) = self.accept_language.lock().expect("lock").clone() {
            request = request.header("accept-language", language);
        }
        if htmx {
            request = request.header("hx-request", "true");
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        {
            let mut cookies = self.cookies.lock().expect("lock");
            for value in headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    if value.is_empty() || value.contains("Max-Age=0") {
                        cookies.remove(name);
                    } else {
                        cookies.insert(name.to_owned(), value.to_owned());
                    }
                }
            }
        }
        let text = response.text().await.expect("a body");
        let token = attribute_after(&text, "name=\"csrf-token\"", "content")
            .or_else(|| attribute_after(&text, "name=\"_csrf\"", "value"));
        if let Some(token) = token {
            *self.csrf.lock().expect("lock") = token.to_owned();
        }
        Html { status, headers, text }
    }

    pub async fn get(&self, path: &str) -> Html {
        self.send(self.client.get(format!("{}{path}", self.base_url)), false).await
    }

    /// What htmx asks for: a fragment where the page has one.
    pub async fn get_htmx(&self, path: &str) -> Html {
        self.send(self.client.get(format!("{}{path}", self.base_url)), true).await
    }

    /// Submits a form with the CSRF token of the last page read.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Html {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf();
        all.push(("_csrf", &csrf));
        self.post_exactly(path, &all, &[]).await
    }

    /// Sends a file as a form's `file` field would, after a `_csrf` field holding `csrf`.
    pub async fn upload(&self, path: &str, csrf: &str, file_name: &str, bytes: &[u8]) -> Html {
        self.upload_with(path, &[("_csrf", csrf)], file_name, "text/csv", bytes).await
    }

    /// Sends a form of `fields` and one `file` of `content_type`, as a browser sends it.
    pub async fn upload_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Html {
        let (form_type, body) = crate::multipart(fields, file_name, content_type, bytes);
        let request =
            self.client.post(format!("{}{path}", self.base_url)).header("content-type", form_type).body(body);
        self.send(request, false).await
    }

    /// Submits what htmx would: the form, with the token in its header.
    pub async fn post_htmx(&self, path: &str, fields: &[(&str, &str)]) -> Html {
        let csrf = self.csrf();
        let request =
            self.client.post(format!("{}{path}", self.base_url)).header("x-csrf-token", csrf).form(fields);
        self.send(request, true).await
    }

    /// Submits exactly these fields and headers, token or not.
    pub async fn post_exactly(&self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Html {
        let mut request = self.client.post(format!("{}{path}", self.base_url)).form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, false).await
    }

    /// Signs in through the sign-in form and checks it worked.
    pub async fn sign_in(&self, email: &str, password: &str, remember: bool) {
        let answer = self.try_sign_in(email, password, remember).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "sign-in refused: {}", answer.text);
        // The first page after sign-in carries the session's CSRF token.
        let home = self.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
    }

    pub async fn try_sign_in(&self, email: &str, password: &str, remember: bool) -> Html {
        self.get("/sign-in").await;
        let mut fields = vec![("email", email), ("password", password)];
        if remember {
            fields.push(("remember", "on"));
        }
        self.post("/sign-in", &fields).await
    }
}
