//! Metering and the four usage counters: exact counts at hour and day edges,
//! batch atomicity, idempotency, transfers, deletions, and who may call what.

use super::common::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};

/// 2026-06-15T12:00:00Z.
fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap()
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// An app with the clock at noon, Ada with one application, and a service token.
async fn metered() -> (TestApp, String, String, String) {
    let app = TestApp::spawn().await;
    app.clock.set(noon());
    let (_, ada) = app.sign_up("ada@example.com").await;
    let application = app.create(&ada, "/applications", json!({"name": "Mill"})).await;
    let service = app.core.issue_service_token(&["metering.write".into()], 30 * 24 * 3600).unwrap();
    (app, ada, application, service)
}

fn event(app_id: &str, kind: &str, source: &str, count: i64, bytes: i64, time: Value) -> Value {
    json!({"applicationId": app_id, "type": kind, "source": source, "count": count, "bytes": bytes, "time": time})
}

async fn meter(app: &TestApp, service: &str, body: Value) -> Reply {
    app.call(Method::POST, "/metering/payloads", Some(service), Some(body)).await
}

#[tokio::test]
async fn payload_counts_are_exact_at_hour_and_day_edges() {
    let (app, ada, a, service) = metered().await;
    let edge_hour = Utc.with_ymd_and_hms(2026, 6, 15, 11, 0, 0).unwrap();
    let edge_day = Utc.with_ymd_and_hms(2026, 6, 15, 0, 0, 0).unwrap();
    let events = json!({"events": [
        event(&a, "mqttIn", "mqtt", 5, 500, json!(ms(edge_hour) - 1)),
        event(&a, "mqttIn", "mqtt", 7, 700, json!(ms(edge_hour))),
        event(&a, "webhook", "hook-1", 2, 64, json!("2026-06-14T23:59:59.999Z")),
        event(&a, "webhook", "hook-1", 3, 96, json!(me_wire::time::format(&edge_day))),
        {"applicationId": a, "type": "mqttOut", "source": "mqtt", "count": 11, "bytes": 1100, "billable": false, "time": ms(edge_hour)},
    ]});
    let r = meter(&app, &service, events).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, json!({"success": true, "counted": true, "events": 5}));

    let day = app.get(&format!("/me/payloadCounts?start={}&end={}", ms(edge_day), ms(noon())), &ada).await;
    assert_eq!(day.status, 200, "{}", day.body);
    assert_schema("payloadStats.json", &day.body);
    assert_eq!(day.body, json!({"mqttIn": {"mqtt": 12}, "mqttOut": {"mqtt": 11}, "webhook": {"hook-1": 3}}));
    // The hour starting 11:00 holds only the events at and after the edge.
    let hour = app.get(&format!("/me/payloadCounts?start={}&end={}", ms(edge_hour), ms(edge_hour) + 1), &ada).await;
    assert_eq!(hour.body, json!({"mqttIn": {"mqtt": 7}, "mqttOut": {"mqtt": 11}}));
    // Default range: the 30 days before now.
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body["webhook"]["hook-1"], 5);

    let path = format!("/me/payloadCountsBreakdown?start={}&end={}", ms(edge_day) - 1, ms(noon()));
    let daily = app.get(&path, &ada).await;
    assert_schema("payloadCountsBreakdown.json", &daily.body);
    let values: Vec<i64> =
        daily.body["counts"].as_array().unwrap().iter().map(|c| c["value"].as_i64().unwrap()).collect();
    assert_eq!(values, vec![2, 15], "billable only, per UTC day");
    assert_eq!(daily.body["counts"][1]["date"], "2026-06-15T00:00:00.000Z");
    let all = app.get(&format!("{path}&includeNonBillable=true"), &ada).await;
    assert_eq!(all.body["counts"][1]["value"], 26);
    let bytes = app.get(&format!("{path}&asBytes=true"), &ada).await;
    assert_eq!(bytes.body["counts"][1]["value"], 500 + 700 + 96);

    let hourly = app
        .get(
            &format!("/me/payloadCountsBreakdown?resolution=3600000&start={}&end={}", ms(edge_hour) - 1, ms(edge_hour)),
            &ada,
        )
        .await;
    let values: Vec<(String, i64)> = hourly.body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["date"].as_str().unwrap().to_owned(), c["value"].as_i64().unwrap()))
        .collect();
    assert_eq!(values, vec![("2026-06-15T10:00:00.000Z".to_owned(), 5), ("2026-06-15T11:00:00.000Z".to_owned(), 7)]);

    let me = app.get("/me?summaryInclude=payloadCount,appCount", &ada).await;
    assert_schema("me.json", &me.body);
    assert_eq!(me.body["summary"]["payloadCount"]["mqttIn"]["mqtt"], 12);
    assert!(app.get("/me", &ada).await.body["summary"].get("payloadCount").is_none());
}

