//! `POST /auth/user` and the checks every token passes.

use super::common::*;
use chrono::Duration;
use me_core::store::UserChanges;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn log_in_returns_a_token_for_the_user() {
    let app = TestApp::spawn().await;
    let (id, _) = app.sign_up("ada@example.com").await;
    let r = app.log_in("ADA@example.com", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("authedUser.json", &r.body);
    assert_eq!(r.body["userId"], id.as_str());
    assert_eq!(app.get("/me", r.body["token"].as_str().unwrap()).await.status, 200);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    let wrong = app.log_in("ada@example.com", "Wrong-Password-1").await;
    let unknown = app.log_in("nobody@example.com", PASSWORD).await;
    assert_error(&wrong, 401, "Unauthorized");
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn requested_scopes_narrow_and_unknown_scopes_are_refused() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    let r = app
        .call(
            Method::POST,
            "/auth/user",
            None,
            Some(json!({"email": "ada@example.com", "password": PASSWORD, "requestedScopes": ["all.User.read"]})),
        )
        .await;
    assert_eq!(r.status, 200);
    let token = r.body["token"].as_str().unwrap();
    assert_eq!(app.get("/me", token).await.status, 200);
    assert_error(&app.call(Method::PATCH, "/me", Some(token), Some(json!({"title": "x"}))).await, 403, "Forbidden");

    for bad in [json!(["me.everything"]), json!(["me.get", "me.get"]), json!("all.User")] {
        let r = app
            .call(
                Method::POST,
                "/auth/user",
                None,
                Some(json!({"email": "ada@example.com", "password": PASSWORD, "requestedScopes": bad})),
            )
            .await;
        assert_error(&r, 400, "Validation");
    }
}

#[tokio::test]
async fn token_ttl_shortens_the_token() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    let r = app
        .call(
            Method::POST,
            "/auth/user",
            None,
            Some(json!({"email": "ada@example.com", "password": PASSWORD, "tokenTTL": 60})),
        )
        .await;
    let token = r.body["token"].as_str().unwrap().to_owned();
    let long = app.log_in("ada@example.com", PASSWORD).await.body["token"].as_str().unwrap().to_owned();
    app.clock.advance(Duration::seconds(59));
    assert_eq!(app.get("/me", &token).await.status, 200);
    app.clock.advance(Duration::seconds(1));
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
    assert_eq!(app.get("/me", &long).await.status, 200, "the default lifetime is 30 days");
    app.clock.advance(Duration::days(30));
    assert_error(&app.get("/me", &long).await, 401, "Unauthorized");
}

#[tokio::test]
async fn bad_tokens_are_401() {
    let app = TestApp::spawn().await;
    let (id, token) = app.sign_up("ada@example.com").await;
    let no_header = app.call(Method::GET, "/me", None, None).await;
    assert_error(&no_header, 401, "Unauthorized");
    for bad in ["", "garbage", "a.b.c", &token[..token.len() - 4]] {
        assert_error(&app.get("/me", bad).await, 401, "Unauthorized");
    }
    let basic = app.http.get(format!("{}/me", app.url)).header("authorization", format!("Basic {token}"));
    assert_error(&reply(basic.send().await.unwrap()).await, 401, "Unauthorized");

    // alg: none, with the real payload and no signature.
    let payload = token.split('.').nth(1).unwrap();
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    assert_error(&app.get("/me", &none).await, 401, "Unauthorized");

    // Signed with another secret.
    let other = me_core::token::TokenKeys::new(b"another-secret-another-secret-another");
    let forged = other.issue(&id, "user", &["all.User".into()], app.clock_now(), 60).unwrap();
    assert_error(&app.get("/me", &forged).await, 401, "Unauthorized");
}

#[tokio::test]
async fn a_token_dies_at_the_users_cutoff_to_the_millisecond() {
    let app = TestApp::spawn().await;
    let (id, _) = app.sign_up("ada@example.com").await;
    let before = app.mint(&id, &["all.User"], Duration::milliseconds(1), 3600);
    let at = app.mint(&id, &["all.User"], Duration::zero(), 3600);
    app.change_user(&id, UserChanges { token_cutoff: Some(app.clock_now()), ..Default::default() }).await;
    assert_error(&app.get("/me", &before).await, 401, "Unauthorized");
    assert_eq!(app.get("/me", &at).await.status, 200);
}

#[tokio::test]
async fn a_deleted_users_token_is_401() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let r = app
        .call(Method::POST, "/me/delete", Some(&token), Some(json!({"email": "ada@example.com", "password": PASSWORD})))
        .await;
    assert_eq!(r.status, 200);
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
}
