//! The SDK and the `me` command line against a real me-server started in
//! the test on a fresh database (in-process, with a clock the test moves and
//! a mailer it reads).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod cli;
mod sdk;

use me_client::{Client, DomainParams};
use me_core::{Core, Keys, ManualClock, Settings};
use me_wire::UserPost;
use std::sync::Arc;

pub const PASSWORD: &str = "Correct-Horse-9";

/// A mail transport that keeps what it is given.
#[derive(Default)]
pub struct Captured(pub std::sync::Mutex<Vec<me_core::store::OutboxMail>>);

#[async_trait::async_trait]
impl me_core::outbox::MailTransport for Captured {
    async fn send(&self, mail: &me_core::store::OutboxMail) -> Result<(), String> {
        self.0.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

pub struct Server {
    pub url: String,
    pub clock: Arc<ManualClock>,
    pub mail: Arc<Captured>,
    pub core: Core,
    _dir: tempfile::TempDir,
}

pub async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = me_store::SqlStore::connect(&format!("sqlite:{}", dir.path().join("me.db").display())).await.unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let keys = Keys { token_secret: b"sdk-test-secret-sdk-test-secret-!!", data_key: &[7u8; 32] };
    let github = Arc::new(me_server::github::GithubClient::new("http://127.0.0.1:9").unwrap());
    let settings = Settings { outbox_poll: std::time::Duration::from_millis(25), ..Settings::default() };
    let core = Core::new(Arc::new(store), clock.clone(), keys, github, settings).unwrap();
    let mail = Arc::new(Captured::default());
    let _ = me_server::serve::spawn_outbox(core.clone(), mail.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = me_server::AppState { core: core.clone() };
    tokio::spawn(me_server::serve::serve_until(
        listener,
        state,
        std::time::Duration::from_secs(30),
        std::future::pending(),
    ));
    Server { url, clock, mail, core, _dir: dir }
}

pub async fn signed_up(s: &Server, email: &str) -> Client {
    let client = Client::new(&s.url).unwrap();
    let user = UserPost {
        email: email.into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        password: Some(PASSWORD.into()),
        accept_terms: Some("on".into()),
        ..Default::default()
    };
    let authed = client.users_post(&user).await.unwrap();
    client.with_token(authed.token)
}

pub fn code(s: &Server, key: &str) -> String {
    let secret = totp_rs::Secret::Encoded(key.to_owned()).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).unwrap();
    use me_core::Clock;
    totp.generate(s.clock.now().timestamp() as u64)
}

pub fn none() -> DomainParams {
    DomainParams::default()
}
