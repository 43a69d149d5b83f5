//! Bodies of the usage counters and the metering API.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The payload types of `payloadStats.json`.
pub const PAYLOAD_TYPES: &[&str] = &[
    "dataTable",
    "deviceCommand",
    "deviceConnect",
    "deviceDisconnect",
    "deviceState",
    "endpoint",
    "event",
    "flowError",
    "integration",
    "mqttIn",
    "mqttOut",
    "notebook",
    "timer",
    "virtualButton",
    "webhook",
    "resourceJob",
];

/// `payloadStats.json`: type → source → count.
pub type PayloadStats = BTreeMap<String, BTreeMap<String, i64>>;

/// `deviceCounts.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceCounts {
    #[serde(with = "crate::time::ms")]
    pub start: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub end: DateTime<Utc>,
    pub counts: Vec<DeviceCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceCount {
    #[serde(with = "crate::time::ms")]
    pub date: DateTime<Utc>,
    pub created: i64,
    pub deleted: i64,
    pub total: i64,
}

/// `payloadCountsBreakdown.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayloadCountsBreakdown {
    #[serde(with = "crate::time::ms")]
    pub start: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub end: DateTime<Utc>,
    pub counts: Vec<DatedValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatedValue {
    #[serde(with = "crate::time::ms")]
    pub date: DateTime<Utc>,
    pub value: i64,
}

/// `notebookMinuteCounts.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotebookMinuteCounts {
    #[serde(with = "crate::time::ms")]
    pub start: DateTime<Utc>,
    #[serde(with = "crate::time::ms")]
    pub end: DateTime<Utc>,
    pub counts: Vec<NotebookMinuteCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotebookMinuteCount {
    #[serde(with = "crate::time::ms")]
    pub date: DateTime<Utc>,
    pub minutes: i64,
    pub completed: i64,
    pub canceled: i64,
    pub errored: i64,
    pub timeout: i64,
}

/// `POST /metering/payloads`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayloadBatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    pub events: Vec<PayloadEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayloadEvent {
    pub application_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub source: String,
    pub count: i64,
    pub bytes: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable: Option<bool>,
    /// ms since epoch, or ISO 8601.
    pub time: Value,
}

/// `POST /metering/notebookExecutions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotebookBatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    pub events: Vec<NotebookEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotebookEvent {
    pub application_id: String,
    pub notebook_id: String,
    pub minutes: i64,
    pub status: String,
    pub time: Value,
}

/// What the metering API answers: `counted` is false for a batch already
/// counted under its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeteringAck {
    pub success: bool,
    pub counted: bool,
    pub events: usize,
}
