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
        let u = s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
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
        s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
        let e = s.insert_user(&new_user(B, "ada@example.com")).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(ref w) if w == "email"), "{e:?}");
        s.insert_user(&new_user(B, "bob@example.com")).await.unwrap();
        let change = UserChanges { email: Some("ada@example.com".into()), ..Default::default() };
        let e = s.update_user(B, &change, t0()).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn update_changes_only_what_is_given() {
    on_every_backend(|s| async move {
        s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
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
    s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
    s.close().await;
    let s = SqlStore::connect(&url).await.unwrap();
    assert!(s.user_by_id(A).await.unwrap().is_some(), "data survives a reopen");
    s.insert_user(&new_user(B, "bob@example.com")).await.unwrap();
    assert!(dir.path().join("nested/me.db-wal").exists(), "the database is in WAL mode");
}

mod identity {
    use super::*;
    use me_core::store::{
        GithubLinkStore, NewMail, NewVerification, OutboxStore, SecondFactorStore, ThrottleStore, VerificationStore,
        VerifyOutcome,
    };

    fn mail(id: &str) -> NewMail {
        NewMail {
            id: id.into(),
            recipient: "ada@example.com".into(),
            subject: "Hello".into(),
            body: "token inside".into(),
            created_at: t0(),
        }
    }

    #[tokio::test]
    async fn a_totp_step_is_spent_once_and_only_forward() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            s.set_pending_totp(A, "sealed-1", t0()).await.unwrap();
            assert!(!s.activate_totp(A, "sealed-other", 100, t0()).await.unwrap(), "only the pending key");
            assert!(s.activate_totp(A, "sealed-1", 100, t0()).await.unwrap());
            let u = s.user_by_id(A).await.unwrap().unwrap();
            assert!(u.two_factor_enabled);
            assert_eq!(u.totp_key.as_ref().map(|k| k.expose().as_str()), Some("sealed-1"));
            assert!(u.totp_pending.is_none());
            assert_eq!(u.totp_last_step, Some(100));
            assert!(!s.spend_totp_step(A, 100).await.unwrap(), "replay");
            assert!(!s.spend_totp_step(A, 99).await.unwrap(), "older step");
            assert!(s.spend_totp_step(A, 101).await.unwrap());
            s.clear_totp(A, t0()).await.unwrap();
            let u = s.user_by_id(A).await.unwrap().unwrap();
            assert!(!u.two_factor_enabled && u.totp_key.is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn failures_count_within_the_window_and_clear() {
        on_every_backend(|s| async move {
            let window = |t: chrono::DateTime<Utc>| t - Duration::minutes(15);
            for i in 0..3 {
                let now = t0() + Duration::minutes(i);
                s.record_failure("ada@example.com", now, window(now)).await.unwrap();
            }
            let now = t0() + Duration::minutes(3);
            assert_eq!(s.recent_failures("ada@example.com", window(now)).await.unwrap(), 3);
            assert_eq!(s.recent_failures("bob@example.com", window(now)).await.unwrap(), 0);
            let later = t0() + Duration::minutes(16);
            assert_eq!(s.recent_failures("ada@example.com", window(later)).await.unwrap(), 0, "window passed");
            s.record_failure("ada@example.com", later, window(later)).await.unwrap();
            assert_eq!(s.recent_failures("ada@example.com", window(later)).await.unwrap(), 1, "a new window");
            s.clear_failures("ada@example.com").await.unwrap();
            assert_eq!(s.recent_failures("ada@example.com", window(later)).await.unwrap(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn email_verification_spends_tokens_once_and_throttles_sending() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            let v = |hash: &str, at: chrono::DateTime<Utc>| NewVerification {
                token_hash: hash.into(),
                user_id: A.into(),
                email: "ada@example.com".into(),
                created_at: at,
                expires_at: at + Duration::hours(24),
            };
            assert!(s
                .start_email_verification(&v("h1", t0()), &mail("m1"), t0() - Duration::seconds(60))
                .await
                .unwrap());
            let soon = t0() + Duration::seconds(30);
            assert!(!s
                .start_email_verification(&v("h2", soon), &mail("m2"), soon - Duration::seconds(60))
                .await
                .unwrap());
            assert_eq!(s.unsent_mail_count().await.unwrap(), 1, "a throttled request queues nothing");
            let later = t0() + Duration::seconds(61);
            assert!(s
                .start_email_verification(&v("h3", later), &mail("m3"), later - Duration::seconds(60))
                .await
                .unwrap());

            assert_eq!(
                s.finish_email_verification("nope", "ada@example.com", later).await.unwrap(),
                VerifyOutcome::Invalid
            );
            assert_eq!(
                s.finish_email_verification("h1", "bob@example.com", later).await.unwrap(),
                VerifyOutcome::Invalid
            );
            let past = t0() + Duration::hours(25);
            assert_eq!(
                s.finish_email_verification("h1", "ada@example.com", past).await.unwrap(),
                VerifyOutcome::Expired
            );
            assert_eq!(
                s.finish_email_verification("h1", "ada@example.com", later).await.unwrap(),
                VerifyOutcome::Verified
            );
            assert!(s.user_by_id(A).await.unwrap().unwrap().email_verified);
            assert_eq!(
                s.finish_email_verification("h1", "ada@example.com", later).await.unwrap(),
                VerifyOutcome::Invalid,
                "used"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_token_for_an_old_address_verifies_nothing() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            let v = NewVerification {
                token_hash: "h1".into(),
                user_id: A.into(),
                email: "ada@example.com".into(),
                created_at: t0(),
                expires_at: t0() + Duration::hours(24),
            };
            assert!(s.start_email_verification(&v, &mail("m1"), t0()).await.unwrap());
            let change = UserChanges { email: Some("countess@example.com".into()), ..Default::default() };
            s.update_user(A, &change, t0()).await.unwrap();
            assert_eq!(
                s.finish_email_verification("h1", "ada@example.com", t0()).await.unwrap(),
                VerifyOutcome::Invalid
            );
            assert!(!s.user_by_id(A).await.unwrap().unwrap().email_verified);
        })
        .await;
    }

    #[tokio::test]
    async fn outbox_claims_lease_retry_and_send() {
        on_every_backend(|s| async move {
            s.queue_mail(&mail("m1")).await.unwrap();
            s.queue_mail(&mail("m2")).await.unwrap();
            let lease = t0() + Duration::seconds(120);
            let first = s.claim_due_mail(t0(), lease, 10).await.unwrap();
            assert_eq!(first.len(), 2);
            assert_eq!(first[0].body, "token inside");
            assert!(s.claim_due_mail(t0(), lease, 10).await.unwrap().is_empty(), "leased");
            s.mark_mail_sent("m1", t0()).await.unwrap();
            s.mark_mail_failed("m2", 1, t0() + Duration::seconds(5), "connection refused").await.unwrap();
            assert_eq!(s.unsent_mail_count().await.unwrap(), 1);
            assert!(s.claim_due_mail(t0() + Duration::seconds(4), lease, 10).await.unwrap().is_empty());
            let retry = s.claim_due_mail(t0() + Duration::seconds(5), lease, 10).await.unwrap();
            assert_eq!(retry.len(), 1);
            assert_eq!((retry[0].id.as_str(), retry[0].attempts), ("m2", 1));
            // A lease that runs out makes the message claimable again.
            let again = s.claim_due_mail(lease, lease + Duration::seconds(120), 10).await.unwrap();
            assert_eq!(again.len(), 1);
        })
        .await;
    }

    #[tokio::test]
    async fn one_github_account_links_to_one_user() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            s.insert_user(&new_user(B, "bob@example.com")).await.unwrap();
            let u = s.link_github(A, "gh-1", "ada", Some("https://avatars.example/ada"), t0()).await.unwrap();
            assert_eq!((u.github_id.as_deref(), u.github_name.as_deref()), (Some("gh-1"), Some("ada")));
            assert_eq!(s.user_by_github_id("gh-1").await.unwrap().map(|u| u.id), Some(A.to_owned()));
            let e = s.link_github(B, "gh-1", "ada", None, t0()).await.unwrap_err();
            assert!(matches!(e, StoreError::Conflict(ref w) if w == "github"), "{e:?}");
            let u = s.unlink_github(A, t0()).await.unwrap();
            assert!(u.github_id.is_none() && u.github_name.is_none());
            s.link_github(B, "gh-1", "ada", None, t0()).await.unwrap();
        })
        .await;
    }
}

mod platform {
    use super::*;
    use me_core::store::{
        AnswerOutcome, InviteRecord, InviteStore, Kind, NewMail, OrgRecord, OrgStore, Owner, RecentStore,
        ResourceRecord, ResourceStore,
    };

    const ORG: &str = "cccccccccccccccccccccccc";

    fn org() -> OrgRecord {
        OrgRecord {
            id: ORG.into(),
            name: "Engines".into(),
            description: String::new(),
            icon_color: None,
            created_at: t0(),
            updated_at: t0(),
        }
    }

    fn invite(id: &str, email: &str) -> InviteRecord {
        InviteRecord {
            id: id.into(),
            org_id: ORG.into(),
            org_name: "Engines".into(),
            email: email.into(),
            role: "edit".into(),
            invited_by_name: Some("Ada".into()),
            invited_by_email: Some("ada@example.com".into()),
            created_at: t0(),
            expires_at: t0() + Duration::days(7),
        }
    }

    fn mail(id: &str) -> NewMail {
        NewMail {
            id: id.into(),
            recipient: "bob@example.com".into(),
            subject: "s".into(),
            body: "b".into(),
            created_at: t0(),
        }
    }

    fn app(id: &str, owner: Owner) -> ResourceRecord {
        ResourceRecord {
            id: id.into(),
            kind: Kind::Application,
            owner: Some(owner),
            application_id: None,
            name: format!("app {id}"),
            description: String::new(),
            created_at: t0(),
            updated_at: t0(),
        }
    }

    #[tokio::test]
    async fn an_invitation_is_answered_once_and_keeps_an_admin() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            s.insert_user(&new_user(B, "bob@example.com")).await.unwrap();
            s.create_org(&org(), A).await.unwrap();
            s.create_invite(&invite("i1", "bob@example.com"), &mail("m1"), t0()).await.unwrap();
            let dup = s.create_invite(&invite("i2", "bob@example.com"), &mail("m2"), t0()).await.unwrap_err();
            assert!(matches!(dup, StoreError::Conflict(_)), "{dup:?}");
            assert_eq!(s.invites_for("bob@example.com").await.unwrap().len(), 1);
            let now = t0() + Duration::hours(1);
            let first = s.answer_invite("i1", "bob@example.com", "accepted", B, now).await.unwrap();
            assert_eq!(first, AnswerOutcome::Answered { org_id: ORG.into() });
            assert_eq!(
                s.answer_invite("i1", "bob@example.com", "accepted", B, now).await.unwrap(),
                AnswerOutcome::NotFound
            );
            assert_eq!(s.role_of(ORG, B).await.unwrap().as_deref(), Some("edit"));
            assert!(s.invites_for("bob@example.com").await.unwrap().is_empty());

            // The last admin cannot be demoted or removed; a second one frees her.
            assert!(matches!(s.set_member_role(ORG, A, "view").await, Err(StoreError::Conflict(_))));
            assert!(matches!(s.remove_member(ORG, A).await, Err(StoreError::Conflict(_))));
            assert_eq!(s.role_of(ORG, A).await.unwrap().as_deref(), Some("admin"), "nothing changed");
            assert_eq!(s.sole_admin_orgs_with_others(A).await.unwrap().len(), 1);
            s.set_member_role(ORG, B, "admin").await.unwrap();
            assert!(s.sole_admin_orgs_with_others(A).await.unwrap().is_empty());
            s.remove_member(ORG, A).await.unwrap();
            assert!(matches!(s.remove_member(ORG, A).await, Err(StoreError::NotFound)));
        })
        .await;
    }

    #[tokio::test]
    async fn an_expired_invitation_is_not_answered() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            s.insert_user(&new_user(B, "bob@example.com")).await.unwrap();
            s.create_org(&org(), A).await.unwrap();
            s.create_invite(&invite("i1", "bob@example.com"), &mail("m1"), t0()).await.unwrap();
            let late = t0() + Duration::days(8);
            assert_eq!(
                s.answer_invite("i1", "bob@example.com", "accepted", B, late).await.unwrap(),
                AnswerOutcome::Expired
            );
            assert_eq!(
                s.answer_invite("i1", "eve@example.com", "accepted", B, t0()).await.unwrap(),
                AnswerOutcome::NotFound
            );
            assert_eq!(s.role_of(ORG, B).await.unwrap(), None);
        })
        .await;
    }

    #[tokio::test]
    async fn a_strict_move_that_no_longer_matches_moves_nothing() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            s.create_org(&org(), A).await.unwrap();
            let me = Owner::User(A.into());
            s.insert_resource(&app("a1", me.clone())).await.unwrap();
            s.insert_resource(&app("a2", me.clone())).await.unwrap();
            let to = Owner::Org(ORG.into());
            let stale =
                [(Kind::Application, "a1".to_owned(), me.clone()), (Kind::Application, "a2".to_owned(), to.clone())];
            let e = s.move_resources(&stale, &to, true, t0()).await.unwrap_err();
            assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
            assert_eq!(
                s.resource(Kind::Application, "a1").await.unwrap().unwrap().owner,
                Some(me.clone()),
                "rolled back"
            );
            assert_eq!(s.move_resources(&stale, &to, false, t0()).await.unwrap(), 1);
            assert_eq!(s.resource(Kind::Application, "a1").await.unwrap().unwrap().owner, Some(to.clone()));
            assert_eq!(s.resources_of(Kind::Application, &[to]).await.unwrap().len(), 1);
        })
        .await;
    }

    #[tokio::test]
    async fn recent_items_keep_the_newest_ten_once_each() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            for i in 0..12 {
                s.touch_recent(A, "application", "", &format!("item{i}"), t0(), 10).await.unwrap();
            }
            s.touch_recent(A, "application", "", "item5", t0(), 10).await.unwrap();
            let got = s.recent(A, "application", "").await.unwrap();
            assert_eq!(got.len(), 10);
            assert_eq!(got[0], "item5");
            assert_eq!(got[1], "item11");
            assert!(!got.contains(&"item0".to_owned()) && !got.contains(&"item1".to_owned()));
            assert!(s.recent(A, "dashboard", "").await.unwrap().is_empty());
        })
        .await;
    }

    #[tokio::test]
    async fn deleting_a_user_takes_organisations_they_were_alone_in() {
        on_every_backend(|s| async move {
            s.insert_user(&new_user(A, "ada@example.com")).await.unwrap();
            s.create_org(&org(), A).await.unwrap();
            s.insert_resource(&app("a1", Owner::Org(ORG.into()))).await.unwrap();
            s.create_invite(&invite("i1", "ada@example.com"), &mail("m1"), t0()).await.unwrap();
            s.delete_user(A).await.unwrap();
            assert!(s.org(ORG).await.unwrap().is_none());
            assert!(s.resource(Kind::Application, "a1").await.unwrap().is_none());
        })
        .await;
    }
}

