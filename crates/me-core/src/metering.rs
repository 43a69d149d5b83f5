//! Recording usage: the metering API for the platform's other parts
//! (service tokens with `metering.write`), and device state posts, which are
//! counted through a group commit so that concurrent posts share one
//! transaction and each is answered only once its count is durable.

use crate::access::Need;
use crate::error::{Error, Result};
use crate::store::{Kind, NotebookCount, PayloadCount, UserRecord};
use crate::token::Claims;
use crate::usage::floor;
use crate::Core;
use chrono::{DateTime, Duration, Utc};
use me_wire::usage::{MeteringAck, NotebookBatch, PayloadBatch, PAYLOAD_TYPES};
use serde_json::Value;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot};

pub const MAX_BATCH: usize = 10_000;
pub const MAX_STATES: usize = 1_000;
pub const METERING_SCOPE: &str = "metering.write";
const IDEMPOTENCY_DAYS: i64 = 7;
const HOUR_MS: i64 = 3_600_000;

/// A device state count waiting for the group commit, and who to tell.
pub(crate) struct StateJob {
    count: PayloadCount,
    done: oneshot::Sender<Result<()>>,
}

/// The sender side of the group commit, started on first use.
#[derive(Default)]
pub struct StateWriter(OnceLock<mpsc::Sender<StateJob>>);

fn event_time(index: usize, value: &Value, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let bad = |why: &str| Error::validation(format!("events[{index}]: {why}"));
    let t = match value {
        Value::Number(n) => n.as_i64().and_then(DateTime::from_timestamp_millis),
        Value::String(s) => {
            me_wire::time::parse(s).or_else(|| s.parse::<i64>().ok().and_then(DateTime::from_timestamp_millis))
        }
        _ => None,
    }
    .ok_or_else(|| bad("time must be ms since the epoch or an ISO 8601 time"))?;
    if t > now + Duration::minutes(5) {
        return Err(bad("time is more than 5 minutes ahead"));
    }
    if t < now - Duration::days(400) {
        return Err(bad("time is more than 400 days back"));
    }
    Ok(t)
}

impl Core {
    /// A service token for the platform's own parts.
    pub fn issue_service_token(&self, scopes: &[String], ttl_secs: u64) -> Result<String> {
        service_token(&self.tokens, scopes, self.clock.now(), ttl_secs)
    }

    /// The metering API's check: a valid service token holding `metering.write`.
    pub fn authenticate_service(&self, token: &str) -> Result<Claims> {
        let claims = self.tokens.verify(token, self.clock.now())?;
        if claims.kind != "service" {
            return Err(Error::Forbidden("User tokens cannot call the metering API".into()));
        }
        if !claims.scope.iter().any(|s| s == METERING_SCOPE) {
            return Err(Error::Forbidden(format!("The metering API needs the {METERING_SCOPE} scope")));
        }
        Ok(claims)
    }

    /// `POST /metering/payloads`: the whole batch or nothing.
    pub async fn record_payload_batch(&self, batch: PayloadBatch) -> Result<MeteringAck> {
        check_batch(batch.events.len(), batch.idempotency_key.as_deref())?;
        let now = self.clock.now();
        let ids: Vec<String> = batch.events.iter().map(|e| e.application_id.clone()).collect();
        let owners = self.store.application_owners(&ids).await?;
        let mut counts = Vec::with_capacity(batch.events.len());
        for (i, e) in batch.events.iter().enumerate() {
            let owner = owners
                .get(&e.application_id)
                .ok_or_else(|| Error::validation(format!("events[{i}]: unknown application")))?;
            if !PAYLOAD_TYPES.contains(&e.kind.as_str()) {
                return Err(Error::validation(format!("events[{i}]: type `{}` is not a payload type", e.kind)));
            }
            if e.source.is_empty() || e.source.chars().count() > 255 {
                return Err(Error::validation(format!("events[{i}]: source must be 1 to 255 characters")));
            }
            if e.count < 0 || e.bytes < 0 {
                return Err(Error::validation(format!("events[{i}]: count and bytes must not be negative")));
            }
            let t = event_time(i, &e.time, now)?;
            counts.push(PayloadCount {
                owner: owner.clone(),
                application_id: e.application_id.clone(),
                kind: e.kind.clone(),
                source: e.source.clone(),
                billable: e.billable.unwrap_or(true),
                hour: floor(t, HOUR_MS),
                count: e.count,
                bytes: e.bytes,
            });
        }
        let keep_since = now - Duration::days(IDEMPOTENCY_DAYS);
        let counted = self.store.record_payloads(&counts, batch.idempotency_key.as_deref(), now, keep_since).await?;
        Ok(MeteringAck { success: true, counted, events: counts.len() })
    }

