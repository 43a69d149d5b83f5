//! Moving applications and dashboards between the caller's sandbox and the
//! organisations they administer. The caller must administer both the
//! current owner and the destination; an application may not take the
//! destination over its device limit. With `strict`, anything that cannot
//! move fails the whole call and nothing moves; without it, what can move
//! moves. One transaction either way.

use crate::access::Need;
use crate::error::{Error, Result};
use crate::store::{Kind, Owner, UserRecord};
use crate::Core;
use me_wire::platform::ResourceTransfer;
use me_wire::Validate;

impl Core {
    /// `PATCH /me/transferResources`.
    pub async fn transfer_resources(&self, user: &UserRecord, body: ResourceTransfer) -> Result<()> {
        body.validate().map_err(Error::Validation)?;
        let strict = body.strict.unwrap_or(false);
        let destination = match body.destination_type.as_str() {
            "user" if body.destination_id == user.id => Owner::User(user.id.clone()),
            "user" => {
                return Err(Error::validation(
                    "A transfer can only go to your own sandbox (destinationId: your user id)",
                ))
            }
            _ => Owner::Org(body.destination_id.clone()),
        };
        self.require_over(user, &destination, Need::Manage, "destination").await.map_err(|e| match e {
            Error::NotFound(_) | Error::Forbidden(_) => Error::Forbidden("You must administer the destination".into()),
            e => e,
        })?;

        let limit = self.settings.sandbox_limits.device.unwrap_or(i64::MAX);
        let mut devices = self.store.device_count(&destination).await?;
        let mut moves = Vec::new();
        let mut refused = Vec::new();
        let wanted = body.application_ids.iter().flatten().map(|id| (Kind::Application, id));
        let wanted = wanted.chain(body.dashboard_ids.iter().flatten().map(|id| (Kind::Dashboard, id)));
        for (kind, id) in wanted {
            let (record, owner) = match self.resource_for(user, kind, id, Need::Manage).await {
                Ok(found) => found,
                Err(Error::NotFound(_) | Error::Forbidden(_)) => {
                    refused.push(format!("{} {id}: not found or not administered by you", kind.noun()));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if owner == destination {
                continue;
            }
            if kind == Kind::Application {
                let app_devices = self.store.children_of(Kind::Device, &record.id).await?.len() as i64;
                if devices + app_devices > limit {
                    refused
                        .push(format!("application {id}: the destination's device limit ({limit}) would be exceeded"));
                    continue;
                }
                devices += app_devices;
            }
            moves.push((kind, record.id, owner));
        }
        if strict && !refused.is_empty() {
            return Err(Error::validation(format!("Nothing was moved: {}", refused.join("; "))));
        }
        if !refused.is_empty() {
            tracing::info!(user = %user.id, refused = refused.len(), "transfer: some resources stayed where they were");
        }
        self.store.move_resources(&moves, &destination, strict, self.clock.now()).await.map_err(|e| match e {
            crate::store::StoreError::Conflict(_) => {
                Error::validation("Nothing was moved: a resource changed owner meanwhile; try again")
            }
            e => e.into(),
        })?;
        Ok(())
    }
}
