//! Applications, dashboards, and the devices, flows and notebooks inside an
//! application: create, list, get, patch, delete, with ownership and roles.

use crate::access::{Need, Role};
use crate::error::{Error, Result};
use crate::store::{Kind, Owner, ResourceRecord, UserRecord};
use crate::Core;
use me_wire::platform::{ApplicationPost, ChildPost, ItemList, NamePatch, Resource};
use me_wire::Validate;
use serde_json::Value;
use std::collections::HashMap;

impl Core {
    /// `POST /applications` or `/dashboards`: in the caller's sandbox, or in
    /// `orgId` (needs `edit` there).
    pub async fn create_top(&self, user: &UserRecord, kind: Kind, body: ApplicationPost) -> Result<Resource> {
        body.validate().map_err(Error::Validation)?;
        let owner = match body.org_id {
            Some(org) => {
                let owner = Owner::Org(org);
                self.require_over(user, &owner, Need::Create, "organization").await?;
                owner
            }
            None => Owner::User(user.id.clone()),
        };
        let now = self.clock.now();
        let record = ResourceRecord {
            id: self.ids.next(now),
            kind,
            owner: Some(owner),
            application_id: None,
            name: body.name,
            description: body.description.unwrap_or_default(),
            created_at: now,
            updated_at: now,
        };
        self.store.insert_resource(&record).await?;
        self.resource_view(record).await
    }

    /// `GET /applications` or `/dashboards`: everything the caller can see.
    pub async fn list_top(&self, user: &UserRecord, kind: Kind) -> Result<ItemList<Resource>> {
        let mut owners = vec![Owner::User(user.id.clone())];
        // The organisations' names come with them: no lookup per item.
        let mut org_names = HashMap::new();
        for (org, role) in self.store.orgs_of(&user.id).await? {
            if Role::parse(&role).is_some_and(|r| r >= Role::View) {
                owners.push(Owner::Org(org.id.clone()));
                org_names.insert(org.id, org.name);
            }
        }
        let records = self.store.resources_of(kind, &owners).await?;
        let items = records
            .into_iter()
            .map(|r| {
                let name = match &r.owner {
                    Some(Owner::Org(id)) => org_names.get(id).cloned(),
                    _ => None,
                };
                view(r, name)
            })
            .collect();
        Ok(ItemList::all(items))
    }

    /// `POST /applications/{applicationId}/devices` (and flows, notebooks).
    pub async fn create_child(
        &self,
        user: &UserRecord,
        kind: Kind,
        application_id: &str,
        body: ChildPost,
    ) -> Result<Resource> {
        body.validate().map_err(Error::Validation)?;
        self.resource_for(user, Kind::Application, application_id, Need::Create).await?;
        let now = self.clock.now();
        let record = ResourceRecord {
            id: self.ids.next(now),
            kind,
            owner: None,
            application_id: Some(application_id.to_owned()),
            name: body.name,
            description: body.description.unwrap_or_default(),
            created_at: now,
            updated_at: now,
        };
        self.store.insert_resource(&record).await?;
        self.resource_view(record).await
    }

    /// `GET /applications/{applicationId}/devices` (and flows, notebooks).
    pub async fn list_children(
        &self,
        user: &UserRecord,
        kind: Kind,
        application_id: &str,
    ) -> Result<ItemList<Resource>> {
        self.resource_for(user, Kind::Application, application_id, Need::Read).await?;
        // Children have no owner of their own: nothing to look up.
        let items = self.store.children_of(kind, application_id).await?.into_iter().map(|r| view(r, None)).collect();
        Ok(ItemList::all(items))
    }

    /// `GET` one resource. For a child, `application_id` must be its application.
    pub async fn get_resource(
        &self,
        user: &UserRecord,
        kind: Kind,
        id: &str,
        application_id: Option<&str>,
    ) -> Result<Resource> {
        let (record, _) = self.child_or_top(user, kind, id, application_id, Need::Read).await?;
        self.resource_view(record).await
    }

    /// `PATCH` one resource: name and description (`collaborate` or more).
    pub async fn patch_resource(
        &self,
        user: &UserRecord,
        kind: Kind,
        id: &str,
        application_id: Option<&str>,
        body: NamePatch,
    ) -> Result<Resource> {
        body.validate().map_err(Error::Validation)?;
        self.child_or_top(user, kind, id, application_id, Need::Modify).await?;
        let record = self
            .store
            .update_resource(kind, id, body.name.as_deref(), body.description.as_deref(), self.clock.now())
            .await?;
        self.resource_view(record).await
    }

    /// `DELETE` one resource (`edit` or more); an application takes what it contains.
    pub async fn delete_resource(
        &self,
        user: &UserRecord,
        kind: Kind,
        id: &str,
        application_id: Option<&str>,
    ) -> Result<()> {
        self.child_or_top(user, kind, id, application_id, Need::Create).await?;
        Ok(self.store.delete_resource(kind, id, self.clock.now()).await?)
    }

    async fn child_or_top(
        &self,
        user: &UserRecord,
        kind: Kind,
        id: &str,
        application_id: Option<&str>,
        need: Need,
    ) -> Result<(ResourceRecord, Owner)> {
        let (record, owner) = self.resource_for(user, kind, id, need).await?;
        if let Some(app) = application_id {
            if record.application_id.as_deref() != Some(app) {
                return Err(Error::NotFound(format!("No such {}", kind.noun())));
            }
        }
        Ok((record, owner))
    }

    /// A resource as its schema shows it (looking up its organisation's name).
    pub(crate) async fn resource_view(&self, r: ResourceRecord) -> Result<Resource> {
        let org_name = match &r.owner {
            Some(Owner::Org(id)) => self.store.org(id).await?.map(|o| o.name),
            _ => None,
        };
        Ok(view(r, org_name))
    }
}

/// A resource as its schema shows it, with its organisation's name if it has one.
fn view(r: ResourceRecord, organization_name: Option<String>) -> Resource {
    let mut kind_id = serde_json::Map::new();
    kind_id.insert(r.kind.id_field().into(), Value::String(r.id.clone()));
    if let Some(app) = &r.application_id {
        kind_id.insert("applicationId".into(), Value::String(app.clone()));
    }
    let (owner_id, owner_type) = match &r.owner {
        Some(Owner::User(id)) => (Some(id.clone()), Some("user".to_owned())),
        Some(Owner::Org(id)) => (Some(id.clone()), Some("organization".to_owned())),
        None => (None, None),
    };
    Resource {
        id: r.id,
        kind_id,
        creation_date: r.created_at,
        last_updated: r.updated_at,
        name: r.name,
        description: r.description,
        owner_id,
        owner_type,
        organization_name,
    }
}
