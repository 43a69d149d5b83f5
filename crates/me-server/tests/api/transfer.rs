//! Moving applications and dashboards between a sandbox and organisations.

use super::common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn transfer(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call(Method::PATCH, "/me/transferResources", Some(token), Some(body)).await
}

async fn owner_of(app: &TestApp, token: &str, path: &str) -> String {
    app.get(path, token).await.body["ownerId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn moves_between_sandbox_and_an_administered_organisation() {
    let app = TestApp::spawn().await;
    let (ada_id, ada) = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Engines").await;
    let a = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    let d = app.create(&ada, "/dashboards", json!({"name": "Board"})).await;
    let r = transfer(
        &app,
        &ada,
        json!({"destinationId": org, "destinationType": "organization", "applicationIds": [a], "dashboardIds": [d]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("success.json", &r.body);
    assert_eq!(owner_of(&app, &ada, &format!("/applications/{a}")).await, org);
    assert_eq!(app.get(&format!("/dashboards/{d}"), &ada).await.body["ownerType"], "organization");
    let listed = app.get("/applications", &ada).await;
    assert_schema("applications.json", &listed.body);
    assert_eq!(listed.body["items"][0]["organizationName"], "Engines", "names come with the list");
    assert_eq!(app.get(&format!("/applications/{a}"), &ada).await.body["organizationName"], "Engines");
    let back =
        transfer(&app, &ada, json!({"destinationId": ada_id, "destinationType": "user", "applicationIds": [a]})).await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(owner_of(&app, &ada, &format!("/applications/{a}")).await, ada_id);
}

#[tokio::test]
async fn strict_moves_everything_or_nothing() {
    let app = TestApp::spawn().await;
    let (ada_id, ada) = app.sign_up("ada@example.com").await;
    let (_, eve) = app.sign_up("eve@example.com").await;
    let org = app.create_org(&ada, "Engines").await;
    let mine = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    let theirs = app.create(&eve, "/applications", json!({"name": "Eve's"})).await;
    let body = |strict: bool| json!({"destinationId": org, "destinationType": "organization", "applicationIds": [mine, theirs, "000000000000000000000000"], "strict": strict});
    let r = transfer(&app, &ada, body(true)).await;
    assert_error(&r, 400, "Validation");
    assert!(r.body["message"].as_str().unwrap().contains(&theirs));
    assert_eq!(owner_of(&app, &ada, &format!("/applications/{mine}")).await, ada_id, "nothing moved");

    let r = transfer(&app, &ada, body(false)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(owner_of(&app, &ada, &format!("/applications/{mine}")).await, org, "what could move moved");
    assert_eq!(
        owner_of(&app, &eve, &format!("/applications/{theirs}")).await,
        app.get("/me", &eve).await.body["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn the_destination_must_be_administered_and_within_its_device_limit() {
    let mut settings = TestOptions::default().settings;
    settings.sandbox_limits.device = Some(2);
    let app = TestApp::spawn_with(settings).await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let (bob_id, bob) = app.sign_up("bob@example.com").await;
    let org = app.create_org(&ada, "Engines").await;
    app.raw_sql(&format!("INSERT INTO org_members (org_id, user_id, role) VALUES ('{org}', '{bob_id}', 'edit')")).await;
    let bobs = app.create(&bob, "/applications", json!({"name": "Bob's"})).await;
    let r = transfer(
        &app,
        &bob,
        json!({"destinationId": org, "destinationType": "organization", "applicationIds": [bobs]}),
    )
    .await;
    assert_error(&r, 403, "Forbidden");
    let r = transfer(&app, &bob, json!({"destinationId": app.get("/me", &ada).await.body["id"], "destinationType": "user", "applicationIds": [bobs]})).await;
    assert_error(&r, 400, "Validation");

    let big = app.create(&ada, "/applications", json!({"name": "Big"})).await;
    let small = app.create(&ada, "/applications", json!({"name": "Small"})).await;
    for name in ["a", "b"] {
        app.create(&ada, &format!("/applications/{big}/devices"), json!({"name": name})).await;
    }
    app.create(&ada, &format!("/applications/{small}/devices"), json!({"name": "c"})).await;
    let r = transfer(&app, &ada, json!({"destinationId": org, "destinationType": "organization", "applicationIds": [big, small], "strict": true})).await;
    assert_error(&r, 400, "Validation");
    assert!(r.body["message"].as_str().unwrap().contains("device limit"));
    let r = transfer(
        &app,
        &ada,
        json!({"destinationId": org, "destinationType": "organization", "applicationIds": [big, small]}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(owner_of(&app, &ada, &format!("/applications/{big}")).await, org);
    assert_ne!(owner_of(&app, &ada, &format!("/applications/{small}")).await, org, "would pass the limit");
}