#[tokio::test]
async fn a_batch_is_counted_whole_or_not_at_all_and_once() {
    let (app, ada, a, service) = metered().await;
    let now = json!(ms(noon()));
    for (bad, why) in [
        (event("000000000000000000000000", "mqttIn", "m", 1, 1, now.clone()), "unknown application"),
        (event(&a, "telepathy", "m", 1, 1, now.clone()), "payload type"),
        (event(&a, "mqttIn", "m", -1, 1, now.clone()), "negative"),
        (event(&a, "mqttIn", "m", 1, 1, json!(ms(noon() + Duration::minutes(6)))), "ahead"),
        (event(&a, "mqttIn", "m", 1, 1, json!(ms(noon() - Duration::days(401)))), "400 days"),
        (event(&a, "mqttIn", "m", 1, 1, json!("last tuesday")), "time"),
        (event(&a, "mqttIn", "", 1, 1, now.clone()), "source"),
    ] {
        let body = json!({"events": [event(&a, "mqttIn", "m", 1, 1, now.clone()), event(&a, "mqttIn", "m", 1, 1, now.clone()), bad]});
        let r = meter(&app, &service, body).await;
        assert_error(&r, 400, "Validation");
        let message = r.body["message"].as_str().unwrap();
        assert!(message.contains("events[2]") && message.contains(why), "{why}: {message}");
    }
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body, json!({}), "nothing was counted");
    assert_error(&meter(&app, &service, json!({"events": []})).await, 400, "Validation");

    let batch = json!({"idempotencyKey": "batch-1", "events": [event(&a, "mqttIn", "m", 3, 30, now.clone())]});
    assert_eq!(meter(&app, &service, batch.clone()).await.body["counted"], true);
    let again = meter(&app, &service, batch.clone()).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["counted"], false, "acknowledged, not counted twice");
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body["mqttIn"]["m"], 3);
    app.clock.advance(Duration::days(8));
    let mut later = batch;
    later["events"][0]["time"] = json!(ms(noon() + Duration::days(8)));
    assert_eq!(meter(&app, &service, later).await.body["counted"], true, "keys are kept 7 days");
}

#[tokio::test]
async fn service_and_user_tokens_stay_on_their_side() {
    let (app, ada, a, service) = metered().await;
    assert_error(&app.get("/me", &service).await, 403, "Forbidden");
    assert_error(&app.get("/me/payloadCounts", &service).await, 403, "Forbidden");
    let body = json!({"events": [event(&a, "mqttIn", "m", 1, 1, json!(ms(noon())))]});
    assert_error(&meter(&app, &ada, body.clone()).await, 403, "Forbidden");
    assert_error(&app.call(Method::POST, "/metering/payloads", None, Some(body.clone())).await, 401, "Unauthorized");
    let no_scope = app.core.issue_service_token(&["something.else".into()], 60).unwrap();
    assert_error(&meter(&app, &no_scope, body).await, 403, "Forbidden");
}

