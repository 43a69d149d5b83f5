//! The scope matrix: every route here, times every kind of token.

use super::common::*;
use chrono::Duration;
use me_core::store::UserChanges;
use reqwest::Method;
use serde_json::{json, Value};

struct Route {
    method: Method,
    path: &'static str,
    action: &'static str,
    read_only: bool,
    own_scope: bool,
    body: Option<Value>,
    /// The status an admitted token gets (on a fresh user).
    ok: u16,
}

fn route(method: Method, path: &'static str, action: &'static str, body: Option<Value>, ok: u16) -> Route {
    Route { method, path, action, read_only: false, own_scope: true, body, ok }
}

fn routes() -> Vec<Route> {
    let credentials = json!({"email": "ada@example.com", "password": PASSWORD});
    let password_and_code = json!({"password": PASSWORD, "twoFactorCode": "000000"});
    vec![
        Route { read_only: true, ..route(Method::GET, "/me", "me.get", None, 200) },
        route(Method::PATCH, "/me", "me.patch", Some(json!({"title": "Countess"})), 200),
        route(
            Method::PATCH,
            "/me/changePassword",
            "me.changePassword",
            Some(json!({"password": PASSWORD, "newPassword": NEW_PASSWORD})),
            200,
        ),
        Route { own_scope: false, ..route(Method::GET, "/me/refreshToken", "me.refreshToken", None, 200) },
        route(Method::POST, "/me/delete", "me.delete", Some(credentials), 200),
        route(Method::PATCH, "/me/generateTwoFactorAuth", "me.generateTwoFactorAuth", None, 200),
        // No pending key / 2FA not on: admitted, then refused by the rules.
        route(Method::PATCH, "/me/enableTwoFactorAuth", "me.enableTwoFactorAuth", Some(password_and_code.clone()), 400),
        route(Method::PATCH, "/me/disableTwoFactorAuth", "me.disableTwoFactorAuth", Some(password_and_code), 400),
        route(Method::POST, "/me/verify-email", "me.verifyEmail", None, 200),
        // Nothing answers at the test app's GitHub address.
        route(Method::PATCH, "/me/connectGithub", "me.connectGithub", Some(json!({"accessToken": "gh"})), 503),
        route(Method::PATCH, "/me/disconnectGithub", "me.disconnectGithub", None, 200),
        route(Method::GET, "/me/invites", "me.invites", None, 200),
        route(Method::GET, "/me/invites/000000000000000000000000", "me.invite", None, 404),
        route(
            Method::POST,
            "/me/invites/000000000000000000000000",
            "me.respondToInvite",
            Some(json!({"action": "reject"})),
            404,
        ),
        route(
            Method::POST,
            "/me/recentItems",
            "me.addRecentItem",
            Some(json!({"itemType": "application", "itemId": "000000000000000000000000"})),
            404,
        ),
        Route {
            read_only: true,
            ..route(Method::GET, "/me/recentItems?itemType=application", "me.fetchRecentItems", None, 200)
        },
        Route { read_only: true, ..route(Method::GET, "/me/deviceCounts", "me.deviceCounts", None, 200) },
        Route { read_only: true, ..route(Method::GET, "/me/payloadCounts", "me.payloadCounts", None, 200) },
        Route {
            read_only: true,
            ..route(Method::GET, "/me/payloadCountsBreakdown", "me.payloadCountsBreakdown", None, 200)
        },
        Route {
            read_only: true,
            ..route(Method::GET, "/me/notebookMinuteCounts", "me.notebookMinuteCounts", None, 200)
        },
        // Admitted, then refused: only the caller's own sandbox is a user destination.
        route(
            Method::PATCH,
            "/me/transferResources",
            "me.transferResources",
            Some(json!({"destinationId": "000000000000000000000000", "destinationType": "user"})),
            400,
        ),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Bearer {
    AllUser,
    AllUserRead,
    MeStar,
    Own,
    OtherAction,
    NoScopes,
    Absent,
    Expired,
    Tampered,
    CutOff,
}

const TOKENS: [Bearer; 10] = [
    Bearer::AllUser,
    Bearer::AllUserRead,
    Bearer::MeStar,
    Bearer::Own,
    Bearer::OtherAction,
    Bearer::NoScopes,
    Bearer::Absent,
    Bearer::Expired,
    Bearer::Tampered,
    Bearer::CutOff,
];

fn expected(route: &Route, token: Bearer) -> u16 {
    match token {
        Bearer::AllUser | Bearer::MeStar => route.ok,
        Bearer::AllUserRead if route.read_only => route.ok,
        Bearer::Own if route.own_scope => route.ok,
        Bearer::AllUserRead | Bearer::Own | Bearer::OtherAction | Bearer::NoScopes => 403,
        Bearer::Absent | Bearer::Expired | Bearer::Tampered | Bearer::CutOff => 401,
    }
}

#[tokio::test]
async fn every_route_times_every_token() {
    let app = TestApp::spawn().await;
    let mut failures = Vec::new();
    for route in routes() {
        for token in TOKENS {
            // A fresh user per cell: some routes change or delete the caller.
            let (id, _) = app.sign_up("ada@example.com").await;
            let other = if route.action == "me.get" { "me.patch" } else { "me.get" };
            let bearer = match token {
                Bearer::AllUser => Some(app.mint(&id, &["all.User"], Duration::zero(), 3600)),
                Bearer::AllUserRead => Some(app.mint(&id, &["all.User.read"], Duration::zero(), 3600)),
                Bearer::MeStar => Some(app.mint(&id, &["me.*"], Duration::zero(), 3600)),
                Bearer::Own => Some(app.mint(&id, &[route.action], Duration::zero(), 3600)),
                Bearer::OtherAction => Some(app.mint(&id, &[other], Duration::zero(), 3600)),
                Bearer::NoScopes => Some(app.mint(&id, &[], Duration::zero(), 3600)),
                Bearer::Absent => None,
                Bearer::Expired => Some(app.mint(&id, &["all.User"], Duration::seconds(7200), 3600)),
                Bearer::Tampered => {
                    let t = app.mint(&id, &["all.User"], Duration::zero(), 3600);
                    let (head, sig) = t.rsplit_once('.').unwrap();
                    let flipped = if sig.starts_with('A') { 'B' } else { 'A' };
                    Some(format!("{head}.{flipped}{}", &sig[1..]))
                }
                Bearer::CutOff => {
                    let t = app.mint(&id, &["all.User"], Duration::seconds(10), 3600);
                    let cutoff = app.clock_now() - Duration::seconds(5);
                    app.change_user(&id, UserChanges { token_cutoff: Some(cutoff), ..Default::default() }).await;
                    Some(t)
                }
            };
            let r = app.call(route.method.clone(), route.path, bearer.as_deref(), route.body.clone()).await;
            let want = expected(&route, token);
            if r.status.as_u16() != want {
                failures.push(format!("{} {} with {token:?}: {} {}", route.method, route.path, r.status, r.body));
            }
            // Clear the way for the next cell's sign-up.
            if app.user(&id).await.is_some() {
                app.core.store.delete_user(&id).await.unwrap();
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
