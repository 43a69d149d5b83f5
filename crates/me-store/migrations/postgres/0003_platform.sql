-- Invitations to organisations, recent items, and the organisation's colour.

ALTER TABLE organizations ADD COLUMN icon_color TEXT;

CREATE TABLE org_invites (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'edit', 'collaborate', 'view', 'none')),
    -- A snapshot: the invitation still says who sent it after they leave.
    invited_by_name  TEXT,
    invited_by_email TEXT,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    answered_at      BIGINT,
    answer           TEXT
);
CREATE INDEX org_invites_email ON org_invites(email);
CREATE INDEX org_invites_org ON org_invites(org_id);

-- The 10 most recently used items per (user, type, parent); parent '' when none.
CREATE TABLE recent_items (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_type TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    item_id   TEXT NOT NULL,
    used_at   BIGINT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (user_id, item_type, parent_id, item_id)
);
