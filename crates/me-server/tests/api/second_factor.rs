//! TOTP two-factor auth over HTTP, with codes from an independent
//! implementation (totp-rs) at times the test sets through the clock.

use super::common::*;
use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

/// The code an authenticator app would show for `key` at the app's time.
fn code(app: &TestApp, key: &str) -> String {
    let secret = totp_rs::Secret::Encoded(key.to_owned()).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).unwrap();
    totp.generate(app.clock_now().timestamp() as u64)
}

async fn generate(app: &TestApp, token: &str) -> String {
    let r = app.call(Method::PATCH, "/me/generateTwoFactorAuth", Some(token), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("twoFactorAuthInfo.json", &r.body);
    r.body["key"].as_str().unwrap().to_owned()
}

async fn enable(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call(Method::PATCH, "/me/enableTwoFactorAuth", Some(token), Some(body)).await
}

/// Signs up and turns 2FA on; returns (token, key).
async fn user_with_2fa(app: &TestApp) -> (String, String) {
    let (_, token) = app.sign_up("ada@example.com").await;
    let key = generate(app, &token).await;
    let r = enable(app, &token, json!({"password": PASSWORD, "twoFactorCode": code(app, &key)})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The code just used is spent; move to the next step for the next one.
    app.clock.advance(Duration::seconds(30));
    (token, key)
}

fn login_body(code: Option<&str>) -> Value {
    let mut b = json!({"email": "ada@example.com", "password": PASSWORD});
    if let Some(c) = code {
        b["twoFactorCode"] = json!(c);
    }
    b
}

#[tokio::test]
async fn generate_gives_a_pending_key_and_an_otpauth_uri() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let r = app.call(Method::PATCH, "/me/generateTwoFactorAuth", Some(&token), None).await;
    let key = r.body["key"].as_str().unwrap();
    assert_eq!(key.len(), 52);
    assert!(key.chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)));
    assert_eq!(r.body["keyUri"], format!("otpauth://totp/me-api:ada@example.com?secret={key}&issuer=me-api"));
    let me = app.get("/me", &token).await;
    assert_eq!(me.body["twoFactorAuthEnabled"], false, "pending keys protect nothing");
    assert_eq!(app.log_in("ada@example.com", PASSWORD).await.status, 200);
    let again = app.call(Method::PATCH, "/me/generateTwoFactorAuth", Some(&token), Some(json!({}))).await;
    assert_ne!(again.body["key"], r.body["key"], "each call makes a new key");
    // The key is stored sealed: the database never holds it in the clear.
    let user = app.user(me.body["id"].as_str().unwrap()).await.unwrap();
    let sealed = user.totp_pending.unwrap();
    assert!(!sealed.expose().contains(again.body["key"].as_str().unwrap()));
}

#[tokio::test]
async fn enable_needs_the_password_and_a_code_from_the_pending_key() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let no_key = enable(&app, &token, json!({"password": PASSWORD, "twoFactorCode": "123456"})).await;
    assert_error(&no_key, 400, "Validation");
    let key = generate(&app, &token).await;
    let good = code(&app, &key);
    let wrong_code = if good == "000000" { "111111" } else { "000000" };
    for (body, what) in [
        (json!({"password": PASSWORD, "twoFactorCode": wrong_code}), "code"),
        (json!({"password": "Wrong-Password-1", "twoFactorCode": good}), "password"),
        (json!({"password": PASSWORD, "twoFactorCode": good, "twoFactorAuthKey": "A".repeat(52)}), "key"),
        (json!({"password": PASSWORD}), "twoFactorCode"),
    ] {
        let r = enable(&app, &token, body).await;
        assert_error(&r, 400, "Validation");
        assert!(
            r.body["message"].as_str().unwrap().to_lowercase().contains(&what.to_lowercase()),
            "{what}: {}",
            r.body
        );
        assert_eq!(app.get("/me", &token).await.body["twoFactorAuthEnabled"], false);
    }
    let r = enable(&app, &token, json!({"password": PASSWORD, "twoFactorCode": good, "twoFactorAuthKey": key})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("me.json", &r.body);
    assert_eq!(r.body["twoFactorAuthEnabled"], true);
}

#[tokio::test]
async fn log_in_with_2fa_needs_a_fresh_code() {
    let app = TestApp::spawn().await;
    let (_, key) = user_with_2fa(&app).await;
    let none = app.call(Method::POST, "/auth/user", None, Some(login_body(None))).await;
    assert_error(&none, 401, "Unauthorized");
    assert!(none.body["message"].as_str().unwrap().contains("code is required"), "{}", none.body);
    let good = code(&app, &key);
    let bad = if good == "000000" { "111111" } else { "000000" };
    let wrong = app.call(Method::POST, "/auth/user", None, Some(login_body(Some(bad)))).await;
    assert_error(&wrong, 401, "Unauthorized");
    assert!(wrong.body["message"].as_str().unwrap().contains("wrong"), "{}", wrong.body);

    let ok = app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&good)))).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let replay = app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&good)))).await;
    assert_error(&replay, 401, "Unauthorized");

    // Ten seconds on, the same step: still refused. The next step works.
    app.clock.advance(Duration::seconds(10));
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&good)))).await.status, 401);
    app.clock.advance(Duration::seconds(30));
    let next = code(&app, &key);
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&next)))).await.status, 200);

    // A wrong password with a right code is still the plain credentials error.
    app.clock.advance(Duration::seconds(30));
    let r = app
        .call(
            Method::POST,
            "/auth/user",
            None,
            Some(
                json!({"email": "ada@example.com", "password": "Wrong-Password-1", "twoFactorCode": code(&app, &key)}),
            ),
        )
        .await;
    assert_eq!(r.body["message"], "Invalid email or password");
}

