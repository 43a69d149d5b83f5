//! The GitHub link, against a local stand-in for the GitHub API.

use super::common::*;
use super::stand_ins::github_stand_in;
use reqwest::Method;
use serde_json::json;

async fn app_with_github() -> TestApp {
    let api = github_stand_in().await;
    TestApp::spawn_opts(TestOptions { github_api: api, ..TestOptions::default() }).await
}

async fn connect(app: &TestApp, token: &str, gh: &str) -> Reply {
    app.call(Method::PATCH, "/me/connectGithub", Some(token), Some(json!({"accessToken": gh}))).await
}

async fn github_login(app: &TestApp, body: serde_json::Value) -> Reply {
    app.call(Method::POST, "/auth/user/github", None, Some(body)).await
}

#[tokio::test]
async fn connect_log_in_and_disconnect() {
    let app = app_with_github().await;
    let (id, token) = app.sign_up("ada@example.com").await;
    let r = connect(&app, &token, "gh-ada").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("me.json", &r.body);
    assert_eq!(r.body["githubName"], "ada-gh");
    assert_eq!(r.body["avatarUrl"], "https://avatars.example/1001");

    let r = github_login(&app, json!({"accessToken": "gh-ada", "requestedScopes": ["me.get"], "tokenTTL": 60})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("authedUser.json", &r.body);
    assert_eq!(r.body["userId"], id.as_str());
    let gh_token = r.body["token"].as_str().unwrap();
    assert_eq!(app.get("/me", gh_token).await.status, 200);
    assert_error(&app.call(Method::PATCH, "/me", Some(gh_token), Some(json!({"title": "x"}))).await, 403, "Forbidden");
    let claims = app.core.tokens.verify(gh_token, app.clock_now()).unwrap();
    assert_eq!(claims.lifetime_secs(), 60);

    let r = app.call(Method::PATCH, "/me/disconnectGithub", Some(&token), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("me.json", &r.body);
    assert!(r.body.get("githubName").is_none());
    assert_error(&github_login(&app, json!({"accessToken": "gh-ada"})).await, 401, "Unauthorized");
}

#[tokio::test]
async fn one_github_account_links_to_one_user() {
    let app = app_with_github().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let (_, bob) = app.sign_up("bob@example.com").await;
    assert_eq!(connect(&app, &ada, "gh-ada").await.status, 200);
    assert_error(&connect(&app, &bob, "gh-ada").await, 409, "AlreadyExists");
    assert_eq!(connect(&app, &bob, "gh-bob").await.status, 200);
}

#[tokio::test]
async fn refused_and_unlinked_tokens_are_401() {
    let app = app_with_github().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    assert_error(&connect(&app, &token, "not-a-token").await, 401, "Unauthorized");
    assert_error(&github_login(&app, json!({"accessToken": "not-a-token"})).await, 401, "Unauthorized");
    assert_error(&github_login(&app, json!({"accessToken": "gh-bob"})).await, 401, "Unauthorized");
    assert_error(&github_login(&app, json!({"accessToken": ""})).await, 400, "Validation");
    assert_error(&github_login(&app, json!({"accessToken": "gh-ada", "extra": 1})).await, 400, "Validation");
}

#[tokio::test]
async fn github_slow_or_down_is_503_never_a_hang() {
    let app = app_with_github().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let started = std::time::Instant::now();
    let r = connect(&app, &token, "gh-slow").await;
    assert_error(&r, 503, "ServiceUnavailable");
    assert!(started.elapsed() < std::time::Duration::from_secs(9), "gave up after about 5 s");
    assert_error(&connect(&app, &token, "gh-down").await, 503, "ServiceUnavailable");

    let unreachable = TestApp::spawn().await; // nothing listens at its GitHub address
    let (_, token) = unreachable.sign_up("ada@example.com").await;
    assert_error(&connect(&unreachable, &token, "gh-ada").await, 503, "ServiceUnavailable");
    assert_error(&github_login(&unreachable, json!({"accessToken": "gh-ada"})).await, 503, "ServiceUnavailable");
}
