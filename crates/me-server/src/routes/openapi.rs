//! `GET /openapi.json`: an OpenAPI 3.1 description of every route, with the
//! JSON schemas of `spec/` as its components, so clients, docs and fuzzers
//! can read the contract. The route table below is checked against the
//! router by a test (`tests/api/contract.rs`).

use crate::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::sync::LazyLock;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(DOCUMENT.clone()) }))
}

/// (method, path, action or scope, summary, request schema, success status, response schema).
pub type RouteDoc =
    (&'static str, &'static str, &'static str, &'static str, Option<&'static str>, u16, Option<&'static str>);

pub const ROUTES: &[RouteDoc] = &[
    ("post", "/users", "", "Sign up", Some("userPost"), 201, Some("authedUser")),
    ("post", "/auth/user", "", "Log in", Some("userCredentials"), 200, Some("authedUser")),
    ("post", "/auth/user/github", "", "Log in with GitHub", Some("githubLogin"), 200, Some("authedUser")),
    (
        "post",
        "/auth/verifyEmail",
        "",
        "Confirm an email address",
        Some("emailVerificationVerify"),
        200,
        Some("success"),
    ),
    ("get", "/me", "me.get", "The current user", None, 200, Some("me")),
    ("patch", "/me", "me.patch", "Change the profile", Some("mePatch"), 200, Some("me")),
    (
        "patch",
        "/me/changePassword",
        "me.changePassword",
        "Change the password",
        Some("changePassword"),
        200,
        Some("authedUser"),
    ),
    ("get", "/me/refreshToken", "me.refreshToken", "A new token", None, 200, Some("authedUser")),
    ("post", "/me/delete", "me.delete", "Delete the user", Some("userCredentials"), 200, Some("success")),
    (
        "patch",
        "/me/generateTwoFactorAuth",
        "me.generateTwoFactorAuth",
        "A pending TOTP key",
        None,
        200,
        Some("twoFactorAuthInfo"),
    ),
    (
        "patch",
        "/me/enableTwoFactorAuth",
        "me.enableTwoFactorAuth",
        "Turn 2FA on",
        Some("enableTwoFactorAuth"),
        200,
        Some("me"),
    ),
    (
        "patch",
        "/me/disableTwoFactorAuth",
        "me.disableTwoFactorAuth",
        "Turn 2FA off",
        Some("disableTwoFactorAuth"),
        200,
        Some("me"),
    ),
    ("post", "/me/verify-email", "me.verifyEmail", "Mail a verification link", None, 200, Some("success")),
    ("patch", "/me/connectGithub", "me.connectGithub", "Link a GitHub account", Some("githubLogin"), 200, Some("me")),
    ("patch", "/me/disconnectGithub", "me.disconnectGithub", "Remove the GitHub link", None, 200, Some("me")),
    ("get", "/me/invites", "me.invites", "Invitations to the user", None, 200, Some("orgInvitesUser")),
    ("get", "/me/invites/{inviteId}", "me.invite", "One invitation", None, 200, Some("orgInviteUser")),
    (
        "post",
        "/me/invites/{inviteId}",
        "me.respondToInvite",
        "Answer an invitation",
        Some("orgInviteActionUser"),
        200,
        Some("orgInviteResultUser"),
    ),
    ("get", "/me/recentItems", "me.fetchRecentItems", "A recent item list", None, 200, Some("recentItemList")),
    (
        "post",
        "/me/recentItems",
        "me.addRecentItem",
        "Add a recent item",
        Some("recentItem"),
        200,
        Some("recentItemList"),
    ),
    (
        "patch",
        "/me/transferResources",
        "me.transferResources",
        "Move applications and dashboards",
        Some("resourceTransfer"),
        200,
        Some("success"),
    ),
    ("get", "/me/deviceCounts", "me.deviceCounts", "Devices per day", None, 200, Some("deviceCounts")),
    ("get", "/me/payloadCounts", "me.payloadCounts", "Payloads by type and source", None, 200, Some("payloadStats")),
    (
        "get",
        "/me/payloadCountsBreakdown",
        "me.payloadCountsBreakdown",
        "Payloads per day or hour",
        None,
        200,
        Some("payloadCountsBreakdown"),
    ),
    (
        "get",
        "/me/notebookMinuteCounts",
        "me.notebookMinuteCounts",
        "Notebook minutes per day",
        None,
        200,
        Some("notebookMinuteCounts"),
    ),
    ("get", "/orgs", "orgs.get", "The caller's organisations", None, 200, Some("orgs")),
    ("post", "/orgs", "orgs.post", "Create an organisation", Some("orgPost"), 201, Some("org")),
    ("get", "/orgs/{orgId}", "org.get", "An organisation", None, 200, Some("org")),
    ("patch", "/orgs/{orgId}", "org.patch", "Rename an organisation", None, 200, Some("org")),
    ("delete", "/orgs/{orgId}", "org.delete", "Delete an organisation", None, 200, Some("success")),
    ("get", "/orgs/{orgId}/invites", "org.pendingInvites", "Pending invitations", None, 200, Some("orgInvites")),
    (
        "post",
        "/orgs/{orgId}/invites",
        "org.inviteMember",
        "Invite an email",
        Some("orgInvitePost"),
        200,
        Some("orgInvites"),
    ),
    (
        "delete",
        "/orgs/{orgId}/invites",
        "org.revokeInvite",
        "Revoke an invitation (?inviteId=)",
        None,
        200,
        Some("orgInvites"),
    ),
    ("patch", "/orgs/{orgId}/member", "org.modifyMember", "Change a member's role", None, 200, Some("org")),
    ("delete", "/orgs/{orgId}/member", "org.removeMember", "Remove a member (?userId=)", None, 200, Some("org")),
    ("get", "/applications", "applications.get", "Applications", None, 200, Some("applications")),
    (
        "post",
        "/applications",
        "applications.post",
        "Create an application",
        Some("applicationPost"),
        201,
        Some("application"),
    ),
    ("get", "/applications/{applicationId}", "application.get", "An application", None, 200, Some("application")),
    (
        "patch",
        "/applications/{applicationId}",
        "application.patch",
        "Rename an application",
        None,
        200,
        Some("application"),
    ),
    (
        "delete",
        "/applications/{applicationId}",
        "application.delete",
        "Delete an application",
        None,
        200,
        Some("success"),
    ),
    ("get", "/dashboards", "dashboards.get", "Dashboards", None, 200, None),
    ("post", "/dashboards", "dashboards.post", "Create a dashboard", None, 201, None),
    ("get", "/dashboards/{dashboardId}", "dashboard.get", "A dashboard", None, 200, None),
    ("patch", "/dashboards/{dashboardId}", "dashboard.patch", "Rename a dashboard", None, 200, None),
    ("delete", "/dashboards/{dashboardId}", "dashboard.delete", "Delete a dashboard", None, 200, Some("success")),
    ("get", "/applications/{applicationId}/devices", "devices.get", "Devices", None, 200, Some("devices")),
    (
        "post",
        "/applications/{applicationId}/devices",
        "devices.post",
        "Create a device",
        Some("devicePost"),
        201,
        Some("device"),
    ),
    ("get", "/applications/{applicationId}/devices/{deviceId}", "device.get", "A device", None, 200, Some("device")),
    (
        "patch",
        "/applications/{applicationId}/devices/{deviceId}",
        "device.patch",
        "Rename a device",
        None,
        200,
        Some("device"),
    ),
    (
        "delete",
        "/applications/{applicationId}/devices/{deviceId}",
        "device.delete",
        "Delete a device",
        None,
        200,
        Some("success"),
    ),
    (
        "post",
        "/applications/{applicationId}/devices/{deviceId}/state",
        "device.sendState",
        "Send device state (one or up to 1,000)",
        None,
        200,
        Some("success"),
    ),
    ("get", "/applications/{applicationId}/flows", "flows.get", "Flows", None, 200, None),
    ("post", "/applications/{applicationId}/flows", "flows.post", "Create a flow", None, 201, None),
    ("get", "/applications/{applicationId}/notebooks", "notebooks.get", "Notebooks", None, 200, Some("notebooks")),
    (
        "post",
        "/applications/{applicationId}/notebooks",
        "notebooks.post",
        "Create a notebook",
        Some("notebookPost"),
        201,
        Some("notebook"),
    ),
    ("post", "/metering/payloads", "metering.write", "Count payloads (service token)", None, 200, None),
    (
        "post",
        "/metering/notebookExecutions",
        "metering.write",
        "Count notebook minutes (service token)",
        None,
        200,
        None,
    ),
    ("get", "/health", "", "Liveness", None, 200, None),
];

