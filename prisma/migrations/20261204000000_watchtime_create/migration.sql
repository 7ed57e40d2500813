-- Plugin watchtime: adds only its own tables, and can be applied again (the legacy rollback takes it along).
-- Watch time from chat presence (plugins/watchtime). The legacy `watchtime` table keeps one row per
-- (server, Kick username); the old bot reads it as before.

-- Kick names are one account whatever their case: the plugin keys rows by the lower-cased name.
-- A legacy row spelt otherwise is folded into that row (minutes added up), once: a second run finds none.
WITH folded AS (
    DELETE FROM watchtime WHERE username <> lower(username)
    RETURNING discord_server_id, lower(username) AS username, COALESCE(minutes, 0) AS minutes, last_active
)
INSERT INTO watchtime (discord_server_id, username, minutes, last_active)
SELECT discord_server_id, username, sum(minutes)::int, max(last_active) FROM folded GROUP BY discord_server_id, username
ON CONFLICT (discord_server_id, username) DO UPDATE
    SET minutes = COALESCE(watchtime.minutes, 0) + EXCLUDED.minutes,
        last_active = GREATEST(watchtime.last_active, EXCLUDED.last_active);

-- Every tick rewrites the present viewers' rows (minutes, last_active). With room left on each page and
-- no index on those columns, PostgreSQL updates them in place (HOT); the leaderboard sorts a server's rows instead.
ALTER TABLE watchtime SET (fillfactor = 70);

-- Each (server, minute) a tick counted. The tick's statement claims its row and accrues only when
-- it made it, so a tick run twice (a retry, a second bot process) counts once.
CREATE TABLE IF NOT EXISTS watchtime_ticks (
    discord_server_id BIGINT NOT NULL,
    tick_at TIMESTAMPTZ(6) NOT NULL,
    -- The present viewers the tick counted.
    viewers INTEGER NOT NULL,
    CONSTRAINT watchtime_ticks_pkey PRIMARY KEY (discord_server_id, tick_at),
    CONSTRAINT watchtime_ticks_viewers CHECK (viewers >= 0)
);

-- Minutes each viewer accrued per server and UTC day, written while the server has a daily cap: the cap reads it.
CREATE TABLE IF NOT EXISTS watchtime_days (
    discord_server_id BIGINT NOT NULL,
    username TEXT NOT NULL,
    day DATE NOT NULL,
    minutes INTEGER NOT NULL,
    CONSTRAINT watchtime_days_pkey PRIMARY KEY (discord_server_id, username, day),
    CONSTRAINT watchtime_days_minutes CHECK (minutes >= 0)
);

-- Every change a moderator made to a viewer's minutes, with who, when and why: rows are added, never changed.
CREATE TABLE IF NOT EXISTS watchtime_changes (
    id BIGSERIAL NOT NULL,
    discord_server_id BIGINT NOT NULL,
    username TEXT NOT NULL,
    delta INTEGER NOT NULL,
    minutes_after INTEGER NOT NULL,
    reason TEXT NOT NULL,
    changed_by_discord_id BIGINT NOT NULL,
    changed_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT watchtime_changes_pkey PRIMARY KEY (discord_server_id, id),
    CONSTRAINT watchtime_changes_delta CHECK (delta <> 0),
    CONSTRAINT watchtime_changes_reason_length CHECK (char_length(reason) BETWEEN 1 AND 200)
);
CREATE INDEX IF NOT EXISTS idx_watchtime_changes_user ON watchtime_changes (discord_server_id, username, id DESC);

-- The log is append-only: an UPDATE is refused (rows leave only with their server's data).
CREATE OR REPLACE FUNCTION watchtime_changes_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'watchtime_changes is append-only';
END
$$;
DROP TRIGGER IF EXISTS watchtime_changes_append_only ON watchtime_changes;
CREATE TRIGGER watchtime_changes_append_only BEFORE UPDATE ON watchtime_changes FOR EACH ROW EXECUTE FUNCTION watchtime_changes_refuse_update();
