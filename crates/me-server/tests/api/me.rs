//! The five Me actions: get, patch, changePassword, refreshToken, delete.

use super::common::*;
use chrono::Duration;
use me_core::store::UserChanges;
use reqwest::Method;
use serde_json::{json, Value};

fn no_secrets(body: &Value) {
    let text = body.to_string().to_lowercase();
    for word in ["password_hash", "passwordhash", "$argon2", "twofactorauthkey", "secret"] {
        assert!(!text.contains(word), "{word} in {body}");
    }
}

#[tokio::test]
async fn get_me_shows_the_profile_per_the_schema() {
    let app = TestApp::spawn().await;
    let (id, token) = app.sign_up("ada@example.com").await;
    let r = app.get("/me", &token).await;
    assert_eq!(r.status, 200);
    assert_schema("me.json", &r.body);
    no_secrets(&r.body);
    let me = &r.body;
    assert_eq!(me["id"], id.as_str());
    assert_eq!(me["userId"], id.as_str());
    assert_eq!(me["fullName"], "Ada Lovelace");
    assert_eq!(me["emailVerified"], false);
    assert_eq!(me["needsToVerifyEmail"], true);
    assert_eq!(me["twoFactorAuthEnabled"], false);
    assert_eq!(me["summary"]["appCount"], 0);
    assert!(me["limits"]["device"].as_i64().unwrap() > 0);
    let (start, end) = me_core::me::month_of(app.clock_now());
    assert_eq!(me["currentPeriodStart"], me_wire::time::format(&start));
    assert_eq!(me["currentPeriodEnd"], me_wire::time::format(&end));
    assert!(me["currentPeriodStart"].as_str().unwrap().ends_with("-01T00:00:00.000Z"));
}

#[tokio::test]
async fn summary_counts_what_exists_and_honours_include_and_exclude() {
    let app = TestApp::spawn().await;
    let (id, token) = app.sign_up("ada@example.com").await;
    // Resource routes arrive later; seed through the store's SQL for now.
    let seed = [
        format!("INSERT INTO applications (id, owner_kind, owner_id, name, created_at, updated_at) VALUES ('a00000000000000000000001', 'user', '{id}', 'app', 0, 0)"),
        "INSERT INTO devices (id, application_id, name, created_at, updated_at) VALUES ('d00000000000000000000001', 'a00000000000000000000001', 'd', 0, 0)".to_owned(),
        "INSERT INTO devices (id, application_id, name, created_at, updated_at) VALUES ('d00000000000000000000002', 'a00000000000000000000001', 'd', 0, 0)".to_owned(),
    ];
    for sql in seed {
        app.raw_sql(&sql).await;
    }
    let r = app.get("/me", &token).await;
    assert_eq!(r.body["summary"]["appCount"], 1);
    assert_eq!(r.body["summary"]["deviceCount"], 2);
    assert_eq!(r.body["summary"]["dashCount"], 0);

    let r = app.get("/me?summaryInclude=appCount,deviceCount&summaryExclude=deviceCount", &token).await;
    assert_eq!(r.body["summary"], json!({"appCount": 1}));
    let r = app.get("/me?summaryExclude=appCount", &token).await;
    assert!(r.body["summary"].get("appCount").is_none());
    assert_eq!(r.body["summary"]["deviceCount"], 2);
    assert_schema("me.json", &r.body);
}