/// The schemas of `spec/`, embedded so the binary stands alone.
const SCHEMAS: &[(&str, &str)] = &[
    ("application", include_str!("../../../../spec/application.json")),
    ("applicationPost", include_str!("../../../../spec/applicationPost.json")),
    ("applications", include_str!("../../../../spec/applications.json")),
    ("authedUser", include_str!("../../../../spec/authedUser.json")),
    ("changePassword", include_str!("../../../../spec/changePassword.json")),
    ("device", include_str!("../../../../spec/device.json")),
    ("deviceCounts", include_str!("../../../../spec/deviceCounts.json")),
    ("devicePost", include_str!("../../../../spec/devicePost.json")),
    ("devices", include_str!("../../../../spec/devices.json")),
    ("disableTwoFactorAuth", include_str!("../../../../spec/disableTwoFactorAuth.json")),
    ("emailVerificationVerify", include_str!("../../../../spec/emailVerificationVerify.json")),
    ("enableTwoFactorAuth", include_str!("../../../../spec/enableTwoFactorAuth.json")),
    ("error", include_str!("../../../../spec/error.json")),
    ("githubLogin", include_str!("../../../../spec/githubLogin.json")),
    ("me", include_str!("../../../../spec/me.json")),
    ("mePatch", include_str!("../../../../spec/mePatch.json")),
    ("notebook", include_str!("../../../../spec/notebook.json")),
    ("notebookMinuteCounts", include_str!("../../../../spec/notebookMinuteCounts.json")),
    ("notebookPost", include_str!("../../../../spec/notebookPost.json")),
    ("notebooks", include_str!("../../../../spec/notebooks.json")),
    ("org", include_str!("../../../../spec/org.json")),
    ("orgInviteActionUser", include_str!("../../../../spec/orgInviteActionUser.json")),
    ("orgInvitePost", include_str!("../../../../spec/orgInvitePost.json")),
    ("orgInviteResultUser", include_str!("../../../../spec/orgInviteResultUser.json")),
    ("orgInviteUser", include_str!("../../../../spec/orgInviteUser.json")),
    ("orgInvites", include_str!("../../../../spec/orgInvites.json")),
    ("orgInvitesUser", include_str!("../../../../spec/orgInvitesUser.json")),
    ("orgPost", include_str!("../../../../spec/orgPost.json")),
    ("orgs", include_str!("../../../../spec/orgs.json")),
    ("payloadCountsBreakdown", include_str!("../../../../spec/payloadCountsBreakdown.json")),
    ("payloadStats", include_str!("../../../../spec/payloadStats.json")),
    ("recentItem", include_str!("../../../../spec/recentItem.json")),
    ("recentItemList", include_str!("../../../../spec/recentItemList.json")),
    ("resourceTransfer", include_str!("../../../../spec/resourceTransfer.json")),
    ("success", include_str!("../../../../spec/success.json")),
    ("twoFactorAuthInfo", include_str!("../../../../spec/twoFactorAuthInfo.json")),
    ("userCredentials", include_str!("../../../../spec/userCredentials.json")),
    ("userPost", include_str!("../../../../spec/userPost.json")),
];

