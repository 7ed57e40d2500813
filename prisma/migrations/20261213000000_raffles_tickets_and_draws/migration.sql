-- Plugin raffles: adds only its own tables, and can be applied again (the legacy rollback takes it along).
-- Raffles (plugins/raffles): committed seeds and rules per period, one active period per server, an
-- append-only ticket log that the legacy totals follow, watch hours, and draws made exactly once.
-- The legacy tables keep every column the old bot and the dashboard read; two NOT NULLs are relaxed
-- (a gifter who never linked has tickets without a Discord id, and may win where the rules allow it).

-- Periods: the seed is committed when the period opens (sha256 shown at once, the seed kept secret until
-- the draw), the rules are fixed then, the prize named.
ALTER TABLE raffle_periods ADD COLUMN IF NOT EXISTS seed_commitment TEXT;
ALTER TABLE raffle_periods ADD COLUMN IF NOT EXISTS server_seed TEXT;
ALTER TABLE raffle_periods ADD COLUMN IF NOT EXISTS rules JSONB NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE raffle_periods ADD COLUMN IF NOT EXISTS prize TEXT;
ALTER TABLE raffle_periods ADD COLUMN IF NOT EXISTS opened_by_discord_id BIGINT;
ALTER TABLE raffle_periods ADD COLUMN IF NOT EXISTS closed_at TIMESTAMPTZ(6);

-- One active period per server. A legacy database with several keeps the one that started last active
-- and marks the others ended (nothing is deleted), once: a second run finds one.
UPDATE raffle_periods AS p SET status = 'ended'
WHERE p.status = 'active' AND EXISTS (
    SELECT 1 FROM raffle_periods AS later
    WHERE later.discord_server_id = p.discord_server_id AND later.status = 'active'
        AND (later.start_date, later.id) > (p.start_date, p.id)
);
CREATE UNIQUE INDEX IF NOT EXISTS raffle_periods_one_active ON raffle_periods (discord_server_id) WHERE status = 'active';

-- Tickets per (period, participant): `participant_key` is `discord:<id>` for a member, `kick:<lower-cased
-- name>` for a Kick account nobody linked here. Rows the old bot inserts get theirs from the trigger.
ALTER TABLE raffle_tickets ALTER COLUMN discord_id DROP NOT NULL;
ALTER TABLE raffle_tickets ADD COLUMN IF NOT EXISTS participant_key TEXT;
-- The wagers entered this period (cents) and what of them is not a ticket yet (in cents × tickets per $1000).
ALTER TABLE raffle_tickets ADD COLUMN IF NOT EXISTS wager_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE raffle_tickets ADD COLUMN IF NOT EXISTS wager_carry BIGINT NOT NULL DEFAULT 0;
UPDATE raffle_tickets SET participant_key = 'discord:' || discord_id WHERE participant_key IS NULL AND discord_id IS NOT NULL;
CREATE OR REPLACE FUNCTION raffle_tickets_fill_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.participant_key IS NULL AND NEW.discord_id IS NOT NULL THEN
        NEW.participant_key := 'discord:' || NEW.discord_id;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS raffle_tickets_fill_key ON raffle_tickets;
CREATE TRIGGER raffle_tickets_fill_key BEFORE INSERT ON raffle_tickets FOR EACH ROW EXECUTE FUNCTION raffle_tickets_fill_key();
CREATE UNIQUE INDEX IF NOT EXISTS raffle_tickets_period_participant ON raffle_tickets (period_id, participant_key);
-- The draw reads a period's participants in key order (C collation: the published order), page by page.
CREATE INDEX IF NOT EXISTS raffle_tickets_draw_order ON raffle_tickets (discord_server_id, period_id, participant_key COLLATE "C");