mod usage {
    use super::*;
    use me_core::store::{Owner, PayloadCount, Tally, UsageStore};

    fn hour(h: i64) -> chrono::DateTime<Utc> {
        Utc.timestamp_millis_opt(1_781_481_600_000 + h * 3_600_000).unwrap() // 2026-06-15T00:00Z + h hours
    }

    fn count(app: &str, h: i64, n: i64, billable: bool) -> PayloadCount {
        PayloadCount {
            owner: Owner::User(A.into()),
            application_id: app.into(),
            kind: "mqttIn".into(),
            source: "mqtt".into(),
            billable,
            hour: hour(h),
            count: n,
            bytes: n * 10,
        }
    }

    #[tokio::test]
    async fn rollups_sum_by_hour_and_day_and_keys_count_once() {
        on_every_backend(|s| async move {
            let batch =
                [count("a1", -1, 1, true), count("a1", 0, 2, true), count("a2", 0, 3, false), count("a1", 25, 4, true)];
            assert!(s.record_payloads(&batch, Some("k"), hour(0), hour(-200)).await.unwrap());
            assert!(!s.record_payloads(&batch, Some("k"), hour(0), hour(-200)).await.unwrap(), "same key");
            let owner = Owner::User(A.into());
            let totals = s.payload_totals(&owner, hour(0), hour(48)).await.unwrap();
            assert_eq!(totals, vec![("mqttIn".to_owned(), "mqtt".to_owned(), 9)]);
            let totals = s.payload_totals(&owner, hour(-1), hour(1)).await.unwrap();
            assert_eq!(totals[0].2, 6, "edge hours from the hourly rollup");
            let daily = s.payload_series(&owner, true, hour(-24), hour(48), false).await.unwrap();
            assert_eq!(
                daily.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
                vec![Tally { count: 1, bytes: 10 }, Tally { count: 2, bytes: 20 }, Tally { count: 4, bytes: 40 }]
            );
            let hourly = s.payload_series(&owner, false, hour(0), hour(1), true).await.unwrap();
            assert_eq!(hourly, vec![(hour(0), Tally { count: 5, bytes: 50 })]);
            assert!(s.payload_totals(&Owner::User(B.into()), hour(-48), hour(48)).await.unwrap().is_empty());
        })
        .await;
    }