#[tokio::test]
async fn counts_follow_the_owner_at_the_time_and_never_mix_users() {
    let (app, ada, a, service) = metered().await;
    let (_, bob) = app.sign_up("bob@example.com").await;
    let bobs = app.create(&bob, "/applications", json!({"name": "Bob's"})).await;
    let at = json!(ms(noon()));
    meter(
        &app,
        &service,
        json!({"events": [event(&a, "mqttIn", "m", 4, 4, at.clone()), event(&bobs, "mqttIn", "m", 9, 9, at.clone())]}),
    )
    .await;
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body, json!({"mqttIn": {"m": 4}}));
    assert_eq!(app.get("/me/payloadCounts", &bob).await.body, json!({"mqttIn": {"m": 9}}));

    // After a transfer, new events go to the organisation; the old stay with Ada.
    let org = app.create_org(&ada, "Engines").await;
    let t = json!({"destinationId": org, "destinationType": "organization", "applicationIds": [a]});
    assert_eq!(app.call(Method::PATCH, "/me/transferResources", Some(&ada), Some(t)).await.status, 200);
    meter(&app, &service, json!({"events": [event(&a, "mqttIn", "m", 100, 1, at)]})).await;
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body, json!({"mqttIn": {"m": 4}}));
    // Deleting the application rewrites nothing either.
    app.call(Method::DELETE, &format!("/orgs/{org}"), Some(&ada), None).await;
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body, json!({"mqttIn": {"m": 4}}));
}

#[tokio::test]
async fn device_counts_per_day_with_deletions_and_transfers() {
    let (app, ada, a, _) = metered().await;
    let devices = format!("/applications/{a}/devices");
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        ids.push(app.create(&ada, &devices, json!({"name": name})).await);
    }
    app.call(Method::DELETE, &format!("{devices}/{}", ids[0]), Some(&ada), None).await;
    app.clock.advance(Duration::days(1));
    app.create(&ada, &devices, json!({"name": "d"})).await;
    let other = app.create(&ada, "/applications", json!({"name": "Other"})).await;
    app.create(&ada, &format!("/applications/{other}/devices"), json!({"name": "e"})).await;
    app.clock.advance(Duration::days(1));
    let org = app.create_org(&ada, "Engines").await;
    let t = json!({"destinationId": org, "destinationType": "organization", "applicationIds": [a]});
    app.call(Method::PATCH, "/me/transferResources", Some(&ada), Some(t)).await;
    app.call(Method::DELETE, &format!("/applications/{other}"), Some(&ada), None).await;

    let start = noon() - Duration::days(1);
    let r = app.get(&format!("/me/deviceCounts?start={}&end={}", ms(start), ms(app.clock_now())), &ada).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("deviceCounts.json", &r.body);
    let rows: Vec<(i64, i64, i64)> = r.body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["created"].as_i64().unwrap(), c["deleted"].as_i64().unwrap(), c["total"].as_i64().unwrap()))
        .collect();
    // Day -1: nothing. Day 0: 3 made, 1 deleted. Day 1: 2 made. Day 2: 3 moved out, 1 deleted.
    assert_eq!(rows, vec![(0, 0, 0), (3, 1, 2), (2, 0, 4), (0, 1, 0)]);
    assert_eq!(r.body["counts"][1]["date"], "2026-06-15T00:00:00.000Z");
}

#[tokio::test]
async fn device_state_posts_count_as_payloads() {
    let (app, ada, a, _) = metered().await;
    let device = app.create(&ada, &format!("/applications/{a}/devices"), json!({"name": "Gear"})).await;
    let path = format!("/applications/{a}/devices/{device}/state");
    let one = json!({"data": {"temp": 21.5, "on": true}});
    let many = json!([{"data": {"temp": 1}}, {"data": {"temp": 2}, "time": ms(noon())}, {"data": {"name": "x"}}]);
    let mut bytes = 0;
    for body in [&one, &many] {
        bytes += serde_json::to_vec(body).unwrap().len() as i64;
        let r = app.call(Method::POST, &path, Some(&ada), Some(body.clone())).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body, json!({"success": true}));
    }
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body, json!({"deviceState": {"rest": 4}}));
    let b = app.get("/me/payloadCountsBreakdown?asBytes=true", &ada).await;
    assert_eq!(b.body["counts"].as_array().unwrap().last().unwrap()["value"], bytes);

    for bad in
        [json!({"data": {"bad key!": 1}}), json!({"nodata": 1}), json!([]), json!("text"), json!({"data": {"x": [1]}})]
    {
        assert_error(&app.call(Method::POST, &path, Some(&ada), Some(bad)).await, 400, "Validation");
    }
    let too_many: Vec<Value> = (0..1001).map(|i| json!({"data": {"i": i}})).collect();
    assert_error(&app.call(Method::POST, &path, Some(&ada), Some(Value::Array(too_many))).await, 400, "Validation");
    let (_, eve) = app.sign_up("eve@example.com").await;
    assert_error(&app.call(Method::POST, &path, Some(&eve), Some(one)).await, 404, "NotFound");
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body["deviceState"]["rest"], 4, "refused posts count nothing");
}