#[tokio::test]
async fn patch_changes_the_profile() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    app.clock.advance(Duration::seconds(5));
    let r = app
        .call(
            Method::PATCH,
            "/me",
            Some(&token),
            Some(json!({"firstName": "Augusta", "title": "Countess", "companyName": "Engines", "url": "https://example.com"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("me.json", &r.body);
    assert_eq!(r.body["fullName"], "Augusta Lovelace");
    assert_eq!(r.body["title"], "Countess");
    assert_ne!(r.body["lastUpdated"], r.body["creationDate"]);
    assert_eq!(app.get("/me", &token).await.body["companyName"], "Engines");
}

#[tokio::test]
async fn patch_refuses_unknown_fields_and_bad_values() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    for bad in [
        json!({"nope": 1}),
        json!({"emailVerified": true}),
        json!({"firstName": ""}),
        json!({"email": "not-an-email"}),
        json!({"password": "weak"}),
        json!({"tokenCutoff": "yesterday"}),
        json!({"title": 5}),
        json!([1, 2]),
    ] {
        let r = app.call(Method::PATCH, "/me", Some(&token), Some(bad.clone())).await;
        assert_error(&r, 400, "Validation");
    }
    assert_eq!(app.get("/me", &token).await.body["firstName"], "Ada", "nothing changed");
}

#[tokio::test]
async fn changing_the_email_resets_verification_and_a_taken_email_is_409() {
    let app = TestApp::spawn().await;
    let (id, token) = app.sign_up("ada@example.com").await;
    app.sign_up("bob@example.com").await;
    app.change_user(&id, UserChanges { email_verified: Some(true), ..Default::default() }).await;
    assert_eq!(app.get("/me", &token).await.body["emailVerified"], true);

    let same = app.call(Method::PATCH, "/me", Some(&token), Some(json!({"email": "ADA@example.com"}))).await;
    assert_eq!(same.body["emailVerified"], true, "the same address stays verified");

    let taken = app.call(Method::PATCH, "/me", Some(&token), Some(json!({"email": "Bob@example.com"}))).await;
    assert_error(&taken, 409, "AlreadyExists");

    let r = app.call(Method::PATCH, "/me", Some(&token), Some(json!({"email": "Countess@Example.com"}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["email"], "countess@example.com");
    assert_eq!(r.body["emailVerified"], false);
    assert_eq!(r.body["needsToVerifyEmail"], true);
    assert_eq!(app.log_in("countess@example.com", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn patch_sets_a_password_and_a_token_cutoff() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    app.clock.advance(Duration::seconds(10));
    let r = app.call(Method::PATCH, "/me", Some(&token), Some(json!({"password": NEW_PASSWORD}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["passwordLastUpdated"], me_wire::time::format(&app.clock_now()));
    assert_error(&app.log_in("ada@example.com", PASSWORD).await, 401, "Unauthorized");
    assert_eq!(app.log_in("ada@example.com", NEW_PASSWORD).await.status, 200);

    let cutoff = app.clock_now() + Duration::seconds(1);
    let r = app
        .call(Method::PATCH, "/me", Some(&token), Some(json!({"tokenCutoff": me_wire::time::format(&cutoff)})))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["tokenCutoff"], me_wire::time::format(&cutoff));
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
}

#[tokio::test]
async fn change_password_checks_the_current_one_and_returns_a_new_token() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let path = "/me/changePassword";
    let wrong = app
        .call(
            Method::PATCH,
            path,
            Some(&token),
            Some(json!({"password": "Not-The-One-1", "newPassword": NEW_PASSWORD})),
        )
        .await;
    assert_error(&wrong, 400, "Validation");
    let weak = app
        .call(Method::PATCH, path, Some(&token), Some(json!({"password": PASSWORD, "newPassword": "weakweakweak"})))
        .await;
    assert_error(&weak, 400, "Validation");
    assert_eq!(app.log_in("ada@example.com", PASSWORD).await.status, 200, "unchanged so far");

    let r = app
        .call(Method::PATCH, path, Some(&token), Some(json!({"password": PASSWORD, "newPassword": NEW_PASSWORD})))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("authedUser.json", &r.body);
    let new_token = r.body["token"].as_str().unwrap();
    assert_eq!(app.get("/me", new_token).await.status, 200);
    assert_eq!(app.get("/me", &token).await.status, 200, "old tokens live unless asked otherwise");
    assert_error(&app.log_in("ada@example.com", PASSWORD).await, 401, "Unauthorized");
    assert_eq!(app.log_in("ada@example.com", NEW_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn change_password_can_invalidate_every_earlier_token_and_bound_the_new_one() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let other_session = app.log_in("ada@example.com", PASSWORD).await.body["token"].as_str().unwrap().to_owned();
    let r = app
        .call(
            Method::PATCH,
            "/me/changePassword",
            Some(&token),
            Some(json!({"password": PASSWORD, "newPassword": NEW_PASSWORD, "invalidateExistingTokens": true, "tokenTTL": 120})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let new_token = r.body["token"].as_str().unwrap().to_owned();
    // The same millisecond: the old tokens are dead at once, the new one lives.
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
    assert_error(&app.get("/me", &other_session).await, 401, "Unauthorized");
    assert_eq!(app.get("/me", &new_token).await.status, 200);
    app.clock.advance(Duration::milliseconds(1));
    let fresh = app.log_in("ada@example.com", NEW_PASSWORD).await;
    assert_eq!(app.get("/me", fresh.body["token"].as_str().unwrap()).await.status, 200);
    app.clock.advance(Duration::seconds(120));
    assert_error(&app.get("/me", &new_token).await, 401, "Unauthorized");
}

#[tokio::test]
async fn refresh_token_keeps_the_scopes_and_the_lifetime() {
    let app = TestApp::spawn().await;
    let (id, _) = app.sign_up("ada@example.com").await;
    let narrow = app.mint(&id, &["me.*"], Duration::zero(), 600);
    let r = app.get("/me/refreshToken", &narrow).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("authedUser.json", &r.body);
    let refreshed = r.body["token"].as_str().unwrap().to_owned();
    let claims = app.core.tokens.verify(&refreshed, app.clock_now()).unwrap();
    assert_eq!(claims.scope, vec!["me.*".to_owned()]);
    assert_eq!(claims.lifetime_secs(), 600, "never longer than its parent");
    assert_eq!(app.get("/me", &refreshed).await.status, 200);
    let orgs_only = app.mint(&id, &["orgs.*"], Duration::zero(), 600);
    assert_error(&app.get("/me/refreshToken", &orgs_only).await, 403, "Forbidden");
}

#[tokio::test]
async fn delete_rechecks_credentials_then_removes_the_user() {
    let app = TestApp::spawn().await;
    let (id, token) = app.sign_up("ada@example.com").await;
    let (_, bob) = app.sign_up("bob@example.com").await;
    for bad in [
        json!({"email": "ada@example.com", "password": "Wrong-Password-1"}),
        json!({"email": "bob@example.com", "password": PASSWORD}),
    ] {
        assert_error(&app.call(Method::POST, "/me/delete", Some(&token), Some(bad)).await, 400, "Validation");
    }
    assert_error(&app.call(Method::POST, "/me/delete", Some(&token), None).await, 400, "Validation");
    assert!(app.user(&id).await.is_some());

    let r = app
        .call(Method::POST, "/me/delete", Some(&token), Some(json!({"email": "Ada@example.com", "password": PASSWORD})))
        .await;
    assert_eq!(r.status, 200);
    assert_schema("success.json", &r.body);
    assert_eq!(r.body, json!({"success": true}));
    assert!(app.user(&id).await.is_none());
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
    assert_error(&app.log_in("ada@example.com", PASSWORD).await, 401, "Unauthorized");
    assert_eq!(app.get("/me", &bob).await.status, 200, "other users are untouched");
}
