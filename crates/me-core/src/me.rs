//! The Me actions of the first slice: get, patch, changePassword,
//! refreshToken, delete.

use crate::accounts::normalize_email;
use crate::error::{Error, Result};
use crate::redacted::Redacted;
use crate::store::{StoreError, SummaryCounts, UserChanges, UserRecord};
use crate::{Core, Principal};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use me_wire::{AuthedUser, ChangePassword, Me, MePatch, Summary, UserCredentials, Validate};

/// Which summary fields to show (`summaryInclude` / `summaryExclude`, each a
/// comma-separated list of field names).
#[derive(Debug, Clone, Default)]
pub struct SummaryFilter {
    pub include: Option<Vec<String>>,
    pub exclude: Vec<String>,
}

impl SummaryFilter {
    pub fn parse(include: Option<&str>, exclude: Option<&str>) -> Self {
        let split = |s: &str| -> Vec<String> {
            s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        };
        SummaryFilter { include: include.map(split), exclude: exclude.map(split).unwrap_or_default() }
    }

    fn keeps(&self, field: &str) -> bool {
        let included = self.include.as_ref().is_none_or(|list| list.iter().any(|f| f == field));
        included && !self.exclude.iter().any(|f| f == field)
    }
}

impl Core {
    /// The profile of `user`, counting what they own.
    pub async fn me(&self, user: &UserRecord, filter: &SummaryFilter) -> Result<Me> {
        let counts = self.store.summary_counts(&user.id).await?;
        Ok(self.me_with(user, counts, filter))
    }

    /// The profile of `user` with counts already read.
    pub fn me_with(&self, user: &UserRecord, counts: SummaryCounts, filter: &SummaryFilter) -> Me {
        let mut summary = Summary {
            app_count: Some(counts.applications),
            dash_count: Some(counts.dashboards),
            device_count: Some(counts.devices),
            flow_count: Some(counts.flows),
            notebook_count: Some(counts.notebooks),
            org_count: Some(counts.organizations),
            payload_count: None,
        };
        summary.retain(|f| filter.keeps(f));
        let (period_start, period_end) = month_of(self.clock.now());
        Me {
            id: user.id.clone(),
            user_id: user.id.clone(),
            creation_date: user.created_at,
            last_updated: user.updated_at,
            password_last_updated: user.password_last_updated,
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            company_name: user.company_name.clone(),
            title: user.title.clone(),
            phone_number: user.phone_number.clone(),
            location: user.location.clone(),
            url: user.url.clone(),
            token_cutoff: user.token_cutoff,
            email_verified: user.email_verified,
            needs_to_verify_email: !user.email_verified,
            two_factor_auth_enabled: user.two_factor_enabled,
            full_name: full_name(user),
            github_name: user.github_name.clone(),
            avatar_url: user.avatar_url.clone(),
            limits: self.settings.sandbox_limits.clone(),
            recent_dashboards: None,
            recent_applications: None,
            recent_organizations: None,
            summary,
            current_period_start: period_start,
            current_period_end: period_end,
            sso_linked: Some(false),
        }
    }

    /// What a profile shows beyond its row and counts: the current period's
    /// payloads when `summaryInclude` names `payloadCount` (they are costly,
    /// so only on request), and the recent items with `includeRecent`.
    pub async fn complete_me(
        &self,
        user: &UserRecord,
        me: &mut Me,
        filter: &SummaryFilter,
        include_recent: bool,
    ) -> Result<()> {
        if filter.include.as_ref().is_some_and(|l| l.iter().any(|f| f == "payloadCount"))
            && filter.keeps("payloadCount")
        {
            me.summary.payload_count = Some(self.payload_summary(user).await?);
        }
        if include_recent {
            self.add_recent(user, me).await?;
        }
        Ok(())
    }

    /// `?includeRecent=true`: the recent applications, dashboards and organisations.
    pub async fn add_recent(&self, user: &UserRecord, me: &mut Me) -> Result<()> {
        me.recent_applications = Some(self.recent_items(user, "application", None).await?);
        me.recent_dashboards = Some(self.recent_items(user, "dashboard", None).await?);
        me.recent_organizations = Some(self.recent_items(user, "organization", None).await?);
        Ok(())
    }

