//! One suite every backend must pass: SQLite always, PostgreSQL when
//! `ME_TEST_POSTGRES_URL` is set (and always in CI).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use chrono::{Duration, TimeZone, Utc};
use me_core::redacted::Redacted;
use me_core::store::{AccountStore, NewUser, StoreError, UserChanges};
use me_store::{testing, SqlStore};
use std::future::Future;

/// Runs `test` on a fresh SQLite store and, when configured, a fresh
/// PostgreSQL schema.
async fn on_every_backend<F, Fut>(test: F)
where
    F: Fn(SqlStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("me.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    test(store.clone()).await;
    store.close().await;

    if let Some(base) = testing::postgres_url() {
        let (store, schema) = testing::isolated_postgres(&base).await.unwrap();
        test(store.clone()).await;
        store.close().await;
        testing::drop_postgres_schema(&base, &schema).await.unwrap();
    }
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.timestamp_millis_opt(1_764_763_200_123).unwrap()
}

fn new_user(id: &str, email: &str) -> NewUser {
    NewUser {
        id: id.into(),
        email: email.into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        company_name: Some("Analytical Engines".into()),
        title: None,
        phone_number: None,
        location: None,
        url: None,
        password_hash: Some(Redacted("$argon2id$fake".into())),
        created_at: t0(),
    }
}

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbb";

#[tokio::test]
async fn insert_and_read_back_a_user() {
    on_every_backend(|s| async move {
        let u = s
            .insert_user(&new_user(A, "ada@example.com"))
            .await
            .unwrap();
        assert_eq!(u.id, A);
        assert_eq!(u.created_at, t0());
        assert_eq!(u.updated_at, t0());
        assert_eq!(u.password_last_updated, Some(t0()));
        assert!(!u.email_verified && !u.two_factor_enabled);
        assert_eq!(u.company_name.as_deref(), Some("Analytical Engines"));
        assert_eq!(s.user_by_id(A).await.unwrap(), Some(u.clone()));
        assert_eq!(s.user_by_email("ada@example.com").await.unwrap(), Some(u));
        assert_eq!(s.user_by_id(B).await.unwrap(), None);
        assert_eq!(s.user_by_email("nobody@example.com").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn a_taken_email_is_a_conflict() {
    on_every_backend(|s| async move {
        s.insert_user(&new_user(A, "ada@example.com"))
            .await
            .unwrap();
        let e = s
            .insert_user(&new_user(B, "ada@example.com"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Conflict(ref w) if w == "email"),
            "{e:?}"
        );
        s.insert_user(&new_user(B, "bob@example.com"))
            .await
            .unwrap();
        let change = UserChanges {
            email: Some("ada@example.com".into()),
            ..Default::default()
        };
        let e = s.update_user(B, &change, t0()).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn update_changes_only_what_is_given() {
    on_every_backend(|s| async move {
        s.insert_user(&new_user(A, "ada@example.com"))
            .await
            .unwrap();
        let later = t0() + Duration::minutes(5);
        let change = UserChanges {
            title: Some("Countess".into()),
            email_verified: Some(true),
            token_cutoff: Some(later),
            ..Default::default()
        };
        let u = s.update_user(A, &change, later).await.unwrap();
        assert_eq!(u.title.as_deref(), Some("Countess"));
        assert_eq!(u.first_name, "Ada");
        assert_eq!(u.company_name.as_deref(), Some("Analytical Engines"));
        assert!(u.email_verified);
        assert_eq!(u.token_cutoff, Some(later));
        assert_eq!(u.updated_at, later);
        assert_eq!(u.created_at, t0());
        let e = s.update_user(B, &change, later).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn delete_takes_what_the_user_owns_and_nothing_else() {
    on_every_backend(|s| async move {
        s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
        s.insert_user(&new_user(B, "bob@example.com")).await.unwrap();
        let seed = format!(
            "INSERT INTO applications (id, owner_kind, owner_id, name, created_at, updated_at) VALUES \
               ('a00000000000000000000001', 'user', '{A}', 'ada app', 0, 0), \
               ('a00000000000000000000002', 'user', '{B}', 'bob app', 0, 0); \
             INSERT INTO devices (id, application_id, name, created_at, updated_at) VALUES \
               ('d00000000000000000000001', 'a00000000000000000000001', 'd1', 0, 0), \
               ('d00000000000000000000002', 'a00000000000000000000001', 'd2', 0, 0), \
               ('d00000000000000000000003', 'a00000000000000000000002', 'd3', 0, 0); \
             INSERT INTO flows (id, application_id, name, created_at, updated_at) VALUES \
               ('f00000000000000000000001', 'a00000000000000000000001', 'f1', 0, 0); \
             INSERT INTO notebooks (id, application_id, name, created_at, updated_at) VALUES \
               ('e00000000000000000000001', 'a00000000000000000000001', 'n1', 0, 0); \
             INSERT INTO dashboards (id, owner_kind, owner_id, name, created_at, updated_at) VALUES \
               ('b00000000000000000000001', 'user', '{A}', 'dash', 0, 0); \
             INSERT INTO organizations (id, name, created_at, updated_at) VALUES \
               ('c00000000000000000000001', 'org', 0, 0); \
             INSERT INTO org_members (org_id, user_id, role) VALUES \
               ('c00000000000000000000001', '{A}', 'admin'), ('c00000000000000000000001', '{B}', 'view');"
        );
        for stmt in seed.split(';').filter(|s| !s.trim().is_empty()) {
            s.execute_raw(stmt).await.unwrap();
        }
        let a = s.summary_counts(A).await.unwrap();
        assert_eq!(
            (a.applications, a.dashboards, a.devices, a.flows, a.notebooks, a.organizations),
            (1, 1, 2, 1, 1, 1)
        );
        s.delete_user(A).await.unwrap();
        assert_eq!(s.user_by_id(A).await.unwrap(), None);
        assert_eq!(s.summary_counts(A).await.unwrap(), Default::default());
        let b = s.summary_counts(B).await.unwrap();
        assert_eq!((b.applications, b.devices, b.organizations), (1, 1, 1));
        assert!(matches!(s.delete_user(A).await, Err(StoreError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn migrations_run_once_and_reopen_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("nested/me.db").display());
    let s = SqlStore::connect(&url).await.unwrap();
    s.insert_user(&new_user(A, "ada@example.com"))
        .await
        .unwrap();
    s.close().await;
    let s = SqlStore::connect(&url).await.unwrap();
    assert!(
        s.user_by_id(A).await.unwrap().is_some(),
        "data survives a reopen"
    );
    let mode = s.execute_raw("PRAGMA journal_mode").await;
    assert!(mode.is_ok());
}
