//! Every action of this suite once more, end to end, on PostgreSQL (when
//! `ME_TEST_POSTGRES_URL` is set; in CI it always is).

use super::common::*;
use super::stand_ins::github_stand_in;
use chrono::Duration;
use reqwest::Method;
use serde_json::json;

fn code(app: &TestApp, key: &str) -> String {
    let secret = totp_rs::Secret::Encoded(key.to_owned()).to_bytes().unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).unwrap().generate(app.clock_now().timestamp() as u64)
}

#[tokio::test]
async fn every_action_works_on_postgres() {
    let Some(base) = me_store::testing::postgres_url() else {
        eprintln!("ME_TEST_POSTGRES_URL not set: skipping the PostgreSQL run");
        return;
    };
    let github = github_stand_in().await;
    let app =
        TestApp::spawn_opts(TestOptions { postgres: Some(base), github_api: github, ..TestOptions::default() }).await;
    assert_eq!(app.core.store.backend(), "postgres");

    let (_, token) = app.sign_up("ada@example.com").await;
    assert_error(&app.call(Method::POST, "/users", None, Some(json!({"email": "ADA@example.com", "firstName": "A", "lastName": "L", "password": PASSWORD, "acceptTerms": "on"}))).await, 409, "AlreadyExists");
    assert_eq!(app.log_in("ada@example.com", PASSWORD).await.status, 200);
    assert_error(&app.log_in("ada@example.com", "Wrong-Password-1").await, 401, "Unauthorized");

    let me = app.get("/me", &token).await;
    assert_eq!(me.status, 200);
    assert_schema("me.json", &me.body);
    let r = app.call(Method::PATCH, "/me", Some(&token), Some(json!({"title": "Countess"}))).await;
    assert_eq!(r.body["title"], "Countess");
    assert_schema("me.json", &r.body);
    assert_eq!(app.get("/me/refreshToken", &token).await.status, 200);

    // Email verification.
    assert_eq!(app.call(Method::POST, "/me/verify-email", Some(&token), None).await.status, 200);
    assert_error(&app.call(Method::POST, "/me/verify-email", Some(&token), None).await, 429, "TooManyRequests");
    let mail = loop {
        if let Some(m) = app.mail.all().pop() {
            break m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    };
    let mailed = mail.body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let ok = app
        .call(Method::POST, "/auth/verifyEmail", None, Some(json!({"email": "ada@example.com", "token": mailed})))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(app.get("/me", &token).await.body["emailVerified"], true);

    // GitHub.
    let r = app.call(Method::PATCH, "/me/connectGithub", Some(&token), Some(json!({"accessToken": "gh-ada"}))).await;
    assert_eq!(r.body["githubName"], "ada-gh");
    assert_eq!(
        app.call(Method::POST, "/auth/user/github", None, Some(json!({"accessToken": "gh-ada"}))).await.status,
        200
    );
    assert_eq!(app.call(Method::PATCH, "/me/disconnectGithub", Some(&token), None).await.status, 200);

    // Two-factor auth.
    let key = app.call(Method::PATCH, "/me/generateTwoFactorAuth", Some(&token), None).await.body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .call(
            Method::PATCH,
            "/me/enableTwoFactorAuth",
            Some(&token),
            Some(json!({"password": PASSWORD, "twoFactorCode": code(&app, &key)})),
        )
        .await;
    assert_eq!(r.body["twoFactorAuthEnabled"], true);
    app.clock.advance(Duration::seconds(30));
    let login = json!({"email": "ada@example.com", "password": PASSWORD, "twoFactorCode": code(&app, &key)});
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login.clone())).await.status, 200);
    assert_eq!(app.call(Method::POST, "/auth/user", None, Some(login)).await.status, 401, "a code works once");
    app.clock.advance(Duration::seconds(30));
    let r = app
        .call(
            Method::PATCH,
            "/me/disableTwoFactorAuth",
            Some(&token),
            Some(json!({"password": PASSWORD, "twoFactorCode": code(&app, &key)})),
        )
        .await;
    assert_eq!(r.body["twoFactorAuthEnabled"], false);

    // Password change cutting off every token, then deletion.
    let r = app
        .call(
            Method::PATCH,
            "/me/changePassword",
            Some(&token),
            Some(json!({"password": PASSWORD, "newPassword": NEW_PASSWORD, "invalidateExistingTokens": true})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
    let token = r.body["token"].as_str().unwrap().to_owned();
    let r = app
        .call(
            Method::POST,
            "/me/delete",
            Some(&token),
            Some(json!({"email": "ada@example.com", "password": NEW_PASSWORD})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_error(&app.get("/me", &token).await, 401, "Unauthorized");
    app.drop_schema().await;
}

#[tokio::test]
async fn platform_actions_work_on_postgres() {
    let Some(base) = me_store::testing::postgres_url() else {
        eprintln!("ME_TEST_POSTGRES_URL not set: skipping the PostgreSQL run");
        return;
    };
    let app = TestApp::spawn_opts(TestOptions { postgres: Some(base), ..TestOptions::default() }).await;
    let (ada_id, ada) = app.sign_up("ada@example.com").await;
    let (bob_id, bob) = app.sign_up("bob@example.com").await;
    app.verify_email_of(&bob_id).await;

    let org = app.create_org(&ada, "Engines").await;
    let r = app
        .call(
            Method::POST,
            &format!("/orgs/{org}/invites"),
            Some(&ada),
            Some(json!({"email": "bob@example.com", "role": "view"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let invite = r.body[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/me/invites", &bob).await.body[0]["orgName"], "Engines");
    let path = format!("/me/invites/{invite}");
    let accept = || app.call(Method::POST, &path, Some(&bob), Some(json!({"action": "accept"})));
    let (a, b) = tokio::join!(accept(), accept());
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 404], "{} / {}", a.body, b.body);
    assert_eq!(app.get(&format!("/orgs/{org}"), &ada).await.body["members"].as_array().unwrap().len(), 2);

    let mill = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    app.create(&ada, &format!("/applications/{mill}/devices"), json!({"name": "Gear"})).await;
    let r = app
        .call(Method::POST, "/me/recentItems", Some(&ada), Some(json!({"itemType": "application", "itemId": mill})))
        .await;
    assert_eq!(r.body["items"][0]["name"], "Mill");

    let strict = json!({"destinationId": org, "destinationType": "organization", "applicationIds": [mill, "000000000000000000000000"], "strict": true});
    assert_error(&app.call(Method::PATCH, "/me/transferResources", Some(&ada), Some(strict)).await, 400, "Validation");
    assert_eq!(app.get(&format!("/applications/{mill}"), &ada).await.body["ownerId"], ada_id.as_str());
    let loose = json!({"destinationId": org, "destinationType": "organization", "applicationIds": [mill, "000000000000000000000000"]});
    assert_eq!(app.call(Method::PATCH, "/me/transferResources", Some(&ada), Some(loose)).await.status, 200);
    assert_eq!(
        app.get(&format!("/applications/{mill}"), &bob).await.body["ownerId"],
        org.as_str(),
        "bob sees it as a viewer"
    );
    assert_eq!(
        app.call(Method::PATCH, &format!("/applications/{mill}"), Some(&bob), Some(json!({"name": "x"}))).await.status,
        403
    );

    let delete = json!({"email": "ada@example.com", "password": PASSWORD});
    assert_error(&app.call(Method::POST, "/me/delete", Some(&ada), Some(delete)).await, 400, "Validation");
    app.drop_schema().await;
}

#[tokio::test]
async fn usage_works_on_postgres() {
    let Some(base) = me_store::testing::postgres_url() else {
        eprintln!("ME_TEST_POSTGRES_URL not set: skipping the PostgreSQL run");
        return;
    };
    let app = TestApp::spawn_opts(TestOptions { postgres: Some(base), ..TestOptions::default() }).await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let a = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    let d = app.create(&ada, &format!("/applications/{a}/devices"), json!({"name": "Gear"})).await;
    let service = app.core.issue_service_token(&["metering.write".into()], 600).unwrap();
    let now = app.clock_now().timestamp_millis();
    let batch = json!({"idempotencyKey": "k1", "events": [
        {"applicationId": a, "type": "mqttIn", "source": "mqtt", "count": 5, "bytes": 50, "time": now},
        {"applicationId": a, "type": "mqttIn", "source": "mqtt", "count": 2, "bytes": 20, "billable": false, "time": now},
    ]});
    assert_eq!(
        app.call(Method::POST, "/metering/payloads", Some(&service), Some(batch.clone())).await.body["counted"],
        true
    );
    assert_eq!(app.call(Method::POST, "/metering/payloads", Some(&service), Some(batch)).await.body["counted"], false);
    let state = app
        .call(
            Method::POST,
            &format!("/applications/{a}/devices/{d}/state"),
            Some(&ada),
            Some(json!([{"data": {"t": 1}}, {"data": {"t": 2}}])),
        )
        .await;
    assert_eq!(state.status, 200, "{}", state.body);
    let counts = app.get("/me/payloadCounts", &ada).await;
    assert_eq!(counts.body, json!({"mqttIn": {"mqtt": 7}, "deviceState": {"rest": 2}}));
    let breakdown = app.get("/me/payloadCountsBreakdown?resolution=3600000", &ada).await;
    assert_eq!(breakdown.body["counts"].as_array().unwrap().last().unwrap()["value"], 7, "billable only");
    let devices = app.get("/me/deviceCounts", &ada).await;
    assert_schema("deviceCounts.json", &devices.body);
    assert_eq!(devices.body["counts"].as_array().unwrap().last().unwrap()["total"], 1);
    let nb = app.create(&ada, &format!("/applications/{a}/notebooks"), json!({"name": "N"})).await;
    let run =
        json!({"events": [{"applicationId": a, "notebookId": nb, "minutes": 4, "status": "completed", "time": now}]});
    assert_eq!(app.call(Method::POST, "/metering/notebookExecutions", Some(&service), Some(run)).await.status, 200);
    let minutes = app.get("/me/notebookMinuteCounts", &ada).await;
    assert_eq!(minutes.body["counts"].as_array().unwrap().last().unwrap()["minutes"], 4);
    app.drop_schema().await;
}
