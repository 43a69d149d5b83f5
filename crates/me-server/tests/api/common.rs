//! `TestApp`: one server on port 0 over a fresh SQLite file, with a clock the
//! test moves, plus helpers to call it and check bodies against `spec/`.

use async_trait::async_trait;
use chrono::Duration;
use me_core::outbox::MailTransport;
use me_core::store::{OutboxMail, UserChanges, UserRecord};
use me_core::{Core, Keys, ManualClock, Settings};
use me_server::AppState;
use me_store::SqlStore;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{oneshot, watch};

pub const PASSWORD: &str = "Correct-Horse-9";
pub const NEW_PASSWORD: &str = "Battery-Staple-7";

pub struct TestApp {
    pub url: String,
    pub core: Core,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    pub store: SqlStore,
    /// Mail the capturing transport received (when no other was given).
    pub mail: Arc<CapturedMail>,
    pub db_dir: PathBuf,
    /// (base URL, schema) of a PostgreSQL-backed app, for [`TestApp::drop_schema`].
    pg_schema: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
    _stop: oneshot::Sender<()>,
    _stop_outbox: watch::Sender<bool>,
}

/// How to build a [`TestApp`].
pub struct TestOptions {
    pub settings: Settings,
    /// Where mail goes; a [`CapturedMail`] when `None`.
    pub transport: Option<Arc<dyn MailTransport>>,
    /// The GitHub API base; nothing listens there by default.
    pub github_api: String,
    /// Reuse the database in this folder (a restart); a fresh one when `None`.
    pub db_dir: Option<PathBuf>,
    /// A fresh PostgreSQL schema at this URL instead of SQLite.
    pub postgres: Option<String>,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions {
            settings: Settings {
                outbox_poll: std::time::Duration::from_millis(50),
                outbox_retry_base: std::time::Duration::from_secs(5),
                ..Settings::default()
            },
            transport: None,
            github_api: "http://127.0.0.1:9".into(),
            db_dir: None,
            postgres: None,
        }
    }
}

/// A transport that keeps what it is given.
#[derive(Default)]
pub struct CapturedMail(Mutex<Vec<OutboxMail>>);

impl CapturedMail {
    pub fn all(&self) -> Vec<OutboxMail> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait]