    /// `POST /metering/notebookExecutions`: the whole batch or nothing.
    pub async fn record_notebook_batch(&self, batch: NotebookBatch) -> Result<MeteringAck> {
        check_batch(batch.events.len(), batch.idempotency_key.as_deref())?;
        let now = self.clock.now();
        let ids: Vec<String> = batch.events.iter().map(|e| e.application_id.clone()).collect();
        let owners = self.store.application_owners(&ids).await?;
        let mut counts = Vec::with_capacity(batch.events.len());
        for (i, e) in batch.events.iter().enumerate() {
            let owner = owners
                .get(&e.application_id)
                .ok_or_else(|| Error::validation(format!("events[{i}]: unknown application")))?;
            if !me_wire::id::is_id(&e.notebook_id) {
                return Err(Error::validation(format!("events[{i}]: notebookId must be an id")));
            }
            if e.minutes < 0 {
                return Err(Error::validation(format!("events[{i}]: minutes must not be negative")));
            }
            let status = |s: &str| i64::from(e.status == s);
            if !["completed", "canceled", "errored", "timeout"].contains(&e.status.as_str()) {
                return Err(Error::validation(format!(
                    "events[{i}]: status must be completed, canceled, errored or timeout"
                )));
            }
            let t = event_time(i, &e.time, now)?;
            counts.push(NotebookCount {
                owner: owner.clone(),
                application_id: e.application_id.clone(),
                day: floor(t, 86_400_000),
                minutes: e.minutes,
                completed: status("completed"),
                canceled: status("canceled"),
                errored: status("errored"),
                timeout: status("timeout"),
            });
        }
        let keep_since = now - Duration::days(IDEMPOTENCY_DAYS);
        let counted = self.store.record_notebooks(&counts, batch.idempotency_key.as_deref(), now, keep_since).await?;
        Ok(MeteringAck { success: true, counted, events: counts.len() })
    }

    /// `POST /applications/{applicationId}/devices/{deviceId}/state`: one
    /// payload per state object, type `deviceState`, source `rest`, the body's
    /// size as bytes. Answers once the count is committed.
    pub async fn post_device_state(
        &self,
        user: &UserRecord,
        application_id: &str,
        device_id: &str,
        body: &[u8],
    ) -> Result<()> {
        let states = parse_states(body)?;
        let (device, owner) = self.resource_for(user, Kind::Device, device_id, Need::Modify).await?;
        if device.application_id.as_deref() != Some(application_id) {
            return Err(Error::NotFound("No such device".into()));
        }
        let count = PayloadCount {
            owner,
            application_id: application_id.to_owned(),
            kind: "deviceState".into(),
            source: "rest".into(),
            billable: true,
            hour: floor(self.clock.now(), HOUR_MS),
            count: states as i64,
            bytes: body.len() as i64,
        };
        let (done, answer) = oneshot::channel();
        self.state_sender()
            .send(StateJob { count, done })
            .await
            .map_err(|_| Error::internal(anyhow::anyhow!("state writer stopped")))?;
        answer.await.map_err(|_| Error::internal(anyhow::anyhow!("state writer dropped a post")))?
    }

    fn state_sender(&self) -> &mpsc::Sender<StateJob> {
        self.state_writer.0.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4096);
            let core = self.clone();
            tokio::spawn(async move { core.run_state_writer(rx).await });
            tx
        })
    }

    /// Takes every post waiting, commits their counts in one transaction,
    /// answers them all; meanwhile the next group gathers.
    async fn run_state_writer(self, mut rx: mpsc::Receiver<StateJob>) {
        const GROUP: usize = 1024;
        let mut jobs = Vec::with_capacity(GROUP);
        while rx.recv_many(&mut jobs, GROUP).await > 0 {
            let counts: Vec<PayloadCount> = jobs.iter().map(|j| j.count.clone()).collect();
            let now = self.clock.now();
            let result = self.store.record_payloads(&counts, None, now, now).await;
            for job in jobs.drain(..) {
                let outcome = match &result {
                    Ok(_) => Ok(()),
                    Err(e) => Err(Error::internal(anyhow::anyhow!("recording device state: {e}"))),
                };
                let _ = job.done.send(outcome);
            }
        }
    }
}

/// A service token signed with `keys`: what `me-server tokens create` prints,
/// without opening the database.
pub fn service_token(
    keys: &crate::token::TokenKeys,
    scopes: &[String],
    now: DateTime<Utc>,
    ttl_secs: u64,
) -> Result<String> {
    keys.issue("service", "service", scopes, now, ttl_secs)
}

fn check_batch(len: usize, key: Option<&str>) -> Result<()> {
    if len == 0 {
        return Err(Error::validation("events must hold at least one event"));
    }
    if len > MAX_BATCH {
        return Err(Error::validation(format!("a batch holds at most {MAX_BATCH} events")));
    }
    if key.is_some_and(|k| k.is_empty() || k.len() > 255) {
        return Err(Error::validation("idempotencyKey must be 1 to 255 characters"));
    }
    Ok(())
}

/// The number of state objects in a `deviceState` body (one object or an
/// array of at most 1,000), each checked against the schema's shape.
fn parse_states(body: &[u8]) -> Result<usize> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Error::validation(format!("Invalid request body: {e}")))?;
    let states = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    if states.is_empty() || states.len() > MAX_STATES {
        return Err(Error::validation(format!("send 1 to {MAX_STATES} state objects")));
    }
    for (i, s) in states.iter().enumerate() {
        let bad = |why: &str| Error::validation(format!("state[{i}]: {why}"));
        let obj = s.as_object().ok_or_else(|| bad("must be an object"))?;
        if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "time" | "meta" | "data" | "flowVersion")) {
            return Err(bad(&format!("unknown field `{k}`")));
        }
        let data = obj.get("data").and_then(Value::as_object).ok_or_else(|| bad("data must be an object"))?;
        for (k, v) in data {
            let name_ok =
                !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !name_ok || !(v.is_number() || v.is_string() || v.is_boolean()) {
                return Err(bad(&format!(
                    "data.{k} must be a number, string or boolean under a name of letters, digits, _ or -"
                )));
            }
        }
    }
    Ok(states.len())
}