-- Every change of tickets, by source: rows are added, never changed. The totals in raffle_tickets are
-- the sums of this log (each change writes both in one statement).
CREATE TABLE IF NOT EXISTS raffle_ticket_log (
    id BIGSERIAL NOT NULL,
    discord_server_id BIGINT NOT NULL,
    period_id INTEGER NOT NULL,
    participant_key TEXT NOT NULL,
    discord_id BIGINT,
    kick_name TEXT NOT NULL,
    source TEXT NOT NULL,
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    -- The moderator who made the change; null for the bot's own sources and the dashboard.
    actor_discord_id BIGINT,
    -- The event that made it, counted once per server: a Kick event (gifted subs) or a dashboard request (dashboard:<id>).
    kick_event_id TEXT,
    -- Watch time: the hour of the period this row pays (1 = the first whole hour).
    watch_hour INTEGER,
    -- Wagers: the amount entered, in cents (negative: taken back).
    wager_cents BIGINT,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT raffle_ticket_log_pkey PRIMARY KEY (discord_server_id, id),
    CONSTRAINT raffle_ticket_log_period_fkey FOREIGN KEY (period_id) REFERENCES raffle_periods (id) ON DELETE CASCADE,
    CONSTRAINT raffle_ticket_log_source CHECK (source IN ('watchtime', 'gifted_sub', 'wager', 'bonus')),
    CONSTRAINT raffle_ticket_log_delta CHECK (delta <> 0 OR (source = 'wager' AND wager_cents IS NOT NULL)),
    CONSTRAINT raffle_ticket_log_reason_length CHECK (char_length(reason) BETWEEN 1 AND 200)
);
CREATE INDEX IF NOT EXISTS raffle_ticket_log_participant ON raffle_ticket_log (discord_server_id, period_id, participant_key, id DESC);
CREATE UNIQUE INDEX IF NOT EXISTS raffle_ticket_log_kick_event ON raffle_ticket_log (discord_server_id, kick_event_id) WHERE kick_event_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS raffle_ticket_log_watch_hour ON raffle_ticket_log (discord_server_id, period_id, participant_key, watch_hour) WHERE watch_hour IS NOT NULL;
CREATE OR REPLACE FUNCTION raffle_ticket_log_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'raffle_ticket_log is append-only';
END
$$;
DROP TRIGGER IF EXISTS raffle_ticket_log_append_only ON raffle_ticket_log;
CREATE TRIGGER raffle_ticket_log_append_only BEFORE UPDATE ON raffle_ticket_log FOR EACH ROW EXECUTE FUNCTION raffle_ticket_log_refuse_update();

-- Legacy tickets enter the log as one row per source (reason "Tickets held before the ticket log"), once (a participant with log rows has them).
INSERT INTO raffle_ticket_log (discord_server_id, period_id, participant_key, discord_id, kick_name, source, delta, reason)
SELECT t.discord_server_id, t.period_id, t.participant_key, t.discord_id, t.kick_name, s.source, s.delta, 'Tickets held before the ticket log'
FROM raffle_tickets AS t
CROSS JOIN LATERAL (VALUES
    ('watchtime', COALESCE(t.watchtime_tickets, 0)),
    ('gifted_sub', COALESCE(t.gifted_sub_tickets, 0)),
    ('wager', COALESCE(t.shuffle_wager_tickets, 0)),
    ('bonus', COALESCE(t.bonus_tickets, 0))
) AS s(source, delta)
WHERE t.period_id IS NOT NULL AND t.participant_key IS NOT NULL AND s.delta <> 0
    AND NOT EXISTS (SELECT 1 FROM raffle_ticket_log AS l WHERE l.discord_server_id = t.discord_server_id AND l.period_id = t.period_id AND l.participant_key = t.participant_key);

