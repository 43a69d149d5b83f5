//! The `me-server` binary: `users create`, `serve`, and a clean stop.

use super::common::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_me-server");

fn me_server(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("ME_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ME_TOKEN_SECRET")
        .env_remove("ME_LISTEN")
        .env("ME_LOG_FORMAT", "text")
        .env("NO_COLOR", "1");
    c
}

fn create_user(data_dir: &std::path::Path, email: &str, password: &str) -> std::process::Output {
    me_server(data_dir)
        .args([
            "users",
            "create",
            "--email",
            email,
            "--password",
            password,
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
        ])
        .output()
        .unwrap()
}

/// Starts `me-server serve` on a free port; returns the child and its URL,
/// read from the line it logs.
fn start_server(data_dir: &std::path::Path) -> (Child, String) {
    let mut child =
        me_server(data_dir).args(["serve", "--listen", "127.0.0.1:0"]).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        assert!(Instant::now() < deadline, "server did not log its URL");
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on ".len()..];
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

#[test]
fn users_create_prints_the_user_and_refuses_duplicates_and_weak_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let out = create_user(dir.path(), "ada@example.com", PASSWORD);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let user: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_schema("me.json", &user);
    assert_eq!(user["email"], "ada@example.com");

    let dup = create_user(dir.path(), "ADA@example.com", PASSWORD);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));

    let weak = create_user(dir.path(), "bob@example.com", "password");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("token-secret")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the generated secret is private");
    }
}

#[tokio::test]
async fn users_create_works_beside_a_running_server_which_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start_server(dir.path());
    let http = reqwest::Client::new();
    let health = reply(http.get(format!("{url}/health")).send().await.unwrap()).await;
    assert_eq!(health.status, 200);

    let out = create_user(dir.path(), "ada@example.com", PASSWORD);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let login = http
        .post(format!("{url}/auth/user"))
        .json(&serde_json::json!({"email": "ada@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let login = reply(login).await;
    assert_eq!(login.status, 200, "the server sees the user the command made: {}", login.body);

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn tokens_create_prints_a_service_token_for_the_metering_api() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        me_server(dir.path()).args(["tokens", "create", "--scope", "metering.write", "--ttl", "60"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap();
    // Signed with the data folder's secret, so the server accepts it.
    let secret = std::fs::read(dir.path().join("token-secret")).unwrap();
    let keys = me_core::token::TokenKeys::new(&secret);
    let claims = keys.verify(token.trim(), me_core::Clock::now(&me_core::SystemClock)).unwrap();
    assert_eq!((claims.kind.as_str(), claims.scope.clone()), ("service", vec!["metering.write".to_owned()]));
    assert_eq!(claims.lifetime_secs(), 60);
    let bad = me_server(dir.path()).args(["tokens", "create", "--scope", "all.User"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("metering.write"));
}
