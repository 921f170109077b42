//! A real Comptoir server on a random port and a fresh database, for tests that talk HTTP to it
//! as a client would. SQLite lives in a temporary folder; PostgreSQL gets a new database on the
//! server named by `COMPTOIR_TEST_POSTGRES`, dropped when the test ends.

use comptoir_app::App;
use comptoir_domain::ids::UserId;
use comptoir_domain::users::Role;
use comptoir_store::Db;
use comptoir_web::AppState;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub use reqwest::header::HeaderMap;

mod browser;
pub use browser::{Browser, Html};
mod smtp;
pub use smtp::{Received, SmtpServer};

/// The password of the admin every test server starts with.
pub const ADMIN_PASSWORD: &str = "admin-password-1234";
pub const ADMIN_EMAIL: &str = "admin@exemple.fr";

/// Runs each listed `async fn name(server: TestServer)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestServer::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) = $crate::TestServer::postgres().await {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}

enum Cleanup {
    Sqlite(#[expect(dead_code, reason = "held so the folder outlives the server")] tempfile::TempDir),
    Postgres { admin_url: String, database: String },
}

pub struct TestServer {
    pub base_url: String,
    pub client: reqwest::Client,
    /// A token of the admin every test server starts with.
    pub admin: String,
    pub admin_id: UserId,
    pub app: App,
    pub db: Db,
    /// Where the server's database is, for running the `comptoir` command against it.
    pub database_url: String,
    cleanup: Option<Cleanup>,
    server: tokio::task::JoinHandle<()>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The fields a 422 problem names, in order.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_default().to_owned()
    }
}