static DOCUMENT: LazyLock<Value> = LazyLock::new(document);

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn document() -> Value {
    let mut schemas = Map::new();
    for (name, text) in SCHEMAS {
        let mut schema: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut schema {
            map.remove("$schema");
        }
        schemas.insert((*name).to_owned(), schema);
    }
    let mut paths = Map::new();
    for (method, path, scope, summary, request, status, response) in ROUTES {
        let mut op = json!({
            "summary": summary,
            "responses": {
                status.to_string(): {
                    "description": "success",
                    "content": {"application/json": {"schema": response.map(schema_ref).unwrap_or(json!({"type": "object"}))}}
                },
                "default": {
                    "description": "an error: Validation 400, Unauthorized 401, Forbidden 403, NotFound 404, AlreadyExists 409, Gone 410, PayloadTooLarge 413, TooManyRequests 429",
                    "content": {"application/json": {"schema": schema_ref("error")}}
                }
            }
        });
        if !scope.is_empty() {
            op["security"] = json!([{"bearer": []}]);
            op["description"] = json!(format!("Needs a token admitted to `{scope}`."));
        }
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Fa-f\\d]{24}$"}}))
            .collect();
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(request) = request {
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": schema_ref(request)}}});
        }
        let entry = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "me-api", "version": env!("CARGO_PKG_VERSION"), "description": "The Losant Me API (v1.26.1) and the platform routes around it."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        }
    })
}
