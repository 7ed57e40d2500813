-- Plugin points: adds only its own tables, and can be applied again
-- Points (plugins/points): an append-only ledger per server that `user_points` balances always equal
-- the sums of, balances never below zero, each Kick event and watch-time minute counted once.
-- `user_points` keeps every column the old bot and the dashboard read.

-- Kick names are held lower-cased, as watch time holds them (a legacy mixed-case row that would not
-- collide with another is lower-cased; one that would keeps its name).
UPDATE user_points AS u SET kick_username = lower(u.kick_username)
WHERE u.kick_username <> lower(u.kick_username) AND NOT EXISTS (
    SELECT 1 FROM user_points AS o WHERE o.discord_server_id = u.discord_server_id AND o.kick_username = lower(u.kick_username)
);

-- Balances are whole points from zero: a legacy NULL or negative balance counts as 0.
UPDATE user_points SET points = 0 WHERE points IS NULL OR points < 0;
ALTER TABLE user_points ALTER COLUMN points SET DEFAULT 0;
ALTER TABLE user_points ALTER COLUMN points SET NOT NULL;
DO $$ BEGIN
    ALTER TABLE user_points ADD CONSTRAINT user_points_points_not_negative CHECK (points >= 0);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
-- Watched minutes counted toward points (every 5 pay `points_per_5min`).
ALTER TABLE user_points ADD COLUMN IF NOT EXISTS watch_minutes INTEGER NOT NULL DEFAULT 0;

-- The ledger: every change of a balance, never updated. `event_key` is the Kick event or the watch
-- minute that caused it (unique per server: each counts once); `ref` what it belongs to (a shop sale).
CREATE TABLE IF NOT EXISTS point_ledger (
    id                BIGSERIAL PRIMARY KEY,
    discord_server_id BIGINT      NOT NULL,
    kick_username     TEXT        NOT NULL,
    source            TEXT        NOT NULL CHECK (source ~ '^[a-z_]{1,20}$'),
    amount            INTEGER     NOT NULL CHECK (amount <> 0),
    reason            TEXT        NOT NULL,
    actor_discord_id  BIGINT,
    event_key         TEXT,
    ref               TEXT,
    created_at        TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS point_ledger_server_event_key ON point_ledger (discord_server_id, event_key) WHERE event_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS point_ledger_server_user ON point_ledger (discord_server_id, kick_username, id DESC);

CREATE OR REPLACE FUNCTION point_ledger_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'point_ledger is append-only: add a row that corrects it instead';
END $$;
DROP TRIGGER IF EXISTS point_ledger_append_only ON point_ledger;
CREATE TRIGGER point_ledger_append_only BEFORE UPDATE ON point_ledger FOR EACH ROW EXECUTE FUNCTION point_ledger_refuse_update();

-- Legacy balances enter the ledger as the difference to what it holds for them (all of it the first
-- time; nothing when applied again; what the old bot changed meanwhile after a rollback).
INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason)
SELECT u.discord_server_id, u.kick_username, 'legacy', u.points - COALESCE(l.total, 0), 'Balance held before the points ledger'
FROM user_points AS u
LEFT JOIN (
    SELECT discord_server_id, kick_username, sum(amount)::int AS total FROM point_ledger GROUP BY discord_server_id, kick_username
) AS l USING (discord_server_id, kick_username)
WHERE u.points <> COALESCE(l.total, 0);

-- Each watch-time minute a server counted toward points, once across processes and restarts.
CREATE TABLE IF NOT EXISTS point_watch_ticks (
    discord_server_id BIGINT         NOT NULL,
    tick_at           TIMESTAMPTZ(6) NOT NULL,
    PRIMARY KEY (discord_server_id, tick_at)
);