#[tokio::test]
async fn concurrent_device_state_posts_are_all_counted() {
    let (app, ada, a, _) = metered().await;
    let device = app.create(&ada, &format!("/applications/{a}/devices"), json!({"name": "Gear"})).await;
    let path = format!("/applications/{a}/devices/{device}/state");
    let posts = (0..64).map(|i| app.call(Method::POST, &path, Some(&ada), Some(json!({"data": {"i": i}}))));
    let replies = join_all(posts.map(Box::pin).collect()).await;
    assert!(replies.iter().all(|r| r.status == 200));
    assert_eq!(app.get("/me/payloadCounts", &ada).await.body["deviceState"]["rest"], 64);
}

/// Polls every future together (each is a request: all start before any is awaited).
async fn join_all<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut results: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    Poll::Ready(v) => results[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(|r| r.expect("every future finished")).collect()
}

#[tokio::test]
async fn notebook_minutes_per_day() {
    let (app, ada, a, service) = metered().await;
    let nb = app.create(&ada, &format!("/applications/{a}/notebooks"), json!({"name": "Analysis"})).await;
    let ev = |minutes: i64, status: &str, t: DateTime<Utc>| json!({"applicationId": a, "notebookId": nb, "minutes": minutes, "status": status, "time": ms(t)});
    let yesterday = noon() - Duration::days(1);
    let body = json!({"events": [ev(3, "completed", noon()), ev(2, "errored", noon()), ev(5, "timeout", yesterday)]});
    let r = app.call(Method::POST, "/metering/notebookExecutions", Some(&service), Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let bad = json!({"events": [ev(1, "exploded", noon())]});
    assert_error(
        &app.call(Method::POST, "/metering/notebookExecutions", Some(&service), Some(bad)).await,
        400,
        "Validation",
    );
    let r = app.get(&format!("/me/notebookMinuteCounts?start={}&end={}", ms(yesterday), ms(noon())), &ada).await;
    assert_schema("notebookMinuteCounts.json", &r.body);
    assert_eq!(
        r.body["counts"][0],
        json!({"date": "2026-06-14T00:00:00.000Z", "minutes": 5, "completed": 0, "canceled": 0, "errored": 0, "timeout": 1})
    );
    assert_eq!(
        r.body["counts"][1],
        json!({"date": "2026-06-15T00:00:00.000Z", "minutes": 5, "completed": 1, "canceled": 0, "errored": 1, "timeout": 0})
    );
}

#[tokio::test]
async fn ranges_are_checked() {
    let (app, ada, _, _) = metered().await;
    let day = 86_400_000i64;
    for path in [
        format!("/me/deviceCounts?start={}&end={}", ms(noon()), ms(noon()) - 1),
        "/me/payloadCounts?start=yesterday".to_owned(),
        format!("/me/payloadCounts?start={}&end={}", ms(noon()) - 5 * 366 * day, ms(noon())),
        format!("/me/payloadCountsBreakdown?resolution=3600000&start={}&end={}", ms(noon()) - 91 * day, ms(noon())),
        "/me/payloadCountsBreakdown?resolution=60000".to_owned(),
        "/me/payloadCountsBreakdown?asBytes=maybe".to_owned(),
        "/me/notebookMinuteCounts?end=soon".to_owned(),
    ] {
        assert_error(&app.get(&path, &ada).await, 400, "Validation");
    }
    let ok = app
        .get(
            &format!(
                "/me/payloadCountsBreakdown?resolution=3600000&start={}&end={}",
                ms(noon()) - 89 * day,
                ms(noon())
            ),
            &ada,
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["counts"].as_array().unwrap().len(), 89 * 24 + 1);
    let r = app.get("/me/deviceCounts", &ada).await;
    assert_eq!(r.body["counts"].as_array().unwrap().len(), 31, "30 days back, both ends' days included");
}
