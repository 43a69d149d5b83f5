//! Organisations, their members and invitations, and the Me actions that
//! answer invitations.

use crate::access::Need;
use crate::error::{Error, Result};
use crate::store::{AnswerOutcome, InviteRecord, NewMail, OrgRecord, Owner, StoreError, UserRecord};
use crate::Core;
use chrono::{DateTime, Duration, Utc};
use me_wire::platform::{
    InvitedBy, ItemList, MemberPatch, NamePatch, Org, OrgInvite, OrgInvitePost, OrgInviteResultUser, OrgInviteUser,
    OrgMember, OrgPost,
};
use me_wire::Validate;

pub const INVITE_DAYS: i64 = 7;

impl Core {
    /// `POST /orgs`: the creator becomes its admin.
    pub async fn create_org(&self, user: &UserRecord, body: OrgPost) -> Result<Org> {
        body.validate().map_err(Error::Validation)?;
        let now = self.clock.now();
        let org = OrgRecord {
            id: self.ids.next(now),
            name: body.name,
            description: body.description.unwrap_or_default(),
            icon_color: body.icon_color,
            created_at: now,
            updated_at: now,
        };
        self.store.create_org(&org, &user.id).await?;
        self.org_view(org).await
    }

    /// `GET /orgs`: the caller's organisations.
    pub async fn list_orgs(&self, user: &UserRecord) -> Result<ItemList<Org>> {
        let mut items = Vec::new();
        for (org, _) in self.store.orgs_of(&user.id).await? {
            items.push(self.org_view(org).await?);
        }
        Ok(ItemList::all(items))
    }

    /// `GET /orgs/{orgId}`.
    pub async fn get_org(&self, user: &UserRecord, org_id: &str) -> Result<Org> {
        let (org, _) = self.org_for(user, org_id, Need::Read).await?;
        self.org_view(org).await
    }

    /// `PATCH /orgs/{orgId}` (admins).
    pub async fn patch_org(&self, user: &UserRecord, org_id: &str, body: NamePatch) -> Result<Org> {
        body.validate().map_err(Error::Validation)?;
        self.org_for(user, org_id, Need::Manage).await?;
        let org =
            self.store.update_org(org_id, body.name.as_deref(), body.description.as_deref(), self.clock.now()).await?;
        self.org_view(org).await
    }

    /// `DELETE /orgs/{orgId}` (admins): with everything it owns.
    pub async fn delete_org(&self, user: &UserRecord, org_id: &str) -> Result<()> {
        self.org_for(user, org_id, Need::Manage).await?;
        Ok(self.store.delete_org(org_id, self.clock.now()).await?)
    }

    /// `PATCH /orgs/{orgId}/member` (admins): change a member's role.
    pub async fn modify_member(&self, user: &UserRecord, org_id: &str, body: MemberPatch) -> Result<Org> {
        body.validate().map_err(Error::Validation)?;
        let (org, _) = self.org_for(user, org_id, Need::Manage).await?;
        self.store.set_member_role(org_id, &body.user_id, &body.role).await.map_err(member_error)?;
        self.org_view(org).await
    }

    /// `DELETE /orgs/{orgId}/member?userId=` (admins, or a member leaving).
    pub async fn remove_member(&self, user: &UserRecord, org_id: &str, member: &str) -> Result<Org> {
        let need = if member == user.id { Need::Read } else { Need::Manage };
        let (org, _) = self.org_for(user, org_id, need).await?;
        self.store.remove_member(org_id, member).await.map_err(member_error)?;
        self.org_view(org).await
    }

    /// `POST /orgs/{orgId}/invites` (admins): invites an email with a role and
    /// mails the invitee.
    pub async fn invite_member(&self, user: &UserRecord, org_id: &str, body: OrgInvitePost) -> Result<Vec<OrgInvite>> {
        body.validate().map_err(Error::Validation)?;
        let (org, _) = self.org_for(user, org_id, Need::Manage).await?;
        let email = crate::accounts::normalize_email(&body.email);
        if self.store.members(org_id).await?.iter().any(|m| m.email == email) {
            return Err(Error::AlreadyExists(format!("{email} is already a member of this organization")));
        }
        let now = self.clock.now();
        let invite = InviteRecord {
            id: self.ids.next(now),
            org_id: org.id.clone(),
            org_name: org.name.clone(),
            email: email.clone(),
            role: body.role,
            invited_by_name: Some(crate::me::full_name(user)),
            invited_by_email: Some(user.email.clone()),
            created_at: now,
            expires_at: now + Duration::days(INVITE_DAYS),
        };
        let mail = NewMail {
            id: self.ids.next(now),
            recipient: email.clone(),
            subject: format!("You are invited to join {} on me-api", org.name),
            body: format!(
                "Hello,\n\n{} ({}) invited you to join the organization \"{}\" as {}.\n\n\
                 Sign in (or sign up) with this email address, then accept with\n\
                 POST /me/invites/{} {{\"action\": \"accept\"}}\n\nThe invitation expires in {INVITE_DAYS} days.\n",
                crate::me::full_name(user),
                user.email,
                org.name,
                invite.role,
                invite.id,
            ),
            created_at: now,
        };
        self.store.create_invite(&invite, &mail, now).await.map_err(|e| match e {
            StoreError::Conflict(_) => Error::AlreadyExists(format!("{email} already has a pending invitation")),
            e => e.into(),
        })?;
        self.outbox_signal.notify_one();
        self.org_invites(user, org_id).await
    }

