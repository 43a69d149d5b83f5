//! `POST /users`.

use super::common::*;
use me_core::{Settings, Signup};
use reqwest::Method;
use serde_json::{json, Value};

fn body(email: &str, password: &str) -> Value {
    json!({"email": email, "firstName": "Ada", "lastName": "Lovelace", "password": password, "acceptTerms": "on"})
}

#[tokio::test]
async fn sign_up_returns_an_authed_user_with_a_working_token() {
    let app = TestApp::spawn().await;
    let r = app.call(Method::POST, "/users", None, Some(body("Ada@Example.com", PASSWORD))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_schema("authedUser.json", &r.body);
    assert_eq!(r.body["needsToVerifyEmail"], true);
    let me = app.get("/me", r.body["token"].as_str().unwrap()).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "ada@example.com", "emails are kept in lower case");
    assert_eq!(me.body["id"], r.body["userId"]);
}

#[tokio::test]
async fn a_taken_email_is_409_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    let r = app.call(Method::POST, "/users", None, Some(body("ADA@example.com", PASSWORD))).await;
    assert_error(&r, 409, "AlreadyExists");
}

#[tokio::test]
async fn the_password_policy_and_the_schema_are_enforced() {
    let app = TestApp::spawn().await;
    for weak in ["short-A1", "alllowercase-123", "ALLUPPERCASE-123", "NoDigitsHere-!!", "NoSymbols12345a"] {
        let r = app.call(Method::POST, "/users", None, Some(body("ada@example.com", weak))).await;
        assert_error(&r, 400, "Validation");
        assert!(r.body["message"].as_str().unwrap().contains("password"), "{}", r.body);
    }
    let mut no_terms = body("ada@example.com", PASSWORD);
    no_terms.as_object_mut().unwrap().remove("acceptTerms");
    assert_error(&app.call(Method::POST, "/users", None, Some(no_terms)).await, 400, "Validation");
    let mut no_last = body("ada@example.com", PASSWORD);
    no_last.as_object_mut().unwrap().remove("lastName");
    assert_error(&app.call(Method::POST, "/users", None, Some(no_last)).await, 400, "Validation");
    assert_error(
        &app.call(Method::POST, "/users", None, Some(body("not-an-email", PASSWORD))).await,
        400,
        "Validation",
    );
    let mut long_name = body("ada@example.com", PASSWORD);
    long_name["firstName"] = json!("x".repeat(1025));
    assert_error(&app.call(Method::POST, "/users", None, Some(long_name)).await, 400, "Validation");
    // Nothing was created along the way.
    assert_error(&app.log_in("ada@example.com", PASSWORD).await, 401, "Unauthorized");
}

#[tokio::test]
async fn closed_sign_up_is_403() {
    let app = TestApp::spawn_with(Settings { signup: Signup::Closed, ..Settings::default() }).await;
    let r = app.call(Method::POST, "/users", None, Some(body("ada@example.com", PASSWORD))).await;
    assert_error(&r, 403, "Forbidden");
}

#[tokio::test]
async fn sign_up_honours_requested_scopes() {
    let app = TestApp::spawn().await;
    let mut b = body("ada@example.com", PASSWORD);
    b["requestedScopes"] = json!(["me.get"]);
    let r = app.call(Method::POST, "/users", None, Some(b)).await;
    assert_eq!(r.status, 201);
    let token = r.body["token"].as_str().unwrap();
    assert_eq!(app.get("/me", token).await.status, 200);
    let patch = app.call(Method::PATCH, "/me", Some(token), Some(json!({"title": "x"}))).await;
    assert_error(&patch, 403, "Forbidden");
}
