-- Second factor, email verification, GitHub link, and the outbox.

-- TOTP keys are AES-256-GCM ciphertexts under a key kept outside the database.
ALTER TABLE users ADD COLUMN totp_key_enc TEXT;
ALTER TABLE users ADD COLUMN totp_pending_enc TEXT;
-- The last TOTP time step accepted: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN github_id TEXT;
ALTER TABLE users ADD COLUMN verification_sent_at BIGINT;
CREATE UNIQUE INDEX users_github_id ON users(github_id);

-- Failed passwords and codes per account (by email, so unknown emails are
-- throttled alike and the 429 reveals nothing).
CREATE TABLE auth_failures (
    account  TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    first_at BIGINT NOT NULL
);

-- Single-use email verification tokens, kept only as SHA-256 hashes.
CREATE TABLE email_verifications (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX email_verifications_user ON email_verifications(user_id);

-- Mail waiting to be delivered; written in the transaction that causes it.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);
