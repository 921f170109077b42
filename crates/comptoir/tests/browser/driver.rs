//! A headless Chromium session through chromedriver, with the few gestures the tests need and
//! an axe-core check that fails on any serious or critical violation.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const AXE: &str = include_str!("../../../../assets/vendor/axe-core/axe.min.js");
const WAIT: Duration = Duration::from_secs(10);

pub struct Browser {
    client: Client,
    driver: Child,
    base_url: String,
    save_screenshots: bool,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Browser {
    /// `None` (the test is skipped, and says so) when Chromium is not installed, except under
    /// CI, which must have it.
    pub async fn start(base_url: &str, save_screenshots: bool) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            assert!(std::env::var_os("CI").is_none(), "CI must install chromium and chromium-driver");
            eprintln!("{CHROMIUM} or {CHROMEDRIVER} is missing: skipping the browser test");
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {"intl.accept_languages": "en-US,en"},
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // chromedriver needs a moment to listen.
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(capabilities.clone()).connect(&url).await {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        base_url: base_url.to_owned(),
                        save_screenshots,
                        _profile: profile,
                    });
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start a session: {last_error:?}");
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base_url)).await.expect("the page loads");
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    pub async fn wait_for_element(&self, css: &str) {
        self.find(css).await;
    }

    /// Waits until the element `css` contains `text`.
    pub async fn wait_for(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.text().await.is_ok_and(|t| t.contains(text))
            {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                let source = self.client.source().await.unwrap_or_default();
                panic!("{css} never showed {text:?}; the page was:\n{source}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        element.clear().await.expect("cleared");
        element.send_keys(text).await.expect("typed");
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.expect("selected");
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("clicked");
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.expect("value").unwrap_or_default()
    }

    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.expect("attribute")
    }

    /// The first link whose address starts with `prefix`.
    pub async fn first_link(&self, prefix: &str) -> String {
        self.find(&format!("main a[href^='{prefix}']"))
            .await
            .attr("href")
            .await
            .expect("href")
            .expect("a link")
    }

    /// A key pressed on the page, outside any input.
    pub async fn press(&self, key: &str) {
        self.find("body").await.send_keys(key).await.expect("key pressed");
    }

    /// The id of the element that has the focus.
    pub async fn focused_id(&self) -> String {
        let id = self.client.execute("return document.activeElement.id", vec![]).await.expect("the focus");
        id.as_str().unwrap_or_default().to_owned()
    }

    /// Types into the element `css`, which keeps the focus it has.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.expect("typed");
    }

    /// What `script` returns, run in the page.
    pub async fn run(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.expect("the script runs")
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.expect("resized");
    }

    /// Runs axe-core on the page and fails on serious or critical violations, naming them.
    /// Also checks the page works under its Content-Security-Policy: htmx, where the page loads
    /// it, ran (its script is the site's own) and put no inline style in the page, which the
    /// policy would block.
    pub async fn check_accessibility(&self, page: &str) {
        let policy = self
            .client
            .execute(
                "return { htmx: !document.querySelector('script[src*=\"htmx\"]')
                            || (typeof htmx === 'object' && htmx.config.includeIndicatorStyles === false),
                          inline_styles: document.querySelectorAll('style, [style]').length };",
                vec![],
            )
            .await
            .expect("the page answers");
        assert_eq!(policy, json!({"htmx": true, "inline_styles": 0}), "{page} under its security policy");
        self.check_axe(page).await;
    }

    /// Runs axe-core on the page and fails on serious or critical violations, naming them.
    pub async fn check_axe(&self, page: &str) {
        self.client.execute(AXE, vec![]).await.expect("axe-core loads");
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document)
              .then(r => done({
                checked: r.passes.length,
                violations: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                  .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html).slice(0, 3) })),
              }))
              .catch(e => done({ checked: 0, violations: [{ id: "axe-error", help: String(e) }] }));
        "#;
        let outcome = self.client.execute_async(script, vec![]).await.expect("axe-core runs");
        assert!(outcome["checked"].as_u64().unwrap_or_default() > 10, "axe-core checked {page}: {outcome}");
        assert_eq!(outcome["violations"], json!([]), "accessibility violations on {page}");
    }

    /// Saves the page as `docs/screenshots/<name>.png` when `UPDATE_SCREENSHOTS` is set.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG image");
        if self.save_screenshots && std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            let path: PathBuf =
                [env!("CARGO_MANIFEST_DIR"), "..", "..", "docs", "screenshots", &format!("{name}.png")]
                    .iter()
                    .collect();
            std::fs::write(&path, png).expect("the screenshot is saved");
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still stops its chromedriver (and so its Chromium).
        let _ = self.driver.kill();
    }
}