#[tokio::test]
async fn one_step_of_clock_skew_is_accepted_either_way() {
    let app = TestApp::spawn().await;
    let (_, key) = user_with_2fa(&app).await;
    let early = code(&app, &key); // the phone is 30 s behind
    app.clock.advance(Duration::seconds(30));
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&early)))).await.status, 200);
    app.clock.advance(Duration::seconds(90));
    let stale = code(&app, &key);
    app.clock.advance(Duration::seconds(60)); // two steps later: too old
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&stale)))).await.status, 401);
}

#[tokio::test]
async fn change_password_and_delete_need_the_code_too() {
    let app = TestApp::spawn().await;
    let (token, key) = user_with_2fa(&app).await;
    let cp = json!({"password": PASSWORD, "newPassword": NEW_PASSWORD});
    let r = app.call(Method::PATCH, "/me/changePassword", Some(&token), Some(cp)).await;
    assert_error(&r, 400, "Validation");
    let cp = json!({"password": PASSWORD, "newPassword": NEW_PASSWORD, "twoFactorCode": code(&app, &key)});
    assert_eq!(app.call(Method::PATCH, "/me/changePassword", Some(&token), Some(cp)).await.status, 200);

    app.clock.advance(Duration::seconds(30));
    let del = json!({"email": "ada@example.com", "password": NEW_PASSWORD});
    assert_error(&app.call(Method::POST, "/me/delete", Some(&token), Some(del)).await, 400, "Validation");
    let del = json!({"email": "ada@example.com", "password": NEW_PASSWORD, "twoFactorCode": code(&app, &key)});
    assert_eq!(app.call(Method::POST, "/me/delete", Some(&token), Some(del)).await.status, 200);
}

#[tokio::test]
async fn disable_needs_the_password_and_a_current_code() {
    let app = TestApp::spawn().await;
    let (token, key) = user_with_2fa(&app).await;
    let path = "/me/disableTwoFactorAuth";
    let r = app
        .call(Method::PATCH, path, Some(&token), Some(json!({"password": PASSWORD, "twoFactorCode": "000000"})))
        .await;
    if code(&app, &key) != "000000" {
        assert_error(&r, 400, "Validation");
    }
    let r = app
        .call(
            Method::PATCH,
            path,
            Some(&token),
            Some(json!({"password": "Wrong-Password-1", "twoFactorCode": code(&app, &key)})),
        )
        .await;
    assert_error(&r, 400, "Validation");
    assert_eq!(app.get("/me", &token).await.body["twoFactorAuthEnabled"], true);
    let r = app
        .call(Method::PATCH, path, Some(&token), Some(json!({"password": PASSWORD, "twoFactorCode": code(&app, &key)})))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("me.json", &r.body);
    assert_eq!(r.body["twoFactorAuthEnabled"], false);
    assert_eq!(app.log_in("ada@example.com", PASSWORD).await.status, 200, "no code needed any more");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    for _ in 0..5 {
        assert_error(&app.log_in("ada@example.com", "Wrong-Password-1").await, 401, "Unauthorized");
    }
    let locked = app.log_in("ada@example.com", PASSWORD).await;
    assert_error(&locked, 429, "TooManyRequests");
    // An unknown email locks the same way: the 429 says nothing about accounts.
    for _ in 0..5 {
        app.log_in("nobody@example.com", "Wrong-Password-1").await;
    }
    assert_error(&app.log_in("nobody@example.com", PASSWORD).await, 429, "TooManyRequests");
    app.clock.advance(Duration::minutes(15));
    assert_eq!(app.log_in("ada@example.com", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_success_resets_the_count_and_wrong_codes_count_too() {
    let app = TestApp::spawn().await;
    let (_, key) = user_with_2fa(&app).await;
    for _ in 0..4 {
        app.log_in("ada@example.com", "Wrong-Password-1").await;
    }
    let ok = app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&code(&app, &key))))).await;
    assert_eq!(ok.status, 200);
    app.clock.advance(Duration::seconds(30));
    for _ in 0..4 {
        app.log_in("ada@example.com", "Wrong-Password-1").await;
    }
    let bad = if code(&app, &key) == "000000" { "111111" } else { "000000" };
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login_body(Some(bad)))).await.status, 401);
    let r = app.call(Method::POST, "/auth/user", None, Some(login_body(Some(&code(&app, &key))))).await;
    assert_error(&r, 429, "TooManyRequests");
}
