//! Every SDK method, over real HTTP.

use super::*;
use chrono::Duration;
use me_client::me::{BreakdownParams, CountsParams, FetchRecentParams, GetParams, PatchParams};
use me_client::{Client, Error};
use me_wire::platform::{
    ApplicationPost, ChildPost, MemberPatch, NamePatch, OrgInviteActionUser, OrgInvitePost, OrgPost, RecentItemPost,
    ResourceTransfer,
};
use me_wire::{
    ChangePassword, DisableTwoFactorAuth, EmailVerificationVerify, EnableTwoFactorAuth, GithubLogin, MePatch,
    UserCredentials,
};

#[tokio::test]
async fn the_account_actions() {
    let s = server().await;
    let client = signed_up(&s, "ada@example.com").await;
    let me = client.me().get(&GetParams { include_recent: Some(true), ..Default::default() }).await.unwrap();
    assert_eq!(me.email, "ada@example.com");
    assert!(me.recent_applications.is_some());

    let patched = client
        .me()
        .patch(&MePatch { title: Some("Countess".into()), ..Default::default() }, &PatchParams::default())
        .await
        .unwrap();
    assert_eq!(patched.title.as_deref(), Some("Countess"));

    let fresh = Client::new(&s.url).unwrap();
    let creds = UserCredentials { email: "ada@example.com".into(), password: PASSWORD.into(), ..Default::default() };
    let authed = fresh.auth().authenticate_user(&creds).await.unwrap();
    fresh.set_token(authed.token);
    let refreshed = fresh.me().refresh_token(&none()).await.unwrap();
    assert!(!refreshed.token.is_empty());

    let change =
        ChangePassword { password: PASSWORD.into(), new_password: "Battery-Staple-7".into(), ..Default::default() };
    let authed = client.me().change_password(&change, &none()).await.unwrap();
    client.set_token(authed.token);

    // Email verification, with the token from the captured mail.
    client.me().verify_email(&none()).await.unwrap();
    let token = loop {
        if let Some(m) = s.mail.0.lock().unwrap().last() {
            break m.body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let verify = EmailVerificationVerify { email: "ada@example.com".into(), token: token.into() };
    client.auth().verify_email(&verify).await.unwrap();
    assert!(client.me().get(&GetParams::default()).await.unwrap().email_verified);

    // Two-factor auth.
    let info = client.me().generate_two_factor_auth(&none()).await.unwrap();
    let enable = EnableTwoFactorAuth {
        password: "Battery-Staple-7".into(),
        two_factor_code: code(&s, &info.key).into(),
        ..Default::default()
    };
    assert!(client.me().enable_two_factor_auth(&enable, &none()).await.unwrap().two_factor_auth_enabled);
    s.clock.advance(Duration::seconds(30));
    let disable =
        DisableTwoFactorAuth { password: "Battery-Staple-7".into(), two_factor_code: code(&s, &info.key).into() };
    assert!(!client.me().disable_two_factor_auth(&disable, &none()).await.unwrap().two_factor_auth_enabled);

    // GitHub: disconnecting works without a link; logging in needs GitHub (absent here: 503).
    assert!(client.me().disconnect_github(&none()).await.unwrap().github_name.is_none());
    let github =
        client.auth().authenticate_user_github(&GithubLogin { access_token: "gh".into(), ..Default::default() }).await;
    assert!(matches!(github, Err(Error::Api { status: 503, .. })), "{github:?}");

    let creds =
        UserCredentials { email: "ada@example.com".into(), password: "Battery-Staple-7".into(), ..Default::default() };
    assert!(client.me().delete(&creds, &none()).await.unwrap().success);
    let gone = client.me().get(&GetParams::default()).await.unwrap_err();
    match gone {
        Error::Api { status, kind, .. } => assert_eq!((status, kind.as_str()), (401, "Unauthorized")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_platform_actions() {
    let s = server().await;
    let ada = signed_up(&s, "ada@example.com").await;
    let bob = signed_up(&s, "bob@example.com").await;
    let bob_id = bob.me().get(&GetParams::default()).await.unwrap().id;
    let bob_user = s.core.store.user_by_id(&bob_id).await.unwrap().unwrap();
    s.core
        .store
        .update_user(
            &bob_user.id,
            &me_core::store::UserChanges { email_verified: Some(true), ..Default::default() },
            bob_user.updated_at,
        )
        .await
        .unwrap();

    let org = ada.orgs().post(&OrgPost { name: "Engines".into(), ..Default::default() }).await.unwrap();
    assert_eq!(ada.orgs().get().await.unwrap().count, 1);
    ada.org(&org.id).patch(&NamePatch { name: Some("Difference Engines".into()), description: None }).await.unwrap();
    let invite = OrgInvitePost {
        email: "bob@example.com".into(),
        role: "edit".into(),
        application_roles: None,
        dashboard_roles: None,
        disallow_transfer: None,
    };
    let pending = ada.org(&org.id).invite_member(&invite).await.unwrap();
    assert_eq!(ada.org(&org.id).pending_invites().await.unwrap(), pending);

    let invites = bob.me().invites(&none()).await.unwrap();
    assert_eq!(invites[0].org_name, "Difference Engines");
    assert_eq!(bob.me().invite(&invites[0].id, &none()).await.unwrap().role, "edit");
    let accepted = bob
        .me()
        .respond_to_invite(&invites[0].id, &OrgInviteActionUser { action: "accept".into() }, &none())
        .await
        .unwrap();
    assert_eq!(accepted.org_id.as_deref(), Some(org.id.as_str()));
    let again =
        bob.me().respond_to_invite(&invites[0].id, &OrgInviteActionUser { action: "accept".into() }, &none()).await;
    assert_eq!(again.unwrap_err().status(), Some(404));

    let app = ada.applications().post(&ApplicationPost { name: "Mill".into(), ..Default::default() }).await.unwrap();
    ada.application(&app.id).patch(&NamePatch { name: Some("Mill 2".into()), description: None }).await.unwrap();
    assert_eq!(ada.application(&app.id).get().await.unwrap().name, "Mill 2");
    let device = ada.devices(&app.id).post(&ChildPost { name: "Gear".into(), ..Default::default() }).await.unwrap();
    assert_eq!(ada.devices(&app.id).get().await.unwrap().count, 1);
    ada.device(&app.id, &device.id).send_state(&serde_json::json!({"data": {"t": 1}})).await.unwrap();
    let dash = ada.dashboards().post(&ApplicationPost { name: "Board".into(), ..Default::default() }).await.unwrap();
    assert_eq!(ada.dashboards().get().await.unwrap().count, 1);
    ada.dashboard(&dash.id).get().await.unwrap();

    let item = RecentItemPost { item_type: "application".into(), parent_id: None, item_id: app.id.clone() };
    assert_eq!(ada.me().add_recent_item(&item, &none()).await.unwrap().items[0].name, "Mill 2");
    assert_eq!(ada.me().fetch_recent_items("application", &FetchRecentParams::default()).await.unwrap().items.len(), 1);

    let transfer = ResourceTransfer {
        destination_id: org.id.clone(),
        destination_type: "organization".into(),
        application_ids: Some(vec![app.id.clone()]),
        dashboard_ids: Some(vec![dash.id.clone()]),
        strict: Some(true),
    };
    ada.me().transfer_resources(&transfer, &none()).await.unwrap();
    assert_eq!(bob.application(&app.id).get().await.unwrap().owner_type.as_deref(), Some("organization"));

    // The counters (the device and its state were counted before the transfer).
    let devices = ada.me().device_counts(&CountsParams::default()).await.unwrap();
    assert_eq!(devices.counts.len(), 31);
    let payloads = ada.me().payload_counts(&CountsParams::default()).await.unwrap();
    assert_eq!(payloads["deviceState"]["rest"], 1);
    let hourly = BreakdownParams { resolution: Some("3600000".into()), ..Default::default() };
    assert_eq!(ada.me().payload_counts_breakdown(&hourly).await.unwrap().counts.last().unwrap().value, 1);
    assert_eq!(ada.me().notebook_minute_counts(&CountsParams::default()).await.unwrap().counts.len(), 31);
    let bad = ada.me().payload_counts(&CountsParams { start: Some("soon".into()), ..Default::default() }).await;
    assert!(matches!(bad, Err(Error::Api { status: 400, ref kind, .. }) if kind == "Validation"), "{bad:?}");

    ada.org(&org.id).modify_member(&MemberPatch { user_id: bob_id.clone(), role: "admin".into() }).await.unwrap();
    ada.org(&org.id).remove_member(&bob_id).await.unwrap();
    ada.device(&app.id, &device.id).delete().await.unwrap();
    ada.application(&app.id).delete().await.unwrap();
    assert!(ada.org(&org.id).delete().await.unwrap().success);
    assert_eq!(ada.org(&org.id).get().await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn surprising_answers_are_errors_not_panics() {
    // A server that answers 200 with text, and 500 with HTML.
    use axum::routing::get;
    let router = axum::Router::new()
        .route("/me", get(|| async { "not json" }))
        .route("/me/invites", get(|| async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "<html>oops</html>") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = Client::new(&url).unwrap().with_token("t");
    assert!(matches!(client.me().get(&GetParams::default()).await, Err(Error::Decode(_))));
    match client.me().invites(&none()).await {
        Err(Error::Api { status: 500, message, .. }) => assert!(message.contains("oops")),
        other => panic!("{other:?}"),
    }
    let closed = Client::new("http://127.0.0.1:9").unwrap();
    assert!(matches!(closed.me().get(&GetParams::default()).await, Err(Error::Transport(_))));
    assert!(matches!(Client::new("ftp://example.com"), Err(Error::Config(_))));
}
