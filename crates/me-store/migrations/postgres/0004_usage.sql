-- Usage counters, rolled up at write time so that no query reads raw events.
-- Times are the start of the UTC hour or day, in ms. The owner is whoever
-- owned the application when the event was counted; later transfers do not
-- rewrite these rows.

-- Payloads per owner, application, type, source, billable and hour: the
-- finest grain kept.
CREATE TABLE payload_hourly (
    owner_kind     TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    application_id TEXT NOT NULL,
    type           TEXT NOT NULL,
    source         TEXT NOT NULL,
    billable       BIGINT NOT NULL,
    hour           BIGINT NOT NULL,
    count          BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, hour, application_id, type, source, billable)
);

-- The same without the application, per hour and per day: what the counters read.
CREATE TABLE payload_owner_hourly (
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    hour       BIGINT NOT NULL,
    type       TEXT NOT NULL,
    source     TEXT NOT NULL,
    billable   BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    bytes      BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, hour, type, source, billable)
);

CREATE TABLE payload_owner_daily (
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    day        BIGINT NOT NULL,
    type       TEXT NOT NULL,
    source     TEXT NOT NULL,
    billable   BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    bytes      BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, day, type, source, billable)
);

-- Devices created and deleted per application and day; moved_in/moved_out
-- carry a transfer's devices from one owner's total to the other's.
CREATE TABLE device_daily (
    owner_kind     TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    application_id TEXT NOT NULL,
    day            BIGINT NOT NULL,
    created        BIGINT NOT NULL DEFAULT 0,
    deleted        BIGINT NOT NULL DEFAULT 0,
    moved_in       BIGINT NOT NULL DEFAULT 0,
    moved_out      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (owner_kind, owner_id, day, application_id)
);

CREATE TABLE notebook_daily (
    owner_kind     TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    application_id TEXT NOT NULL,
    day            BIGINT NOT NULL,
    minutes        BIGINT NOT NULL,
    completed      BIGINT NOT NULL,
    canceled       BIGINT NOT NULL,
    errored        BIGINT NOT NULL,
    timeout        BIGINT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, day, application_id)
);

-- Metering batches already counted, by idempotency key (kept 7 days).
CREATE TABLE metering_batches (
    idempotency_key TEXT PRIMARY KEY,
    created_at      BIGINT NOT NULL
);
CREATE INDEX metering_batches_created ON metering_batches(created_at);
