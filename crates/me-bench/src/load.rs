//! The load loops. Each loop stops at its deadline, so a phase's length and
//! its request count are bounded by time whatever the server does.

use anyhow::{bail, Result};
use reqwest::{Client, RequestBuilder, Url};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{interval, timeout_at, Instant, MissedTickBehavior};

/// How long log-ins still in flight at the deadline may take to finish.
/// Cutting them off would drop exactly the slow ones phase 3 looks for.
const LOGIN_GRACE: Duration = Duration::from_secs(10);

/// A `GET` to load, with its bearer token if it needs one.
pub struct Endpoint {
    url: Url,
    bearer: Option<Arc<str>>,
}

impl Endpoint {
    pub fn new(base: &Url, path: &str, bearer: Option<&str>) -> Result<Self> {
        Ok(Self { url: base.join(path)?, bearer: bearer.map(Arc::from) })
    }

    fn request(&self, client: &Client) -> RequestBuilder {
        let request = client.get(self.url.clone());
        match &self.bearer {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Fails unless the endpoint answers 2xx, so a broken setup stops the run
    /// instead of producing a table of errors.
    pub async fn check(&self, client: &Client) -> Result<()> {
        let response = self.request(client).send().await?;
        let status = response.status();
        if !status.is_success() {
            bail!("{} answered {status}: {}", self.url, response.text().await.unwrap_or_default());
        }
        Ok(())
    }
}

/// A log-in with the correct password: a full password verification each.
pub struct Login {
    url: Url,
    body: Arc<serde_json::Value>,
}

impl Login {
    pub fn new(base: &Url, email: &str, password: &str) -> Result<Self> {
        let body = json!({ "email": email, "password": password });
        Ok(Self { url: base.join("/auth/user")?, body: Arc::new(body) })
    }
}

/// What a phase (or one loop of it) saw.
#[derive(Default)]
pub struct Samples {
    pub ok: u64,
    pub errors: u64,
    /// One per finished request, failures included: a slow failure is still
    /// time the server kept a client waiting.
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

impl Samples {
    fn record(&mut self, latency: Duration, ok: bool) {
        if ok {
            self.ok += 1;
        } else {
            self.errors += 1;
        }
        self.latencies.push(latency);
    }

    fn merge(&mut self, other: Samples) {
        self.ok += other.ok;
        self.errors += other.errors;
        self.latencies.extend(other.latencies);
    }

    pub fn requests(&self) -> u64 {
        self.ok + self.errors
    }
}

/// `concurrency` closed loops of `GET endpoint` for `duration`. Closed loops
/// (send, wait, repeat) measure capacity: throughput is what the server
/// manages, not what the generator asks for.
pub async fn hammer(
    client: &Client,
    endpoint: &Arc<Endpoint>,
    concurrency: usize,
    duration: Duration,
) -> Result<Samples> {
    let start = Instant::now();
    let deadline = start + duration;
    let mut loops = JoinSet::new();
    for _ in 0..concurrency {
        let (client, endpoint) = (client.clone(), Arc::clone(endpoint));
        loops.spawn(async move {
            let mut samples = Samples::default();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let exchange = async {
                    let response = endpoint.request(&client).send().await?;
                    let status = response.status();
                    // Read the body: the connection is only reused once it is
                    // drained, and serving it is part of the work measured.
                    response.bytes().await?;
                    Ok::<_, reqwest::Error>(status)
                };
                // A request still running at the deadline did not finish
                // within the phase, so it is not counted either way.
                let Ok(outcome) = timeout_at(deadline, exchange).await else {
                    break;
                };
                samples.record(sent.elapsed(), outcome.is_ok_and(|s| s.is_success()));
            }
            samples
        });
    }
    let mut total = Samples::default();
    while let Some(samples) = loops.join_next().await {
        total.merge(samples?);
    }
    total.elapsed = start.elapsed();
    Ok(total)
}

/// One log-in every `period` until `duration` has passed. Open loop: each
/// log-in is its own task, so a slow one does not delay the next and the
/// rate stays what was asked, whatever the server does.
pub async fn logins(client: &Client, login: &Arc<Login>, period: Duration, duration: Duration) -> Result<Samples> {
    let deadline = Instant::now() + duration;
    let mut ticker = interval(period);
    // A missed tick means this process was starved, not the server slow;
    // catching up in a burst would test a load nobody asked for.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut attempts = JoinSet::new();
    loop {
        if ticker.tick().await >= deadline {
            break;
        }
        let (client, login) = (client.clone(), Arc::clone(login));
        attempts.spawn(async move {
            let sent = Instant::now();
            let exchange = async {
                let response = client.post(login.url.clone()).json(&*login.body).send().await?;
                let status = response.status();
                response.bytes().await?;
                Ok::<_, reqwest::Error>(status)
            };
            let ok = matches!(timeout_at(deadline + LOGIN_GRACE, exchange).await, Ok(Ok(s)) if s.is_success());
            (sent.elapsed(), ok)
        });
    }
    let mut total = Samples::default();
    while let Some(attempt) = attempts.join_next().await {
        let (latency, ok) = attempt?;
        total.record(latency, ok);
    }
    // The rate is set over the window, not over the grace that followed it.
    total.elapsed = duration;
    Ok(total)
}
