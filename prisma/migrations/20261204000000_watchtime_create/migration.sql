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

-- A tick of one server, as one statement (WatchtimeRepository.countTick calls it and says what it
-- does): claims (server, minute) in watchtime_ticks and, only when the claim is its own, accrues a
-- minute to each person present. A function so that each connection plans the statement once (the
-- tick runs it for every live server every minute); it touches the rows of `for_server` only.
CREATE OR REPLACE FUNCTION watchtime_count_tick(for_server BIGINT, at_minute TIMESTAMPTZ, persons TEXT[], kick_user_ids BIGINT[], usernames TEXT[], daily_cap INTEGER)
RETURNS TABLE (counted BOOLEAN, viewers INTEGER, credited INTEGER)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    tick_day DATE := (at_minute AT TIME ZONE 'UTC')::date;
BEGIN
    RETURN QUERY
        WITH seen AS (
            SELECT * FROM unnest(persons, kick_user_ids, usernames) WITH ORDINALITY AS seen(person, kick_user_id, username, latest)
        ),
        resolved AS (
            SELECT COALESCE('m:' || COALESCE(by_id.discord_id, by_name.discord_id), seen.person) AS person,
                COALESCE(lower(by_id.kick_name), lower(by_name.kick_name), lower(by_member.kick_name), seen.username) AS username,
                seen.latest
            FROM seen
            -- Linked here now: by the account's user id, or by name for a legacy link made before the bot read user ids.
            LEFT JOIN links AS by_id
                ON by_id.discord_server_id = for_server AND by_id.kick_user_id = seen.kick_user_id AND by_id.kick_name IS NOT NULL
            LEFT JOIN links AS by_name
                ON by_id.discord_id IS NULL AND by_name.discord_server_id = for_server AND by_name.kick_user_id IS NULL AND lower(by_name.kick_name) = seen.username
            -- Linked to a member when it chatted, not now: the member's current account, if any.
            LEFT JOIN links AS by_member
                ON by_id.discord_id IS NULL AND by_name.discord_id IS NULL AND seen.person LIKE 'm:%'
                AND by_member.discord_server_id = for_server AND by_member.discord_id = substr(seen.person, 3)::bigint AND by_member.kick_name IS NOT NULL
        ),
        people AS (
            SELECT DISTINCT ON (person) username FROM resolved ORDER BY person, latest
        ),
        present AS (
            SELECT DISTINCT username FROM people
        ),
        claimed AS (
            INSERT INTO watchtime_ticks (discord_server_id, tick_at, viewers)
            SELECT for_server, at_minute, count(*) FROM present
            ON CONFLICT (discord_server_id, tick_at) DO NOTHING
            RETURNING 1
        ),
        forgotten AS (
            DELETE FROM watchtime_ticks
            WHERE discord_server_id = for_server AND tick_at < at_minute - interval '1 day' AND EXISTS (SELECT 1 FROM claimed)
        ),
        accrued AS (
            INSERT INTO watchtime_days (discord_server_id, username, day, minutes)
            SELECT for_server, username, tick_day, 1 FROM present WHERE daily_cap > 0 AND EXISTS (SELECT 1 FROM claimed)
            ON CONFLICT (discord_server_id, username, day) DO UPDATE SET minutes = watchtime_days.minutes + 1
            WHERE watchtime_days.minutes < daily_cap
            RETURNING username
        ),
        credited AS (
            INSERT INTO watchtime (discord_server_id, username, minutes, last_active)
            SELECT for_server, present.username, CASE WHEN daily_cap = 0 OR accrued.username IS NOT NULL THEN 1 ELSE 0 END,
                (at_minute AT TIME ZONE 'UTC')
            FROM present LEFT JOIN accrued USING (username)
            WHERE EXISTS (SELECT 1 FROM claimed)
            ON CONFLICT (discord_server_id, username) DO UPDATE
                SET minutes = COALESCE(watchtime.minutes, 0) + EXCLUDED.minutes,
                    last_active = GREATEST(watchtime.last_active, EXCLUDED.last_active)
            RETURNING minutes
        )
        SELECT EXISTS (SELECT 1 FROM claimed) AS counted, (SELECT count(*) FROM present)::int AS viewers,
            (CASE WHEN daily_cap = 0 THEN (SELECT count(*) FROM credited) ELSE (SELECT count(*) FROM accrued) END)::int AS credited;
END
$$;
