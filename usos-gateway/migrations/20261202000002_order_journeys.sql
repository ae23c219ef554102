-- The orders' journeys (journey.rs): each order's last status seen, only to
-- see a change and count it once across copies, and the outcomes of the
-- last hours for GET /wait. No student, token or order number in clear:
-- order_key is a keyed hash of the installation and the order's number.
CREATE TABLE order_statuses (
    installation TEXT NOT NULL,
    order_key TEXT NOT NULL,
    status TEXT NOT NULL,
    -- Unix seconds: when the order was placed (its order_date), and last changed.
    ordered_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (installation, order_key)
);
CREATE INDEX order_statuses_changed ON order_statuses (changed_at);

CREATE TABLE order_outcomes (
    installation TEXT NOT NULL,
    ended_at BIGINT NOT NULL,
    -- ready or error
    outcome TEXT NOT NULL,
    wait_s BIGINT NOT NULL
);
CREATE INDEX order_outcomes_recent ON order_outcomes (installation, ended_at);
