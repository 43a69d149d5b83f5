-- Times are milliseconds since the epoch (BIGINT); ids are 24-hex-char text.
-- Flags are 0/1 BIGINTs: the one boolean form both backends read back through sqlx Any.
CREATE TABLE users (
    id                    TEXT PRIMARY KEY NOT NULL,
    email                 TEXT NOT NULL UNIQUE,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL DEFAULT '',
    company_name          TEXT,
    title                 TEXT,
    phone_number          TEXT,
    location              TEXT,
    url                   TEXT,
    password_hash         TEXT,
    password_last_updated BIGINT,
    token_cutoff          BIGINT,
    email_verified        BIGINT NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
    two_factor_enabled    BIGINT NOT NULL DEFAULT 0 CHECK (two_factor_enabled IN (0, 1)),
    github_name           TEXT,
    avatar_url            TEXT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

-- The platform around Me: only what the Me actions read and write.
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE org_members (
    org_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('admin', 'edit', 'collaborate', 'view', 'none')),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members(user_id);

-- Owned by a user's sandbox (owner_kind 'user') or an organisation ('org').
CREATE TABLE applications (
    id          TEXT PRIMARY KEY NOT NULL,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('user', 'org')),
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX applications_owner ON applications(owner_kind, owner_id);

CREATE TABLE dashboards (
    id          TEXT PRIMARY KEY NOT NULL,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('user', 'org')),
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX dashboards_owner ON dashboards(owner_kind, owner_id);

CREATE TABLE devices (
    id             TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX devices_application ON devices(application_id);

CREATE TABLE flows (
    id             TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX flows_application ON flows(application_id);

CREATE TABLE notebooks (
    id             TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX notebooks_application ON notebooks(application_id);