    /// `PATCH /me`.
    pub async fn patch_me(&self, user: &UserRecord, patch: MePatch) -> Result<UserRecord> {
        patch.validate().map_err(Error::Validation)?;
        let now = self.clock.now();
        let email = patch.email.as_deref().map(normalize_email);
        let email_changes = email.as_ref().is_some_and(|e| *e != user.email);
        let password_hash = match &patch.password {
            Some(p) => Some(Redacted(self.passwords.hash(p.expose()).await?)),
            None => None,
        };
        let changes = UserChanges {
            email_verified: email_changes.then_some(false),
            email,
            first_name: patch.first_name,
            last_name: patch.last_name,
            company_name: patch.company_name,
            title: patch.title,
            phone_number: patch.phone_number,
            location: patch.location,
            url: patch.url,
            password_last_updated: password_hash.as_ref().map(|_| now),
            password_hash,
            token_cutoff: patch.token_cutoff,
        };
        self.update_user(&user.id, &changes, now).await
    }

    /// `PATCH /me/changePassword`.
    pub async fn change_password(&self, principal: &Principal, body: ChangePassword) -> Result<AuthedUser> {
        body.validate().map_err(Error::Validation)?;
        let user = &principal.user;
        if let Err(refusal) = self.check_password_and_code(user, &body.password, body.two_factor_code.as_ref()).await? {
            return Err(Error::validation(refusal.message()));
        }
        let now = self.clock.now();
        let new_hash = self.passwords.hash(body.new_password.expose()).await?;
        // Every earlier token dies: the cut-off sits one millisecond after
        // now, and the new token is issued at that instant, so a token minted
        // in this very millisecond does not slip through.
        let cutoff = body.invalidate_existing_tokens.unwrap_or(false).then(|| now + Duration::milliseconds(1));
        let changes = UserChanges {
            password_hash: Some(Redacted(new_hash)),
            password_last_updated: Some(now),
            token_cutoff: cutoff,
            ..UserChanges::default()
        };
        let user = self.update_user(&user.id, &changes, now).await?;
        let ttl = self.ttl(body.token_ttl).min(principal.claims.lifetime_secs().max(1));
        self.authed_at(&user, &principal.claims.scope, ttl, cutoff.unwrap_or(now))
    }

    /// `GET /me/refreshToken`: the same scopes, and no longer a lifetime than
    /// the token it replaces was issued with.
    pub fn refresh_token(&self, principal: &Principal) -> Result<AuthedUser> {
        let ttl = self.ttl(Some(principal.claims.lifetime_secs().max(1)));
        self.authed(&principal.user, &principal.claims.scope, ttl)
    }

    /// `POST /me/delete`: the credentials must be this user's.
    pub async fn delete_me(&self, principal: &Principal, body: UserCredentials) -> Result<()> {
        body.validate().map_err(Error::Validation)?;
        let user = &principal.user;
        if normalize_email(&body.email) != user.email {
            return Err(Error::validation("The email is not this account's"));
        }
        if let Err(refusal) = self.check_password_and_code(user, &body.password, body.two_factor_code.as_ref()).await? {
            return Err(Error::validation(refusal.message()));
        }
        let stranded = self.store.sole_admin_orgs_with_others(&user.id).await?;
        if !stranded.is_empty() {
            let names: Vec<&str> = stranded.iter().map(|o| o.name.as_str()).collect();
            return Err(Error::validation(format!(
                "You are the only admin of {}, which has other members: make someone else an admin or remove them first",
                names.join(", ")
            )));
        }
        match self.store.delete_user(&user.id).await {
            Ok(()) | Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn update_user(&self, id: &str, changes: &UserChanges, now: DateTime<Utc>) -> Result<UserRecord> {
        self.store.update_user(id, changes, now).await.map_err(|e| match e {
            StoreError::Conflict(_) => Error::AlreadyExists("A user with this email already exists".into()),
            StoreError::NotFound => Error::Unauthorized("The user no longer exists".into()),
            e => e.into(),
        })
    }
}

pub(crate) fn full_name(user: &UserRecord) -> String {
    if user.last_name.is_empty() {
        user.first_name.clone()
    } else {
        format!("{} {}", user.first_name, user.last_name)
    }
}

/// The UTC calendar month holding `now`: its first instant and its last millisecond.
pub fn month_of(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).single().unwrap_or(now);
    let (y, m) = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
    let next = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap_or(now);
    (start, next - Duration::milliseconds(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_bounds() {
        let t = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let (s, e) = month_of(t);
        assert_eq!(me_wire::time::format(&s), "2026-12-01T00:00:00.000Z");
        assert_eq!(me_wire::time::format(&e), "2026-12-31T23:59:59.999Z");
    }

    #[test]
    fn summary_filter() {
        let f = SummaryFilter::parse(Some("appCount, orgCount"), Some("orgCount"));
        assert!(f.keeps("appCount"));
        assert!(!f.keeps("orgCount"));
        assert!(!f.keeps("dashCount"));
        let f = SummaryFilter::parse(None, Some("dashCount"));
        assert!(f.keeps("appCount") && !f.keeps("dashCount"));
    }
}