impl TestServer {
    pub async fn sqlite() -> TestServer {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("comptoir.db").display());
        Self::start(&url, Cleanup::Sqlite(dir)).await
    }

    /// `None` (the test is skipped, and says so) when no PostgreSQL server is configured,
    /// except under CI where that is a failure.
    pub async fn postgres() -> Option<TestServer> {
        let Ok(admin_url) = std::env::var("COMPTOIR_TEST_POSTGRES") else {
            assert!(std::env::var_os("CI").is_none(), "CI must set COMPTOIR_TEST_POSTGRES");
            eprintln!("COMPTOIR_TEST_POSTGRES is not set: skipping the PostgreSQL run");
            return None;
        };
        let database = format!("comptoir_test_{}", uuid::Uuid::now_v7().simple());
        let admin = sqlx::PgPool::connect(&admin_url).await.expect("the PostgreSQL test server answers");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
            .execute(&admin)
            .await
            .expect("a fresh database");
        admin.close().await;
        let url = with_database(&admin_url, &database);
        Some(Self::start(&url, Cleanup::Postgres { admin_url, database }).await)
    }

    async fn start(url: &str, cleanup: Cleanup) -> TestServer {
        let db = Db::connect(url).await.expect("the test database opens");
        db.migrate().await.expect("migrations apply");
        // Test receivers listen on this machine.
        let app = App::new(db.clone()).allowing_private_webhooks(true);
        let admin = app
            .create_user(
                None,
                json!({"email": ADMIN_EMAIL, "role": "admin", "display_name": "Admin", "password": ADMIN_PASSWORD}),
                None,
            )
            .await
            .expect("the first admin");
        let token = app.create_token(None, admin.id, "tests").await.expect("an admin token");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        let state = AppState::new(app.clone());
        let server = tokio::spawn(async move {
            let _ = comptoir_web::serve(listener, state, std::future::pending()).await;
        });
        TestServer {
            base_url,
            client: reqwest::Client::new(),
            admin: token.secret,
            admin_id: admin.id,
            app,
            db,
            database_url: url.to_owned(),
            cleanup: Some(cleanup),
            server,
        }
    }

    /// Runs statements straight on the test database, behind Comptoir's back, for tests that
    /// need the database itself to fail a write (a trigger). One text per engine.
    pub async fn execute_sql(&self, sqlite: &str, postgres: &str) {
        use sqlx::Connection;
        if self.database_url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&self.database_url).await.expect("a connection");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sqlite)).execute(&mut conn).await.expect("the statements run");
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.database_url).await.expect("a connection");
            sqlx::raw_sql(sqlx::AssertSqlSafe(postgres))
                .execute(&mut conn)
                .await
                .expect("the statements run");
        }
    }

    /// Makes every write to `table` wait (on SQLite, every write at all: it has one lock) until
    /// the hold is released, as another's long change would.
    pub async fn hold_writes(&self, table: &str) -> HeldWrites {
        use sqlx::Connection;
        if self.database_url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&self.database_url).await.expect("a connection");
            sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut conn).await.expect("the write lock");
            HeldWrites::Sqlite(conn)
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.database_url).await.expect("a connection");
            let lock = format!("BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE");
            sqlx::raw_sql(sqlx::AssertSqlSafe(lock)).execute(&mut conn).await.expect("the table's lock");
            HeldWrites::Postgres(conn)
        }
    }

    /// A new user with `role` and a token for them.
    pub async fn user(&self, role: Role) -> (UserId, String) {
        let email = format!("{}-{}@exemple.fr", role, uuid::Uuid::now_v7().simple());
        let user =
            self.app.create_user(None, json!({"email": email, "role": role}), None).await.expect("a user");
        let token = self.app.create_token(None, user.id, "tests").await.expect("a token");
        (user.id, token.secret)
    }

    /// A new user with `role` who signs in with [`ADMIN_PASSWORD`]; returns their id and email.
    pub async fn user_with_password(&self, role: Role) -> (UserId, String) {
        let email = format!("{}-{}@exemple.fr", role, uuid::Uuid::now_v7().simple());
        let user = self
            .app
            .create_user(None, json!({"email": email, "role": role, "password": ADMIN_PASSWORD}), None)
            .await
            .expect("a user");
        (user.id, email)
    }

    /// A browser that has not signed in.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url)
    }

    /// A browser signed in as `email` (with [`ADMIN_PASSWORD`]).
    pub async fn signed_in(&self, email: &str) -> Browser {
        let browser = self.browser();
        browser.sign_in(email, ADMIN_PASSWORD, false).await;
        browser
    }

    /// Removes every user, as on an instance that was never set up.
    /// How many events named `name` (`ticket.sla_breached`) were written.
    pub async fn events_named(&self, name: &str) -> i64 {
        const COUNT: &str = "SELECT count(*) FROM domain_events WHERE name = $1";
        match &self.db {
            Db::Sqlite(pool) => sqlx::query_scalar(COUNT).bind(name).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(COUNT).bind(name).fetch_one(pool).await,
        }
        .expect("a count")
    }

    pub async fn forget_all_users(&self) {
        match &self.db {
            Db::Sqlite(pool) => sqlx::query("DELETE FROM users").execute(pool).await.map(|_| ()),
            Db::Postgres(pool) => sqlx::query("DELETE FROM users").execute(pool).await.map(|_| ()),
        }
        .expect("users removed");
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer { status, headers, body }
    }

    /// Sends one `file` to `path` as `multipart/form-data`, with the token.
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Answer {
        self.send_file(reqwest::Method::POST, path, token, file_name, content_type, bytes).await
    }

    /// Sends one `file` to `path` as `multipart/form-data` with `method` (`PUT` replaces a
    /// file), with the token.
    pub async fn send_file(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Answer {
        let (form_type, body) = multipart(&[], file_name, content_type, bytes);
        let response = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(token)
            .header("content-type", form_type)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, headers, body }
    }

    /// What `path` answers, as bytes: a file.
    pub async fn download(
        &self,
        path: &str,
        token: &str,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base_url))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers");
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.bytes().await.expect("a body").to_vec())
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.request(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.request(Method::POST, path, Some(token), Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.request(Method::PATCH, path, Some(token), Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.request(Method::DELETE, path, Some(token), None, &[]).await
    }
}

fn with_database(admin_url: &str, database: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.abort();
        if let Some(Cleanup::Postgres { admin_url, database }) = self.cleanup.take() {
            let db = self.db.clone();
            // Drop runs inside the test's runtime, which cannot be blocked on; a helper thread
            // with its own runtime removes the database.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                runtime.block_on(async move {
                    db.close().await;
                    if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
                        )))
                        .execute(&admin)
                        .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A `multipart/form-data` body of `fields` and one `file`, and its content type.
pub fn multipart(
    fields: &[(&str, &str)],
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "comptoir-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Writes held back by [`TestServer::hold_writes`]; they go on once released.
pub enum HeldWrites {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl HeldWrites {
    /// Runs `sql` (the same on both engines) as part of the change that holds the writes: the
    /// others see it once released.
    pub async fn execute(&mut self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            HeldWrites::Sqlite(conn) => sqlx::raw_sql(sql).execute(&mut *conn).await.map(drop),
            HeldWrites::Postgres(conn) => sqlx::raw_sql(sql).execute(&mut *conn).await.map(drop),
        }
        .expect("the statement runs");
    }

    pub async fn release(self) {
        match self {
            HeldWrites::Sqlite(mut conn) => sqlx::raw_sql("COMMIT").execute(&mut conn).await.map(drop),
            HeldWrites::Postgres(mut conn) => sqlx::raw_sql("COMMIT").execute(&mut conn).await.map(drop),
        }
        .expect("the hold ends");
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_replaces_the_maintenance_one() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1/postgres", "x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