impl MailTransport for CapturedMail {
    async fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        self.0.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

/// A response: status and JSON body (`Null` when there was none).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Settings::default()).await
    }

    pub async fn spawn_with(settings: Settings) -> TestApp {
        Self::spawn_opts(TestOptions { settings, ..TestOptions::default() }).await
    }

    pub async fn spawn_opts(opts: TestOptions) -> TestApp {
        let (dir, db_dir) = match opts.db_dir {
            Some(path) => (None, path),
            None => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().to_owned();
                (Some(dir), path)
            }
        };
        let (store, pg_schema) = match &opts.postgres {
            Some(base) => {
                let (store, schema) = me_store::testing::isolated_postgres(base).await.unwrap();
                (store, Some((base.clone(), schema)))
            }
            None => (SqlStore::connect(&format!("sqlite:{}", db_dir.join("me.db").display())).await.unwrap(), None),
        };
        let clock = Arc::new(ManualClock::starting_now());
        let keys = Keys { token_secret: b"test-secret-test-secret-test-secret!", data_key: &[42u8; 32] };
        let github = Arc::new(me_server::github::GithubClient::new(&opts.github_api).unwrap());
        let core = Core::new(Arc::new(store.clone()), clock.clone(), keys, github, opts.settings).unwrap();
        let mail = Arc::new(CapturedMail::default());
        let transport: Arc<dyn MailTransport> = opts.transport.unwrap_or_else(|| mail.clone());
        let (stop_outbox, _) = me_server::serve::spawn_outbox(core.clone(), transport);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState { core: core.clone() };
        tokio::spawn(me_server::serve::serve_until(listener, state, std::time::Duration::from_secs(30), async move {
            let _ = stopped.await;
        }));
        TestApp {
            url,
            core,
            clock,
            http: reqwest::Client::new(),
            store,
            mail,
            db_dir,
            pg_schema,
            _dir: dir,
            _stop: stop,
            _stop_outbox: stop_outbox,
        }
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        reply(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// Signs up `email` with [`PASSWORD`]; returns (user id, token).
    pub async fn sign_up(&self, email: &str) -> (String, String) {
        let r = self
            .call(
                Method::POST,
                "/users",
                None,
                Some(json!({
                    "email": email, "firstName": "Ada", "lastName": "Lovelace",
                    "password": PASSWORD, "acceptTerms": "on"
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        (r.body["userId"].as_str().unwrap().to_owned(), r.body["token"].as_str().unwrap().to_owned())
    }

    pub async fn log_in(&self, email: &str, password: &str) -> Reply {
        self.call(Method::POST, "/auth/user", None, Some(json!({"email": email, "password": password}))).await
    }

    /// A token minted directly, with these scopes, issued `age` ago.
    pub fn mint(&self, user_id: &str, scopes: &[&str], age: Duration, ttl_secs: u64) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.core.tokens.issue(user_id, "user", &scopes, self.clock_now() - age, ttl_secs).unwrap()
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use me_core::Clock;
        self.clock.now()
    }

    pub async fn user(&self, id: &str) -> Option<UserRecord> {
        self.core.store.user_by_id(id).await.unwrap()
    }

    /// Drops a PostgreSQL-backed app's schema (call at the end of the test).
    pub async fn drop_schema(self) {
        if let Some((base, schema)) = &self.pg_schema {
            self.store.close().await;
            me_store::testing::drop_postgres_schema(base, schema).await.unwrap();
        }
    }

    /// POSTs `body` to `path` expecting 201; returns the new id.
    pub async fn create(&self, token: &str, path: &str, body: Value) -> String {
        let r = self.call(Method::POST, path, Some(token), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "POST {path}: {}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_org(&self, token: &str, name: &str) -> String {
        self.create(token, "/orgs", json!({"name": name})).await
    }

    /// Marks the user's email verified, as following the mailed link would.
    pub async fn verify_email_of(&self, user_id: &str) {
        self.change_user(user_id, UserChanges { email_verified: Some(true), ..Default::default() }).await;
    }

    /// Seeds rows the API cannot make yet.
    pub async fn raw_sql(&self, sql: &str) {
        self.store.execute_raw(sql).await.unwrap();
    }

    pub async fn change_user(&self, id: &str, changes: UserChanges) {
        self.core.store.update_user(id, &changes, self.clock_now()).await.unwrap();
    }
}

pub async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let is_json = resp.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let text = resp.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        assert!(is_json, "every body is JSON, got {status}: {text}");
        serde_json::from_str(&text).unwrap()
    };
    if status.is_client_error() || status.is_server_error() {
        assert_schema("error.json", &body);
        assert!(body["type"].is_string() && body["message"].is_string(), "{body}");
    }
    Reply { status, body }
}

/// Fails the test unless `body` validates against `spec/<schema>`.
pub fn assert_schema(schema: &str, body: &Value) {
    let validator = jsonschema::options().should_validate_formats(true).build(&load_schema(schema)).unwrap();
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{body:#}");
}

/// A schema from `spec/`, with two slips of the published schemas mended so
/// a strict validator accepts them (see `spec/README.md`).
pub fn load_schema(schema: &str) -> Value {
    let path = format!("{}/../../spec/{schema}", env!("CARGO_MANIFEST_DIR"));
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    mend(&mut value);
    value
}

fn mend(node: &mut Value) {
    match node {
        Value::Object(map) => {
            // `properties` that is really a whole schema (it has a string
            // `type`): the item schemas of orgInvites.json and orgInvitesUser.json.
            let nested = map
                .get("properties")
                .and_then(Value::as_object)
                .filter(|p| p.get("type").is_some_and(Value::is_string))
                .cloned();
            if let Some(inner) = nested {
                map.remove("properties");
                for (k, v) in inner {
                    map.insert(k, v);
                }
            }
            // Losant's template placeholders `{{...}}` in patterns are not
            // valid ECMA regex quantifiers; match them literally.
            if let Some(Value::String(p)) = map.get_mut("pattern") {
                *p = p.replace("{{", "\\{\\{").replace("}}", "\\}\\}");
            }
            map.values_mut().for_each(mend);
        }
        Value::Array(items) => items.iter_mut().for_each(mend),
        _ => {}
    }
}

#[test]
fn every_spec_schema_compiles_once_mended() {
    let dir = format!("{}/../../spec", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            let built = jsonschema::options().should_validate_formats(true).build(&load_schema(&name));
            assert!(built.is_ok(), "{name}: {:?}", built.err());
        }
    }
}

/// Asserts a status and an error type.
pub fn assert_error(r: &Reply, status: u16, kind: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.body["type"], kind, "{}", r.body);
}