-- Minutes each participant watched inside a period, from the watch-time ticks, and the ticks counted
-- (a tick is counted once per server).
CREATE TABLE IF NOT EXISTS raffle_watch_minutes (
    discord_server_id BIGINT NOT NULL,
    period_id INTEGER NOT NULL,
    participant_key TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    CONSTRAINT raffle_watch_minutes_pkey PRIMARY KEY (discord_server_id, period_id, participant_key),
    CONSTRAINT raffle_watch_minutes_period_fkey FOREIGN KEY (period_id) REFERENCES raffle_periods (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS raffle_watch_ticks (
    discord_server_id BIGINT NOT NULL,
    tick_at TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT raffle_watch_ticks_pkey PRIMARY KEY (discord_server_id, tick_at)
);

-- Draws: one row per draw of a period (number 1 the draw, 2… its rerolls), with the whole record; the
-- primary key makes each number happen once, whoever tries at once.
CREATE TABLE IF NOT EXISTS raffle_draw_records (
    discord_server_id BIGINT NOT NULL,
    period_id INTEGER NOT NULL,
    draw_number INTEGER NOT NULL,
    -- 'draw', or 'reroll' of the slots named.
    kind TEXT NOT NULL,
    slots INTEGER[] NOT NULL,
    record JSONB NOT NULL,
    drawn_by_discord_id BIGINT,
    drawn_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT raffle_draw_records_pkey PRIMARY KEY (discord_server_id, period_id, draw_number),
    CONSTRAINT raffle_draw_records_period_fkey FOREIGN KEY (period_id) REFERENCES raffle_periods (id),
    CONSTRAINT raffle_draw_records_kind CHECK (kind IN ('draw', 'reroll'))
);

-- The plugin's rows carry their period's server. The foreign keys above name the period alone (the legacy
-- rollback drops the (id, server) key of raffle_periods, which they must not depend on); this trigger
-- refuses a row whose server is not its period's.
CREATE OR REPLACE FUNCTION raffle_rows_match_period_server() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM raffle_periods WHERE id = NEW.period_id AND discord_server_id = NEW.discord_server_id) THEN
        RAISE EXCEPTION 'raffle period % is not a period of server %', NEW.period_id, NEW.discord_server_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS raffle_ticket_log_period_server ON raffle_ticket_log;
CREATE TRIGGER raffle_ticket_log_period_server BEFORE INSERT ON raffle_ticket_log FOR EACH ROW EXECUTE FUNCTION raffle_rows_match_period_server();
DROP TRIGGER IF EXISTS raffle_watch_minutes_period_server ON raffle_watch_minutes;
CREATE TRIGGER raffle_watch_minutes_period_server BEFORE INSERT OR UPDATE OF period_id, discord_server_id ON raffle_watch_minutes FOR EACH ROW EXECUTE FUNCTION raffle_rows_match_period_server();
DROP TRIGGER IF EXISTS raffle_draw_records_period_server ON raffle_draw_records;
CREATE TRIGGER raffle_draw_records_period_server BEFORE INSERT OR UPDATE OF period_id, discord_server_id ON raffle_draw_records FOR EACH ROW EXECUTE FUNCTION raffle_rows_match_period_server();

-- Legacy draw rows stay the dashboard's view: one per winner, now tied to its draw and slot (unique).
ALTER TABLE raffle_draws ALTER COLUMN winner_discord_id DROP NOT NULL;
ALTER TABLE raffle_draws ADD COLUMN IF NOT EXISTS draw_number INTEGER;
ALTER TABLE raffle_draws ADD COLUMN IF NOT EXISTS winner_slot INTEGER;
ALTER TABLE raffle_draws ADD COLUMN IF NOT EXISTS participant_key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS raffle_draws_period_draw_slot ON raffle_draws (discord_server_id, period_id, draw_number, winner_slot) WHERE draw_number IS NOT NULL;

-- Announcements owed: written in the draw's transaction, closed once handed to the outbox, so a crash
-- between the two announces once after recovery.
CREATE TABLE IF NOT EXISTS raffle_announcements (
    discord_server_id BIGINT NOT NULL,
    period_id INTEGER NOT NULL,
    draw_number INTEGER NOT NULL,
    owed_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    delivered_at TIMESTAMPTZ(6),
    CONSTRAINT raffle_announcements_pkey PRIMARY KEY (discord_server_id, period_id, draw_number),
    CONSTRAINT raffle_announcements_draw_fkey FOREIGN KEY (discord_server_id, period_id, draw_number) REFERENCES raffle_draw_records (discord_server_id, period_id, draw_number)
);
CREATE INDEX IF NOT EXISTS raffle_announcements_owed ON raffle_announcements (discord_server_id) WHERE delivered_at IS NULL;

-- The leaderboard message of each server: what it last showed, so it is edited only when that changes.
CREATE TABLE IF NOT EXISTS raffle_leaderboards (
    discord_server_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    period_id INTEGER NOT NULL,
    shown_hash TEXT NOT NULL,
    edited_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT raffle_leaderboards_pkey PRIMARY KEY (discord_server_id)
);
