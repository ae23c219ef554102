-- Watches: students who asked to be told, with the page closed, when their
-- mLegitymacja order reaches an outcome. One SQL for SQLite and PostgreSQL:
-- times are Unix milliseconds in BIGINT, identifiers TEXT.
CREATE TABLE watches (
    id TEXT PRIMARY KEY,
    -- A keyed hash of the student's access token (see vault.rs).
    owner TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    lang TEXT NOT NULL,
    open_url TEXT NOT NULL,
    order_id TEXT NOT NULL,
    -- Our name of the status last seen (pending, in_progress).
    last_status TEXT NOT NULL,
    -- The access token and its secret, AES-256-GCM sealed.
    sealed_tokens TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    next_check_at BIGINT NOT NULL,
    check_interval_ms BIGINT NOT NULL,
    -- Set when an outcome was seen and its push is still to be accepted.
    outcome TEXT,
    outcome_seen_at BIGINT,
    failures BIGINT NOT NULL DEFAULT 0,
    -- The copy (and task) working on the row, until when.
    lease_holder TEXT,
    leased_until BIGINT NOT NULL DEFAULT 0,
    UNIQUE (owner, endpoint)
);

CREATE INDEX watches_due ON watches (next_check_at);
CREATE INDEX watches_lease_holder ON watches (lease_holder);
