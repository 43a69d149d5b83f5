//! Organisations, members and resources, with role checks on every route.

use super::common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// Ada's organisation with Bob in it at `role`. Returns (app, ada, bob, org).
async fn org_with_member(role: &str) -> (TestApp, String, String, String) {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let (bob_id, bob) = app.sign_up("bob@example.com").await;
    let org = app.create_org(&ada, "Engines").await;
    app.raw_sql(&format!("INSERT INTO org_members (org_id, user_id, role) VALUES ('{org}', '{bob_id}', '{role}')"))
        .await;
    (app, ada, bob, org)
}

async fn status(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> u16 {
    app.call(method, path, Some(token), body).await.status.as_u16()
}

#[tokio::test]
async fn organisations_are_created_listed_changed_and_deleted_by_admins() {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let r = app
        .call(Method::POST, "/orgs", Some(&ada), Some(json!({"name": "Engines", "description": "Analytical"})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_schema("org.json", &r.body);
    assert_eq!(r.body["members"][0]["role"], "admin");
    let org = r.body["id"].as_str().unwrap().to_owned();
    let list = app.get("/orgs", &ada).await;
    assert_schema("orgs.json", &list.body);
    assert_eq!(list.body["count"], 1);
    let r =
        app.call(Method::PATCH, &format!("/orgs/{org}"), Some(&ada), Some(json!({"name": "Difference Engines"}))).await;
    assert_eq!(r.body["name"], "Difference Engines");
    assert_error(&app.call(Method::POST, "/orgs", Some(&ada), Some(json!({"name": ""}))).await, 400, "Validation");
    assert_error(
        &app.call(Method::POST, "/orgs", Some(&ada), Some(json!({"name": "x", "owner": 1}))).await,
        400,
        "Validation",
    );
    let app_id = app.create(&ada, "/applications", json!({"name": "Mill", "orgId": org})).await;
    assert_eq!(app.call(Method::DELETE, &format!("/orgs/{org}"), Some(&ada), None).await.status, 200);
    assert_error(&app.get(&format!("/orgs/{org}"), &ada).await, 404, "NotFound");
    assert_error(&app.get(&format!("/applications/{app_id}"), &ada).await, 404, "NotFound");
}

#[tokio::test]
async fn member_roles_change_and_an_organisation_keeps_an_admin() {
    let (app, ada, bob, org) = org_with_member("view").await;
    let ada_id = app.get("/me", &ada).await.body["id"].as_str().unwrap().to_owned();
    let bob_id = app.get("/me", &bob).await.body["id"].as_str().unwrap().to_owned();
    let path = format!("/orgs/{org}/member");
    let demote = app.call(Method::PATCH, &path, Some(&ada), Some(json!({"userId": ada_id, "role": "edit"}))).await;
    assert_error(&demote, 400, "Validation");
    assert!(demote.body["message"].as_str().unwrap().contains("at least one admin"));
    assert_error(
        &app.call(Method::DELETE, &format!("{path}?userId={ada_id}"), Some(&ada), None).await,
        400,
        "Validation",
    );
    // Bob may not manage members.
    assert_eq!(status(&app, Method::PATCH, &path, &bob, Some(json!({"userId": bob_id, "role": "admin"}))).await, 403);
    let r = app.call(Method::PATCH, &path, Some(&ada), Some(json!({"userId": bob_id, "role": "admin"}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("org.json", &r.body);
    // Now Ada can step down, and Bob can remove her.
    assert_eq!(status(&app, Method::PATCH, &path, &ada, Some(json!({"userId": ada_id, "role": "view"}))).await, 200);
    assert_eq!(status(&app, Method::DELETE, &format!("{path}?userId={ada_id}"), &bob, None).await, 200);
    assert_error(&app.get(&format!("/orgs/{org}"), &ada).await, 404, "NotFound");
}

#[tokio::test]
async fn roles_decide_who_reads_modifies_creates_and_deletes() {
    // (role, read, modify, create/delete)
    for (role, read, modify, create) in [
        ("none", 404, 404, 404),
        ("view", 200, 403, 403),
        ("collaborate", 200, 200, 403),
        ("edit", 200, 200, 201),
        ("admin", 200, 200, 201),
    ] {
        let (app, ada, bob, org) = org_with_member(role).await;
        let application = app.create(&ada, "/applications", json!({"name": "Mill", "orgId": org})).await;
        let device = app.create(&ada, &format!("/applications/{application}/devices"), json!({"name": "Gear"})).await;
        let a = format!("/applications/{application}");
        let d = format!("{a}/devices/{device}");
        assert_eq!(status(&app, Method::GET, &a, &bob, None).await, read, "{role} reads the application");
        assert_eq!(status(&app, Method::GET, &d, &bob, None).await, read, "{role} reads the device");
        assert_eq!(
            status(&app, Method::PATCH, &d, &bob, Some(json!({"name": "Cog"}))).await,
            modify,
            "{role} modifies"
        );
        let made = status(&app, Method::POST, &format!("{a}/devices"), &bob, Some(json!({"name": "New"}))).await;
        assert_eq!(made, create, "{role} creates a device");
        let deleted = status(&app, Method::DELETE, &d, &bob, None).await;
        assert_eq!(deleted, if create == 201 { 200 } else { create }, "{role} deletes a device");
        let in_org =
            status(&app, Method::POST, "/applications", &bob, Some(json!({"name": "Bob's", "orgId": org}))).await;
        assert_eq!(in_org, create, "{role} creates an application in the organisation");
    }
}

#[tokio::test]
async fn resources_follow_their_schemas_and_stay_private() {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let (_, eve) = app.sign_up("eve@example.com").await;
    let r =
        app.call(Method::POST, "/applications", Some(&ada), Some(json!({"name": "Mill", "description": "d"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_schema("application.json", &r.body);
    assert_eq!(r.body["ownerType"], "user");
    let application = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["applicationId"], application.as_str());
    let list = app.get("/applications", &ada).await;
    assert_schema("applications.json", &list.body);
    assert_eq!(list.body["count"], 1);
    assert_eq!(app.get("/applications", &eve).await.body["count"], 0);
    assert_error(&app.get(&format!("/applications/{application}"), &eve).await, 404, "NotFound");

    let base = format!("/applications/{application}");
    let r = app
        .call(
            Method::POST,
            &format!("{base}/devices"),
            Some(&ada),
            Some(json!({"name": "Gear", "tags": [], "deviceClass": "standalone"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_schema("device.json", &r.body);
    assert_schema("devices.json", &app.get(&format!("{base}/devices"), &ada).await.body);
    let r = app.call(Method::POST, &format!("{base}/notebooks"), Some(&ada), Some(json!({"name": "Analysis"}))).await;
    assert_schema("notebook.json", &r.body);
    assert_schema("notebooks.json", &app.get(&format!("{base}/notebooks"), &ada).await.body);
    assert_eq!(
        app.call(Method::POST, &format!("{base}/flows"), Some(&ada), Some(json!({"name": "Flow"}))).await.status,
        201
    );
    let dash = app.call(Method::POST, "/dashboards", Some(&ada), Some(json!({"name": "Board"}))).await;
    assert_eq!(dash.status, 201);
    assert_eq!(dash.body["dashboardId"], dash.body["id"]);
    assert_error(
        &app.call(Method::POST, &format!("{base}/devices"), Some(&ada), Some(json!({"name": "x", "color": 1}))).await,
        400,
        "Validation",
    );
    assert_error(
        &app.call(Method::POST, &format!("{base}/devices"), Some(&eve), Some(json!({"name": "x"}))).await,
        404,
        "NotFound",
    );

    let me = app.get("/me", &ada).await.body["summary"].clone();
    assert_eq!(
        (me["appCount"].as_i64(), me["deviceCount"].as_i64(), me["flowCount"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!((me["notebookCount"].as_i64(), me["dashCount"].as_i64()), (Some(1), Some(1)));

    // Deleting the application deletes what it contains.
    assert_eq!(app.call(Method::DELETE, &base, Some(&ada), None).await.status, 200);
    let me = app.get("/me", &ada).await.body["summary"].clone();
    assert_eq!(
        (me["appCount"].as_i64(), me["deviceCount"].as_i64(), me["flowCount"].as_i64()),
        (Some(0), Some(0), Some(0))
    );
}

#[tokio::test]
async fn delete_me_keeps_organisations_administered() {
    let (app, ada, bob, org) = org_with_member("view").await;
    let credentials = json!({"email": "ada@example.com", "password": PASSWORD});
    let r = app.call(Method::POST, "/me/delete", Some(&ada), Some(credentials.clone())).await;
    assert_error(&r, 400, "Validation");
    assert!(r.body["message"].as_str().unwrap().contains("Engines"), "{}", r.body);

    // Her own organisation, where she is alone, goes with her.
    let solo = app.create_org(&ada, "Solo").await;
    let solo_app = app.create(&ada, "/applications", json!({"name": "Solo app", "orgId": solo})).await;
    let bob_id = app.get("/me", &bob).await.body["id"].as_str().unwrap().to_owned();
    app.call(
        Method::PATCH,
        &format!("/orgs/{org}/member"),
        Some(&ada),
        Some(json!({"userId": bob_id, "role": "admin"})),
    )
    .await;
    assert_eq!(app.call(Method::POST, "/me/delete", Some(&ada), Some(credentials)).await.status, 200);
    assert!(app.core.store.org(&solo).await.unwrap().is_none());
    assert!(app.core.store.resource(me_core::store::Kind::Application, &solo_app).await.unwrap().is_none());
    let remaining = app.get(&format!("/orgs/{org}"), &bob).await;
    assert_eq!(remaining.body["members"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn platform_routes_need_their_scopes() {
    let app = TestApp::spawn().await;
    let (id, ada) = app.sign_up("ada@example.com").await;
    let a = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    let org = app.create_org(&ada, "Engines").await;
    let zero = chrono::Duration::zero();
    type Case = (&'static [&'static str], Method, String, Option<Value>, u16);
    let cases: Vec<Case> = vec![
        (&["me.*"], Method::GET, "/applications".into(), None, 403),
        (&["applications.get"], Method::GET, "/applications".into(), None, 200),
        (&["all.User.read"], Method::GET, format!("/applications/{a}"), None, 200),
        (&["all.User.read"], Method::PATCH, format!("/applications/{a}"), Some(json!({"name": "x"})), 403),
        (&["application.*"], Method::PATCH, format!("/applications/{a}"), Some(json!({"name": "x"})), 200),
        (&["devices.post"], Method::POST, format!("/applications/{a}/devices"), Some(json!({"name": "d"})), 201),
        (&["device.get"], Method::POST, format!("/applications/{a}/devices"), Some(json!({"name": "d"})), 403),
        (&["orgs.get"], Method::GET, "/orgs".into(), None, 200),
        (&["orgs.get"], Method::POST, "/orgs".into(), Some(json!({"name": "x"})), 403),
        (&["org.get"], Method::GET, format!("/orgs/{org}"), None, 200),
        (&["org.get"], Method::DELETE, format!("/orgs/{org}"), None, 403),
        (&["all.User.read"], Method::GET, format!("/orgs/{org}/invites"), None, 200),
        (&["dashboards.*"], Method::POST, "/dashboards".into(), Some(json!({"name": "b"})), 201),
    ];
    for (scopes, method, path, body, want) in cases {
        let token = app.mint(&id, scopes, zero, 600);
        let r = app.call(method.clone(), &path, Some(&token), body).await;
        assert_eq!(r.status.as_u16(), want, "{scopes:?} {method} {path}: {}", r.body);
    }
}
