-- Devices per owner and day, beside the per-application rows: deviceCounts
-- reads one row a day instead of one per application and day.
CREATE TABLE device_owner_daily (
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    day        BIGINT NOT NULL,
    created    BIGINT NOT NULL DEFAULT 0,
    deleted    BIGINT NOT NULL DEFAULT 0,
    moved      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (owner_kind, owner_id, day)
);

INSERT INTO device_owner_daily (owner_kind, owner_id, day, created, deleted, moved)
SELECT owner_kind, owner_id, day, SUM(created), SUM(deleted), SUM(moved_in - moved_out)
FROM device_daily GROUP BY owner_kind, owner_id, day;
