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
    body: fn() -> Option<Value>,
}

fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::GET,
            path: "/me",
            action: "me.get",
            read_only: true,
            own_scope: true,
            body: || None,
        },
        Route {
            method: Method::PATCH,
            path: "/me",
            action: "me.patch",
            read_only: false,
            own_scope: true,
            body: || Some(json!({"title": "Countess"})),
        },
        Route {
            method: Method::PATCH,
            path: "/me/changePassword",
            action: "me.changePassword",
            read_only: false,
            own_scope: true,
            body: || Some(json!({"password": PASSWORD, "newPassword": NEW_PASSWORD})),
        },
        Route {
            method: Method::GET,
            path: "/me/refreshToken",
            action: "me.refreshToken",
            read_only: false,
            own_scope: false,
            body: || None,
        },
        Route {
            method: Method::POST,
            path: "/me/delete",
            action: "me.delete",
            read_only: false,
            own_scope: true,
            body: || Some(json!({"email": "ada@example.com", "password": PASSWORD})),
        },
    ]
}

#[derive(Debug, Clone, Copy)]
enum Token {
    AllUser,
    AllUserRead,
    MeStar,
    Own,
    OtherAction,
    NoScopes,
    NoToken,
    Expired,
    Tampered,
    CutOff,
}

const TOKENS: [Token; 10] = [
    Token::AllUser,
    Token::AllUserRead,
    Token::MeStar,
    Token::Own,
    Token::OtherAction,
    Token::NoScopes,
    Token::NoToken,
    Token::Expired,
    Token::Tampered,
    Token::CutOff,
];

fn expected(route: &Route, token: Token) -> u16 {
    match token {
        Token::AllUser | Token::MeStar => 200,
        Token::AllUserRead if route.read_only => 200,
        Token::Own if route.own_scope => 200,
        Token::AllUserRead | Token::Own | Token::OtherAction | Token::NoScopes => 403,
        Token::NoToken | Token::Expired | Token::Tampered | Token::CutOff => 401,
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
            let other = if route.action == "me.get" {
                "me.patch"
            } else {
                "me.get"
            };
            let bearer = match token {
                Token::AllUser => Some(app.mint(&id, &["all.User"], Duration::zero(), 3600)),
                Token::AllUserRead => {
                    Some(app.mint(&id, &["all.User.read"], Duration::zero(), 3600))
                }
                Token::MeStar => Some(app.mint(&id, &["me.*"], Duration::zero(), 3600)),
                Token::Own => Some(app.mint(&id, &[route.action], Duration::zero(), 3600)),
                Token::OtherAction => Some(app.mint(&id, &[other], Duration::zero(), 3600)),
                Token::NoScopes => Some(app.mint(&id, &[], Duration::zero(), 3600)),
                Token::NoToken => None,
                Token::Expired => Some(app.mint(&id, &["all.User"], Duration::seconds(7200), 3600)),
                Token::Tampered => {
                    let t = app.mint(&id, &["all.User"], Duration::zero(), 3600);
                    let (head, sig) = t.rsplit_once('.').unwrap();
                    let flipped = if sig.starts_with('A') { 'B' } else { 'A' };
                    Some(format!("{head}.{flipped}{}", &sig[1..]))
                }
                Token::CutOff => {
                    let t = app.mint(&id, &["all.User"], Duration::seconds(10), 3600);
                    let cutoff = app.clock_now() - Duration::seconds(5);
                    app.change_user(
                        &id,
                        UserChanges {
                            token_cutoff: Some(cutoff),
                            ..Default::default()
                        },
                    )
                    .await;
                    Some(t)
                }
            };
            let r = app
                .call(
                    route.method.clone(),
                    route.path,
                    bearer.as_deref(),
                    (route.body)(),
                )
                .await;
            let want = expected(&route, token);
            if r.status.as_u16() != want {
                failures.push(format!(
                    "{} {} with {token:?}: {} {}",
                    route.method, route.path, r.status, r.body
                ));
            }
            // Clear the way for the next cell's sign-up.
            if app.user(&id).await.is_some() {
                app.core.store.delete_user(&id).await.unwrap();
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
