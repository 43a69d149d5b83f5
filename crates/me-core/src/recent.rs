//! Recently used items: per user, item type and parent, the 10 newest,
//! without repeats, each shown with its current name; items the user can no
//! longer see are left out.

use crate::access::Need;
use crate::error::{Error, Result};
use crate::store::{Kind, UserRecord};
use crate::Core;
use me_wire::me::{RecentItem, RecentItemList};
use me_wire::platform::{RecentItemPost, RECENT_ITEM_TYPES};
use me_wire::Validate;

pub const KEEP: i64 = 10;

fn kind_of(item_type: &str) -> Option<Kind> {
    Some(match item_type {
        "application" => Kind::Application,
        "dashboard" => Kind::Dashboard,
        "device" => Kind::Device,
        "flow" => Kind::Flow,
        _ => return None,
    })
}

impl Core {
    /// `POST /me/recentItems`: the item must exist and be visible; for devices
    /// and flows `parentId` is their application.
    pub async fn add_recent_item(&self, user: &UserRecord, body: RecentItemPost) -> Result<RecentItemList> {
        body.validate().map_err(Error::Validation)?;
        let parent = body.parent_id.clone().unwrap_or_default();
        match kind_of(&body.item_type) {
            Some(kind) => {
                let (record, _) = self.resource_for(user, kind, &body.item_id, Need::Read).await?;
                let expected_parent = record.application_id.clone().unwrap_or_default();
                if parent != expected_parent {
                    return Err(if kind.is_top_level() {
                        Error::validation(format!("A {} has no parentId", kind.noun()))
                    } else {
                        Error::validation(format!("parentId must be the {}'s application", kind.noun()))
                    });
                }
            }
            None => {
                if !self.is_member(user, &body.item_id).await? {
                    return Err(Error::NotFound("No such organization".into()));
                }
            }
        }
        self.store.touch_recent(&user.id, &body.item_type, &parent, &body.item_id, self.clock.now(), KEEP).await?;
        self.recent_items(user, &body.item_type, body.parent_id.as_deref()).await
    }

    /// `GET /me/recentItems?itemType=&parentId=`.
    pub async fn recent_items(
        &self,
        user: &UserRecord,
        item_type: &str,
        parent_id: Option<&str>,
    ) -> Result<RecentItemList> {
        if !RECENT_ITEM_TYPES.contains(&item_type) {
            return Err(Error::validation(
                "itemType must be one of application, device, flow, dashboard, organization",
            ));
        }
        if parent_id.is_some_and(|p| !me_wire::id::is_id(p)) {
            return Err(Error::validation("parentId must be a 24-character hexadecimal id"));
        }
        let ids = self.store.recent(&user.id, item_type, parent_id.unwrap_or_default()).await?;
        let mut items = Vec::new();
        for id in ids {
            let name = match kind_of(item_type) {
                Some(kind) => match self.resource_for(user, kind, &id, Need::Read).await {
                    Ok((record, _)) => Some(record.name),
                    Err(Error::NotFound(_) | Error::Forbidden(_)) => None,
                    Err(e) => return Err(e),
                },
                None => match self.store.org(&id).await? {
                    Some(org) if self.is_member(user, &id).await? => Some(org.name),
                    _ => None,
                },
            };
            if let Some(name) = name {
                items.push(RecentItem { id, name });
            }
        }
        Ok(RecentItemList { item_type: item_type.to_owned(), parent_id: parent_id.map(str::to_owned), items })
    }
}