    /// `GET /orgs/{orgId}/invites` (admins): pending invitations.
    pub async fn org_invites(&self, user: &UserRecord, org_id: &str) -> Result<Vec<OrgInvite>> {
        self.org_for(user, org_id, Need::Manage).await?;
        let now = self.clock.now();
        Ok(self
            .store
            .org_invites(org_id)
            .await?
            .into_iter()
            .map(|i| OrgInvite {
                ttl: ttl_ms(&i),
                has_expired: i.expires_at <= now,
                id: i.id,
                email: i.email,
                role: i.role,
                invite_date: i.created_at,
            })
            .collect())
    }

    /// `DELETE /orgs/{orgId}/invites?inviteId=` (admins).
    pub async fn revoke_invite(&self, user: &UserRecord, org_id: &str, invite_id: &str) -> Result<Vec<OrgInvite>> {
        self.org_for(user, org_id, Need::Manage).await?;
        if !self.store.revoke_invite(org_id, invite_id).await? {
            return Err(Error::NotFound("No such invitation".into()));
        }
        self.org_invites(user, org_id).await
    }

    /// `GET /me/invites`: invitations to the user's email, pending or expired.
    pub async fn my_invites(&self, user: &UserRecord) -> Result<Vec<OrgInviteUser>> {
        let now = self.clock.now();
        Ok(self.store.invites_for(&user.email).await?.into_iter().map(|i| invite_for_user(i, now)).collect())
    }

    /// `GET /me/invites/{inviteId}`.
    pub async fn my_invite(&self, user: &UserRecord, invite_id: &str) -> Result<OrgInviteUser> {
        self.my_invites(user)
            .await?
            .into_iter()
            .find(|i| i.id == invite_id)
            .ok_or_else(|| Error::NotFound("No such invitation".into()))
    }

    /// `POST /me/invites/{inviteId}`: accept, reject or dismiss, once.
    pub async fn respond_to_invite(
        &self,
        user: &UserRecord,
        invite_id: &str,
        action: &str,
    ) -> Result<OrgInviteResultUser> {
        let answer = match action {
            "accept" => "accepted",
            "reject" => "rejected",
            "dismiss" => "dismissed",
            _ => return Err(Error::validation("action must be accept, reject or dismiss")),
        };
        // 404 and 410 first: an invitation not addressed to this user is not
        // revealed, whatever the state of their account.
        let invite = self.my_invite(user, invite_id).await?;
        if invite.expired {
            return Err(Error::Gone("This invitation has expired".into()));
        }
        if answer == "accepted" && !user.email_verified {
            // Otherwise whoever signs up first with an address could take an
            // invitation meant for its real owner.
            return Err(Error::Forbidden(
                "Verify your email address before accepting an invitation (POST /me/verify-email)".into(),
            ));
        }
        let outcome = self.store.answer_invite(invite_id, &user.email, answer, &user.id, self.clock.now()).await?;
        match outcome {
            AnswerOutcome::Answered { org_id } => {
                Ok(OrgInviteResultUser { result: answer.into(), org_id: Some(org_id) })
            }
            AnswerOutcome::NotFound => Err(Error::NotFound("No such invitation".into())),
            AnswerOutcome::Expired => Err(Error::Gone("This invitation has expired".into())),
        }
    }

    /// An organisation as `org.json` shows it, with its members.
    pub(crate) async fn org_view(&self, org: OrgRecord) -> Result<Org> {
        let members = self
            .store
            .members(&org.id)
            .await?
            .into_iter()
            .map(|m| OrgMember {
                user_id: m.user_id,
                first_name: m.first_name,
                last_name: m.last_name,
                email: m.email,
                role: m.role,
                two_factor_auth_enabled: m.two_factor_enabled,
            })
            .collect();
        Ok(Org {
            org_id: org.id.clone(),
            id: org.id,
            creation_date: org.created_at,
            last_updated: org.updated_at,
            name: org.name,
            description: org.description,
            icon_color: org.icon_color,
            members,
        })
    }

    /// Whether the user may see the organisation (any membership).
    pub(crate) async fn is_member(&self, user: &UserRecord, org_id: &str) -> Result<bool> {
        Ok(self.role_over(user, &Owner::Org(org_id.to_owned())).await?.is_some())
    }
}

fn member_error(e: StoreError) -> Error {
    match e {
        StoreError::NotFound => Error::NotFound("No such member".into()),
        StoreError::Conflict(_) => Error::validation("An organization must keep at least one admin"),
        e => e.into(),
    }
}

fn ttl_ms(i: &InviteRecord) -> i64 {
    (i.expires_at - i.created_at).num_milliseconds()
}

fn invite_for_user(i: InviteRecord, now: DateTime<Utc>) -> OrgInviteUser {
    OrgInviteUser {
        ttl: ttl_ms(&i),
        expired: i.expires_at <= now,
        id: i.id,
        org_name: i.org_name,
        role: i.role,
        invite_date: i.created_at,
        invited_by: InvitedBy { full_name: i.invited_by_name, email: i.invited_by_email },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_wire_role_parses_in_order() {
        let roles: Vec<_> = me_wire::platform::ROLES.iter().map(|r| crate::access::Role::parse(r).unwrap()).collect();
        assert!(roles.windows(2).all(|w| w[0] < w[1]));
    }
}
