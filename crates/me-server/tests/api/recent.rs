//! Recent items: ordering, cap, dedupe, names, and items that vanish.

use super::common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn add(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call(Method::POST, "/me/recentItems", Some(token), Some(body)).await
}

fn ids(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn newest_first_without_repeats_at_most_ten() {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let mut apps = Vec::new();
    for i in 0..12 {
        apps.push(app.create(&ada, "/applications", json!({"name": format!("App {i}")})).await);
    }
    for id in &apps {
        let r = add(&app, &ada, json!({"itemType": "application", "itemId": id})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_schema("recentItemList.json", &r.body);
    }
    let r = add(&app, &ada, json!({"itemType": "application", "itemId": apps[5]})).await;
    let got = ids(&r.body);
    assert_eq!(got.len(), 10);
    assert_eq!(got[0], apps[5], "used again: first");
    assert_eq!(got[1], apps[11]);
    assert_eq!(got.iter().filter(|i| **i == apps[5]).count(), 1, "no repeats");
    assert!(!got.contains(&apps[0]) && !got.contains(&apps[1]), "the oldest fell off");
    assert_eq!(r.body["items"][0]["name"], "App 5");

    let fetched = app.get("/me/recentItems?itemType=application", &ada).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(ids(&fetched.body), got);

    // Renamed: the current name shows. Deleted: it is left out.
    app.call(Method::PATCH, &format!("/applications/{}", apps[5]), Some(&ada), Some(json!({"name": "Renamed"}))).await;
    app.call(Method::DELETE, &format!("/applications/{}", apps[11]), Some(&ada), None).await;
    let fetched = app.get("/me/recentItems?itemType=application", &ada).await;
    assert_eq!(fetched.body["items"][0]["name"], "Renamed");
    assert!(!ids(&fetched.body).contains(&apps[11]));

    let me = app.get("/me?includeRecent=true", &ada).await;
    assert_schema("me.json", &me.body);
    assert_eq!(me.body["recentApplications"]["items"][0]["name"], "Renamed");
    assert_eq!(me.body["recentDashboards"]["items"], json!([]));
    assert!(app.get("/me", &ada).await.body.get("recentApplications").is_none());
    assert_error(&app.get("/me?includeRecent=maybe", &ada).await, 400, "Validation");
}

#[tokio::test]
async fn devices_and_flows_are_listed_per_application() {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let a = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    let d = app.create(&ada, &format!("/applications/{a}/devices"), json!({"name": "Gear"})).await;
    let r = add(&app, &ada, json!({"itemType": "device", "itemId": d, "parentId": a})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["parentId"], a.as_str());
    assert_error(&add(&app, &ada, json!({"itemType": "device", "itemId": d})).await, 400, "Validation");
    let other = app.create(&ada, "/applications", json!({"name": "Other"})).await;
    assert_error(
        &add(&app, &ada, json!({"itemType": "device", "itemId": d, "parentId": other})).await,
        400,
        "Validation",
    );
    assert_eq!(ids(&app.get(&format!("/me/recentItems?itemType=device&parentId={a}"), &ada).await.body), vec![d]);
    assert_eq!(
        app.get(&format!("/me/recentItems?itemType=device&parentId={other}"), &ada).await.body["items"],
        json!([])
    );
}

#[tokio::test]
async fn only_visible_items_and_known_types() {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let (_, eve) = app.sign_up("eve@example.com").await;
    let a = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    assert_error(&add(&app, &eve, json!({"itemType": "application", "itemId": a})).await, 404, "NotFound");
    assert_error(
        &add(&app, &ada, json!({"itemType": "application", "itemId": "000000000000000000000000"})).await,
        404,
        "NotFound",
    );
    assert_error(&add(&app, &ada, json!({"itemType": "spaceship", "itemId": a})).await, 400, "Validation");
    assert_error(&app.get("/me/recentItems", &ada).await, 400, "Validation");
    assert_error(&app.get("/me/recentItems?itemType=spaceship", &ada).await, 400, "Validation");
    let org = app.create_org(&ada, "Engines").await;
    let r = add(&app, &ada, json!({"itemType": "organization", "itemId": org})).await;
    assert_eq!(r.body["items"][0]["name"], "Engines");
    assert_error(&add(&app, &eve, json!({"itemType": "organization", "itemId": org})).await, 404, "NotFound");
}
