//! Organisation invitations, from both sides.

use super::common::*;
use chrono::Duration;
use reqwest::Method;
use serde_json::json;

/// Ada administers an organisation and invites bob@example.com as `edit`.
/// Returns (app, ada's token, org id, invite id).
async fn invited() -> (TestApp, String, String, String) {
    let app = TestApp::spawn().await;
    let (_, ada) = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Engines").await;
    let r = app
        .call(
            Method::POST,
            &format!("/orgs/{org}/invites"),
            Some(&ada),
            Some(json!({"email": "Bob@Example.com", "role": "edit"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("orgInvites.json", &r.body);
    let invite = r.body[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body[0]["email"], "bob@example.com");
    assert_eq!(r.body[0]["ttl"], 7 * 24 * 3600 * 1000);
    (app, ada, org, invite)
}

async fn bob(app: &TestApp, verified: bool) -> String {
    let (id, token) = app.sign_up("bob@example.com").await;
    if verified {
        app.verify_email_of(&id).await;
    }
    token
}

async fn respond(app: &TestApp, token: &str, invite: &str, action: &str) -> Reply {
    app.call(Method::POST, &format!("/me/invites/{invite}"), Some(token), Some(json!({"action": action}))).await
}

#[tokio::test]
async fn an_accepted_invitation_makes_a_member_with_the_role() {
    let (app, _ada, org, invite) = invited().await;
    let mail = loop {
        if let Some(m) = app.mail.all().into_iter().find(|m| m.recipient == "bob@example.com") {
            break m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    };
    assert!(mail.subject.contains("Engines") && mail.body.contains(&invite));

    let bob = bob(&app, false).await;
    let list = app.get("/me/invites", &bob).await;
    assert_eq!(list.status, 200);
    assert_schema("orgInvitesUser.json", &list.body);
    assert_eq!(list.body[0]["orgName"], "Engines");
    assert_eq!(list.body[0]["role"], "edit");
    assert_eq!(list.body[0]["expired"], false);
    assert_eq!(list.body[0]["invitedBy"], json!({"fullName": "Ada Lovelace", "email": "ada@example.com"}));
    let one = app.get(&format!("/me/invites/{invite}"), &bob).await;
    assert_schema("orgInviteUser.json", &one.body);
    assert_eq!(one.body["id"], invite.as_str());

    let unverified = respond(&app, &bob, &invite, "accept").await;
    assert_error(&unverified, 403, "Forbidden");
    assert!(unverified.body["message"].as_str().unwrap().contains("Verify your email"));

    let bob_id = app.get("/me", &bob).await.body["id"].as_str().unwrap().to_owned();
    app.verify_email_of(&bob_id).await;
    let r = respond(&app, &bob, &invite, "accept").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_schema("orgInviteResultUser.json", &r.body);
    assert_eq!(r.body, json!({"result": "accepted", "orgId": org}));

    let org_body = app.get(&format!("/orgs/{org}"), &bob).await;
    assert_schema("org.json", &org_body.body);
    let member = org_body.body["members"].as_array().unwrap().iter().find(|m| m["email"] == "bob@example.com").cloned();
    assert_eq!(member.unwrap()["role"], "edit");
    assert_error(&respond(&app, &bob, &invite, "accept").await, 404, "NotFound");
    assert_eq!(app.get("/me/invites", &bob).await.body, json!([]));
    assert_eq!(app.get("/me", &bob).await.body["summary"]["orgCount"], 1);
}

#[tokio::test]
async fn reject_and_dismiss_close_the_invitation() {
    for action in ["reject", "dismiss"] {
        let (app, ada, org, invite) = invited().await;
        let bob = bob(&app, false).await;
        let r = respond(&app, &bob, &invite, action).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["result"], format!("{action}ed"));
        assert_error(&respond(&app, &bob, &invite, "accept").await, 404, "NotFound");
        assert_error(&app.get(&format!("/orgs/{org}"), &bob).await, 404, "NotFound");
        let pending = app.get(&format!("/orgs/{org}/invites"), &ada).await;
        assert_eq!(pending.body, json!([]));
    }
}

#[tokio::test]
async fn an_expired_invitation_is_410() {
    let (app, _ada, _org, invite) = invited().await;
    let bob = bob(&app, true).await;
    app.clock.advance(Duration::days(8));
    let list = app.get("/me/invites", &bob).await;
    assert_eq!(list.body[0]["expired"], true);
    assert_error(&respond(&app, &bob, &invite, "accept").await, 410, "Gone");
}

#[tokio::test]
async fn concurrent_accepts_make_exactly_one_membership() {
    let (app, ada, org, invite) = invited().await;
    let bob = bob(&app, true).await;
    let (a, b) = tokio::join!(respond(&app, &bob, &invite, "accept"), respond(&app, &bob, &invite, "accept"));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 404], "{} / {}", a.body, b.body);
    let members = app.get(&format!("/orgs/{org}"), &ada).await.body["members"].as_array().unwrap().len();
    assert_eq!(members, 2);
}

#[tokio::test]
async fn invitations_are_for_their_addressee_and_admins_only() {
    let (app, ada, org, invite) = invited().await;
    let (_, carol) = app.sign_up("carol@example.com").await;
    assert_error(&app.get(&format!("/me/invites/{invite}"), &carol).await, 404, "NotFound");
    assert_error(&respond(&app, &carol, &invite, "accept").await, 404, "NotFound");
    assert_error(&app.get("/me/invites/000000000000000000000000", &carol).await, 404, "NotFound");
    assert_error(&respond(&app, &carol, &invite, "maybe").await, 400, "Validation");

    let again = app
        .call(
            Method::POST,
            &format!("/orgs/{org}/invites"),
            Some(&ada),
            Some(json!({"email": "bob@example.com", "role": "view"})),
        )
        .await;
    assert_error(&again, 409, "AlreadyExists");
    let member = app
        .call(
            Method::POST,
            &format!("/orgs/{org}/invites"),
            Some(&ada),
            Some(json!({"email": "ada@example.com", "role": "view"})),
        )
        .await;
    assert_error(&member, 409, "AlreadyExists");
    let bad_role = app
        .call(
            Method::POST,
            &format!("/orgs/{org}/invites"),
            Some(&ada),
            Some(json!({"email": "dan@example.com", "role": "owner"})),
        )
        .await;
    assert_error(&bad_role, 400, "Validation");
    let outsider = app
        .call(
            Method::POST,
            &format!("/orgs/{org}/invites"),
            Some(&carol),
            Some(json!({"email": "dan@example.com", "role": "view"})),
        )
        .await;
    assert_error(&outsider, 404, "NotFound");

    let revoked = app.call(Method::DELETE, &format!("/orgs/{org}/invites?inviteId={invite}"), Some(&ada), None).await;
    assert_eq!(revoked.status, 200);
    assert_eq!(revoked.body, json!([]));
    let bob = bob(&app, true).await;
    assert_error(&respond(&app, &bob, &invite, "accept").await, 404, "NotFound");
}
