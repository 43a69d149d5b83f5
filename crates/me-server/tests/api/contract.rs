//! The error contract and the conventions the official clients rely on.

use super::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn health_is_json() {
    let app = TestApp::spawn().await;
    let r = reply(app.http.get(format!("{}/health", app.url)).send().await.unwrap()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "ok");
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let app = TestApp::spawn().await;
    assert_error(&app.call(Method::GET, "/nope", None, None).await, 404, "NotFound");
    assert_error(&app.call(Method::DELETE, "/me", None, None).await, 405, "MethodNotAllowed");
    assert_error(&app.call(Method::GET, "/auth/user", None, None).await, 405, "MethodNotAllowed");
}

#[tokio::test]
async fn bodies_over_256_kib_are_413_and_malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let big = json!({"email": "ada@example.com", "password": "x".repeat(300 * 1024)});
    assert_error(&app.call(Method::POST, "/auth/user", None, Some(big)).await, 413, "PayloadTooLarge");
    let big_patch = json!({"title": "x".repeat(300 * 1024)});
    assert_error(&app.call(Method::PATCH, "/me", Some(&token), Some(big_patch)).await, 413, "PayloadTooLarge");

    for raw in ["{bad", "", "null", "[]", "\"text\""] {
        let r = app.http.post(format!("{}/auth/user", app.url)).body(raw).send().await.unwrap();
        assert_error(&reply(r).await, 400, "Validation");
    }
    let r = app
        .http
        .patch(format!("{}/me", app.url))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_error(&reply(r).await, 400, "Validation");
}

#[tokio::test]
async fn what_official_clients_send_is_accepted() {
    let app = TestApp::spawn().await;
    let (_, token) = app.sign_up("ada@example.com").await;
    let r = app
        .http
        .get(format!("{}/me?_actions=false&_links=true&_embedded=true&includeRecent=false", app.url))
        .bearer_auth(&token)
        .header("accept", "application/json")
        .header("accept-version", "^1.26.1")
        .header("losantdomain", "example.com")
        .send()
        .await
        .unwrap();
    let r = reply(r).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("me.json", &r.body);
    // curl without a content type works too.
    let r = app
        .http
        .post(format!("{}/auth/user", app.url))
        .body(format!("{{\"email\":\"ada@example.com\",\"password\":\"{PASSWORD}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply(r).await.status, 200);
}

#[tokio::test]
async fn openapi_describes_every_route_the_router_answers() {
    let app = TestApp::spawn().await;
    let doc = reply(app.http.get(format!("{}/openapi.json", app.url)).send().await.unwrap()).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().unwrap();
    assert!(doc.body["components"]["schemas"]["me"].is_object());
    for (method, path, ..) in me_server::routes::openapi::ROUTES {
        assert!(paths[*path][*method].is_object(), "{method} {path}");
        // The router has the route: anything but 404/405 for it.
        let concrete = path
            .replace("{inviteId}", "000000000000000000000000")
            .replace("{orgId}", "000000000000000000000000")
            .replace("{applicationId}", "000000000000000000000000")
            .replace("{dashboardId}", "000000000000000000000000")
            .replace("{deviceId}", "000000000000000000000000");
        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = app.call(m, &concrete, None, None).await;
        assert!(
            r.status != 405 && !(r.status == 404 && r.body["message"] == "No such route"),
            "{method} {path}: {}",
            r.status
        );
    }
    // All 20 Me actions (and connectGithub) are described.
    let me_ops: usize = paths
        .iter()
        .filter(|(p, _)| *p == "/me" || p.starts_with("/me/"))
        .map(|(_, v)| v.as_object().unwrap().len())
        .sum();
    assert_eq!(me_ops, 21);
}
