-- The installation (its id in the installations file) whose student a
-- watch belongs to: the watcher reads USOS there, with that installation's
-- key. Rows made before the gateway served many installations have ''
-- (the one installation it served).
ALTER TABLE watches ADD COLUMN installation TEXT NOT NULL DEFAULT '';
CREATE INDEX watches_installation ON watches (installation, next_check_at);