    #[tokio::test]
    async fn concurrent_overlapping_batches_never_deadlock() {
        on_every_backend(|s| async move {
            // The same keys, listed in opposite orders by two writers at once.
            let forward: Vec<_> = (0..300).map(|i| count(&format!("a{}", i % 60), i % 5, 1, true)).collect();
            let backward: Vec<_> = forward.iter().rev().cloned().collect();
            for _ in 0..5 {
                let (a, b) = tokio::join!(
                    s.record_payloads(&forward, None, hour(0), hour(0)),
                    s.record_payloads(&backward, None, hour(0), hour(0))
                );
                a.unwrap();
                b.unwrap();
            }
            let totals = s.payload_totals(&Owner::User(A.into()), hour(0), hour(5)).await.unwrap();
            assert_eq!(totals[0].2, 300 * 2 * 5);
        })
        .await;
    }

    #[tokio::test]
    async fn concurrent_notebook_batches_never_deadlock_and_sum() {
        use me_core::store::NotebookCount;
        on_every_backend(|s| async move {
            let forward: Vec<_> = (0..200)
                .map(|i| NotebookCount {
                    owner: Owner::User(A.into()),
                    application_id: format!("a{}", i % 40),
                    day: hour(24 * (i % 3)),
                    minutes: 2,
                    completed: 1,
                    canceled: 0,
                    errored: 0,
                    timeout: 0,
                })
                .collect();
            let backward: Vec<_> = forward.iter().rev().cloned().collect();
            for _ in 0..3 {
                let (a, b) = tokio::join!(
                    s.record_notebooks(&forward, None, hour(0), hour(0)),
                    s.record_notebooks(&backward, None, hour(0), hour(0))
                );
                a.unwrap();
                b.unwrap();
            }
            let days = s.notebook_days(&Owner::User(A.into()), hour(0), hour(72)).await.unwrap();
            assert_eq!(days.iter().map(|d| d.minutes).sum::<i64>(), 200 * 2 * 2 * 3);
            assert_eq!(days.iter().map(|d| d.completed).sum::<i64>(), 200 * 2 * 3);
        })
        .await;
    }
}
