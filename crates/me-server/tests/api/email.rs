//! Email verification through the outbox and a real SMTP conversation.

use super::common::*;
use super::stand_ins::{closed_port, SmtpSink};
use chrono::Duration;
use me_core::store::OutboxStore;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

async fn app_with_smtp(url: &str) -> TestApp {
    let transport = Arc::new(me_server::mail::SmtpMailer::new(url, "me-api <no-reply@example.com>").unwrap());
    TestApp::spawn_opts(TestOptions { transport: Some(transport), ..TestOptions::default() }).await
}

/// The token in a received message, from its link.
fn token_in(data: &str) -> (String, String) {
    let at = data.find("/verify-email?email=").expect("a link");
    let link: String = data[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    let email = link.split("email=").nth(1).unwrap().split('&').next().unwrap().replace("%40", "@");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    (email, token)
}

async fn verify(app: &TestApp, email: &str, token: &str) -> Reply {
    app.call(Method::POST, "/auth/verifyEmail", None, Some(json!({"email": email, "token": token}))).await
}

#[tokio::test]
async fn the_mailed_token_verifies_the_email_once() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink.url()).await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let r = app.call(Method::POST, "/me/verify-email", Some(&token), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("success.json", &r.body);

    let got = sink.wait_for(1).await;
    assert_eq!(got[0].to, vec!["ada@example.com".to_owned()]);
    assert!(got[0].data.contains("Subject: Verify your email address"));
    let text = quoted_printable_decode(&got[0].data);
    assert!(text.contains("http://127.0.0.1:8080/verify-email?email=ada%40example.com&token="), "{text}");
    let (email, mailed) = token_in(&text);
    assert!(text.contains(&format!("\n{mailed}\n")), "the token itself is in the message too");
    assert_eq!(email, "ada@example.com");
    assert_eq!(mailed.len(), 64, "32 random bytes");

    assert_error(&verify(&app, "ada@example.com", "0".repeat(64).as_str()).await, 400, "Validation");
    let ok = verify(&app, "ADA@example.com", &mailed).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_schema("success.json", &ok.body);
    let me = app.get("/me", &token).await;
    assert_eq!(me.body["emailVerified"], true);
    assert_eq!(me.body["needsToVerifyEmail"], false);
    assert_error(&verify(&app, "ada@example.com", &mailed).await, 400, "Validation");

    // Already verified: success, and nothing is sent.
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.call(Method::POST, "/me/verify-email", Some(&token), None).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.received.lock().unwrap().len(), 1);
    // The token was kept only as a hash, and the sent body is forgotten.
    assert_eq!(app.store.unsent_mail_count().await.unwrap(), 0);
}

#[tokio::test]
async fn one_message_a_minute_and_tokens_expire_after_a_day() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    assert_eq!(app.call(Method::POST, "/me/verify-email", Some(&token), None).await.status, 200);
    let again = app.call(Method::POST, "/me/verify-email", Some(&token), None).await;
    assert_error(&again, 429, "TooManyRequests");
    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.call(Method::POST, "/me/verify-email", Some(&token), None).await.status, 200);
    let mail = wait_for_captured(&app, 2).await;
    let (_, first) = token_in(&mail[0].body);
    app.clock.advance(Duration::hours(24));
    assert_error(&verify(&app, "ada@example.com", &first).await, 410, "Gone");
}

#[tokio::test]
async fn changing_the_email_invalidates_outstanding_tokens() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    app.call(Method::POST, "/me/verify-email", Some(&token), None).await;
    let mail = wait_for_captured(&app, 1).await;
    let (_, mailed) = token_in(&mail[0].body);
    let r = app.call(Method::PATCH, "/me", Some(&token), Some(json!({"email": "countess@example.com"}))).await;
    assert_eq!(r.status, 200);
    assert_error(&verify(&app, "ada@example.com", &mailed).await, 400, "Validation");
    assert_error(&verify(&app, "countess@example.com", &mailed).await, 400, "Validation");
    assert_eq!(app.get("/me", &token).await.body["emailVerified"], false);
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_up() {
    let port = closed_port().await;
    let app = app_with_smtp(&format!("smtp://127.0.0.1:{port}")).await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let started = std::time::Instant::now();
    let r = app.call(Method::POST, "/me/verify-email", Some(&token), None).await;
    assert_eq!(r.status, 200, "the API does not wait for SMTP");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Give the sender time to try and fail.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.store.unsent_mail_count().await.unwrap(), 1, "still queued");

    let sink = SmtpSink::start_on(port).await;
    app.clock.advance(Duration::seconds(6)); // past the first retry delay
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].to, vec!["ada@example.com".to_owned()]);
    wait_until(|| async { app.store.unsent_mail_count().await.unwrap() == 0 }).await;
}

#[tokio::test]
async fn queued_mail_survives_a_restart() {
    let port = closed_port().await;
    let first = app_with_smtp(&format!("smtp://127.0.0.1:{port}")).await;
    let (_, token) = first.sign_up("ada@example.com").await;
    assert_eq!(first.call(Method::POST, "/me/verify-email", Some(&token), None).await.status, 200);
    // The first instance stops with the message undelivered...
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(first.store.unsent_mail_count().await.unwrap(), 1);
    let db_dir = first.db_dir.clone();
    let keep_files = first; // its temporary folder holds the database: keep it

    // ...and a new one on the same database, with SMTP up, delivers it.
    let sink = SmtpSink::start().await;
    let transport = Arc::new(me_server::mail::SmtpMailer::new(&sink.url(), "me-api <no-reply@example.com>").unwrap());
    let second =
        TestApp::spawn_opts(TestOptions { transport: Some(transport), db_dir: Some(db_dir), ..TestOptions::default() })
            .await;
    second.clock.advance(Duration::minutes(5)); // past the first instance's lease and retry delay
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].to, vec!["ada@example.com".to_owned()]);
    drop(keep_files);
}

#[tokio::test]
async fn without_smtp_mail_is_logged_and_marked_sent() {
    let app = TestApp::spawn_opts(TestOptions {
        transport: Some(Arc::new(me_server::mail::LogMailer)),
        ..TestOptions::default()
    })
    .await;
    let (_, token) = app.sign_up("ada@example.com").await;
    assert_eq!(app.call(Method::POST, "/me/verify-email", Some(&token), None).await.status, 200);
    wait_until(|| async { app.store.unsent_mail_count().await.unwrap() == 0 }).await;
}

/// Undoes quoted-printable (RFC 2045): soft line breaks and `=XX` bytes.
fn quoted_printable_decode(data: &str) -> String {
    let joined = data.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn wait_for_captured(app: &TestApp, n: usize) -> Vec<me_core::store::OutboxMail> {
    for _ in 0..200 {
        let all = app.mail.all();
        if all.len() >= n {
            return all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{n} message(s) never reached the transport");
}

async fn wait_until<F, Fut>(check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("condition never held");
}
