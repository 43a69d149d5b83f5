//! Which scopes admit which action. A scope names an action as
//! `resource.action` (`me.get`); a route is admitted by `all.User`, by the
//! resource wildcard (`me.*`), by its own scope, and, when it only reads, by
//! `all.User.read`. `me.refreshToken` has no scope of its own.

/// Me actions that only read: `all.User.read` admits them.
const READ_ONLY: &[&str] = &[
    "me.get",
    "me.deviceCounts",
    "me.fetchRecentItems",
    "me.notebookMinuteCounts",
    "me.payloadCounts",
    "me.payloadCountsBreakdown",
    "orgs.get",
    "org.get",
    "org.pendingInvites",
    "applications.get",
    "application.get",
    "dashboards.get",
    "dashboard.get",
    "devices.get",
    "device.get",
    "flows.get",
    "flow.get",
    "notebooks.get",
    "notebook.get",
];

/// Actions that no scope of their own admits.
const NO_OWN_SCOPE: &[&str] = &["me.refreshToken"];

/// Whether a token holding `held` may perform `action` (e.g. `me.patch`).
pub fn admits(held: &[String], action: &str) -> bool {
    let resource = action.split('.').next().unwrap_or(action);
    held.iter().any(|s| {
        let s = s.as_str();
        s == "all.User"
            || (s == "all.User.read" && READ_ONLY.contains(&action))
            || (s.strip_suffix(".*") == Some(resource))
            || (s == action && !NO_OWN_SCOPE.contains(&action))
    })
}

/// The scopes a token gets when the caller asks for none.
pub fn default_scopes() -> Vec<String> {
    vec!["all.User".to_owned()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn matrix() {
        assert!(admits(&held(&["all.User"]), "me.patch"));
        assert!(admits(&held(&["all.User.read"]), "me.get"));
        assert!(!admits(&held(&["all.User.read"]), "me.patch"));
        assert!(admits(&held(&["me.*"]), "me.delete"));
        assert!(admits(&held(&["me.patch"]), "me.patch"));
        assert!(!admits(&held(&["me.get"]), "me.patch"));
        assert!(!admits(&held(&["me.refreshToken"]), "me.refreshToken"));
        assert!(admits(&held(&["me.*"]), "me.refreshToken"));
        assert!(!admits(&held(&["all.User.read"]), "me.refreshToken"));
        assert!(!admits(&held(&["orgs.*"]), "me.get"));
        assert!(!admits(&held(&[]), "me.get"));
    }
}
