//! Who may do what: organisation roles over resources. A user administers
//! their own sandbox; in an organisation, `view` reads, `collaborate` also
//! modifies, `edit` also creates and deletes, `admin` also manages members,
//! invitations and transfers. What a user cannot see is `NotFound` (its
//! existence is not revealed); what they see but may not change is `Forbidden`.

use crate::error::{Error, Result};
use crate::store::{Kind, OrgRecord, Owner, ResourceRecord, UserRecord};
use crate::Core;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    None,
    View,
    Collaborate,
    Edit,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "none" => Role::None,
            "view" => Role::View,
            "collaborate" => Role::Collaborate,
            "edit" => Role::Edit,
            "admin" => Role::Admin,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::None => "none",
            Role::View => "view",
            Role::Collaborate => "collaborate",
            Role::Edit => "edit",
            Role::Admin => "admin",
        }
    }
}

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Modify,
    Create,
    Manage,
}

impl Need {
    fn role(self) -> Role {
        match self {
            Need::Read => Role::View,
            Need::Modify => Role::Collaborate,
            Need::Create => Role::Edit,
            Need::Manage => Role::Admin,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Need::Read => "read",
            Need::Modify => "modify",
            Need::Create => "create or delete",
            Need::Manage => "manage",
        }
    }
}

impl Core {
    /// The user's role over an owner; `None` when they are not in it at all.
    pub(crate) async fn role_over(&self, user: &UserRecord, owner: &Owner) -> Result<Option<Role>> {
        Ok(match owner {
            Owner::User(id) => (id == &user.id).then_some(Role::Admin),
            Owner::Org(org) => self.store.role_of(org, &user.id).await?.as_deref().and_then(Role::parse),
        })
    }

    /// Checks `need` over `owner`: not a member (or role `none` for more than
    /// seeing the organisation) is `NotFound`; a role too weak is `Forbidden`.
    pub(crate) async fn require_over(&self, user: &UserRecord, owner: &Owner, need: Need, what: &str) -> Result<Role> {
        let role = self.role_over(user, owner).await?;
        match role {
            Some(role) if role >= need.role() => Ok(role),
            Some(role) if role >= Role::View => {
                Err(Error::Forbidden(format!("Your role ({}) may not {} this {what}", role.as_str(), need.verb())))
            }
            _ => Err(Error::NotFound(format!("No such {what}"))),
        }
    }

    /// An organisation the user belongs to, checked for `need`. Seeing the
    /// organisation itself needs only membership (role `none` included); its
    /// resources need `view` (see [`Core::require_over`]).
    pub(crate) async fn org_for(&self, user: &UserRecord, org_id: &str, need: Need) -> Result<(OrgRecord, Role)> {
        let not_found = || Error::NotFound("No such organization".into());
        let org = self.store.org(org_id).await?.ok_or_else(not_found)?;
        let role = self.role_over(user, &Owner::Org(org.id.clone())).await?.ok_or_else(not_found)?;
        if role < need.role() && need != Need::Read {
            return Err(Error::Forbidden(format!(
                "Your role ({}) may not {} this organization",
                role.as_str(),
                need.verb()
            )));
        }
        Ok((org, role))
    }

    /// A resource and its (top-level) owner, checked for `need`.
    pub(crate) async fn resource_for(
        &self,
        user: &UserRecord,
        kind: Kind,
        id: &str,
        need: Need,
    ) -> Result<(ResourceRecord, Owner)> {
        let not_found = || Error::NotFound(format!("No such {}", kind.noun()));
        let (resource, owner) = self.store.resource_with_owner(kind, id).await?.ok_or_else(not_found)?;
        self.require_over(user, &owner, need, kind.noun()).await?;
        Ok((resource, owner))
    }
}
