-- Nothing accepted is lost (issue 10). Additive for the old bot, which reads none of these
-- tables; written to be applied again after a rollback of the multi-server upgrade.

-- Everything the bot posts, in Kick chat or a Discord channel, recorded before it is sent and
-- sent at most once: a crash or restart leaves it here for the next process, within its
-- freshness window (expires_at); what became of it stays visible to moderators (/kick status).
CREATE TABLE IF NOT EXISTS outbox_messages (
    id BIGSERIAL PRIMARY KEY,
    discord_server_id BIGINT NOT NULL,
    -- 'kick_chat' (target: the broadcaster user id) or 'discord_channel' (target: the channel id).
    destination TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    -- What it is ('reply', 'announcement', 'alert', ...): each kind has its freshness window.
    kind TEXT NOT NULL,
    -- The same work done again (a recovered event, a retried task) names the same message.
    dedupe_key TEXT NOT NULL,
    content TEXT NOT NULL,
    -- Discord only: embeds and the like, as discord.js sends them.
    payload JSONB,
    reply_to TEXT,
    -- pending → sending → sent | failed; or expired, dropped, interrupted (a send cut short by a crash: maybe sent, never repeated).
    status TEXT NOT NULL DEFAULT 'pending',
    owner TEXT,
    leased_until TIMESTAMPTZ(6),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ(6) NOT NULL,
    finished_at TIMESTAMPTZ(6),
    sent_message_id TEXT,
    error TEXT,
    CONSTRAINT outbox_messages_server_dedupe_key UNIQUE (discord_server_id, dedupe_key)
);
-- What a process takes over when the owner of a message stopped renewing its lease.
CREATE INDEX IF NOT EXISTS idx_outbox_messages_open ON outbox_messages (leased_until) WHERE status IN ('pending', 'sending');
-- What /kick status counts for one server.
CREATE INDEX IF NOT EXISTS idx_outbox_messages_server_finished ON outbox_messages (discord_server_id, finished_at);

-- The failures of the Kick chat sender move into the outbox, where every outcome is kept.
DO $$
BEGIN
    IF to_regclass('kick_chat_failures') IS NOT NULL THEN
        INSERT INTO outbox_messages (discord_server_id, destination, target_id, kind, dedupe_key, content, status, attempts, created_at, expires_at, finished_at, error)
        SELECT discord_server_id, 'kick_chat', broadcaster_user_id, 'reply', 'kick_chat_failures:' || id, content, 'failed', attempts, failed_at, failed_at, failed_at, error
        FROM kick_chat_failures
        ON CONFLICT DO NOTHING;
        DROP TABLE kick_chat_failures;
    END IF;
END
$$;

-- Kick events: who is handing one over (owner, renewed lease) and how often it failed; one that
-- keeps failing is parked with its error instead of blocking or renewing the others.
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS owner TEXT;
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS leased_until TIMESTAMPTZ(6);
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS last_error TEXT;
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS parked_at TIMESTAMPTZ(6);
-- The channel as the event named it (text: a malformed id must still be shown where it belongs).
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS channel TEXT;
-- The servers an event was already handed to when an attempt failed for another: a retry skips them.
ALTER TABLE kick_event_receipts ADD COLUMN IF NOT EXISTS handed_to BIGINT[] NOT NULL DEFAULT '{}';
DROP INDEX IF EXISTS idx_kick_event_receipts_unhandled;
CREATE INDEX IF NOT EXISTS idx_kick_event_receipts_open ON kick_event_receipts (leased_until) WHERE handled_at IS NULL AND parked_at IS NULL AND event IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_kick_event_receipts_parked ON kick_event_receipts (channel, parked_at) WHERE parked_at IS NOT NULL;
-- Events taken before this migration: leased as the old grace period had it, channel from the stored event.
UPDATE kick_event_receipts SET leased_until = received_at + interval '60 seconds' WHERE leased_until IS NULL AND handled_at IS NULL;
UPDATE kick_event_receipts SET channel = event->>'broadcasterUserId' WHERE channel IS NULL AND event IS NOT NULL;
