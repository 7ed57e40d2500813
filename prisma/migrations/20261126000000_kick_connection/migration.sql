-- The Kick connection (issue 5). Additive only: the old bot reads none of these tables.

-- One server's link to its Kick channel: how events arrive and how healthy the link is.
-- The channel itself (slug, broadcaster id) is also in bot_settings, where the dashboard reads it.
CREATE TABLE IF NOT EXISTS kick_connections (
    discord_server_id BIGINT PRIMARY KEY,
    broadcaster_user_id BIGINT NOT NULL,
    channel_slug TEXT NOT NULL,
    connected_by_discord_id BIGINT,
    connected_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    events_via TEXT NOT NULL DEFAULT 'webhook',
    subscription_state TEXT NOT NULL DEFAULT 'pending',
    subscription_detail TEXT,
    subscription_checked_at TIMESTAMPTZ(6),
    needs_reauthorization_since TIMESTAMPTZ(6),
    reauthorization_reason TEXT,
    is_live BOOLEAN,
    live_title TEXT,
    live_since TIMESTAMPTZ(6),
    live_changed_at TIMESTAMPTZ(6),
    last_event_at TIMESTAMPTZ(6),
    last_event_type TEXT
);
CREATE INDEX IF NOT EXISTS idx_kick_connections_broadcaster ON kick_connections (broadcaster_user_id);

-- Pending Kick authorisations: single-use state bound to one server and one Discord user.
CREATE TABLE IF NOT EXISTS kick_oauth_states (
    state TEXT PRIMARY KEY,
    discord_server_id BIGINT NOT NULL,
    discord_user_id BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    requested_slug TEXT,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ(6) NOT NULL
);
-- One pending authorisation per server, user and purpose: starting again replaces the earlier one.
CREATE UNIQUE INDEX IF NOT EXISTS kick_oauth_states_server_user_purpose_key ON kick_oauth_states (discord_server_id, discord_user_id, purpose);
CREATE INDEX IF NOT EXISTS idx_kick_oauth_states_expiry ON kick_oauth_states (expires_at);

-- Outgoing chat messages Kick did not take after every retry, shown to moderators.
CREATE TABLE IF NOT EXISTS kick_chat_failures (
    id BIGSERIAL PRIMARY KEY,
    discord_server_id BIGINT NOT NULL,
    broadcaster_user_id BIGINT NOT NULL,
    content TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    failed_at TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_kick_chat_failures_server ON kick_chat_failures (discord_server_id, failed_at);

-- Kick events already taken, by delivery id or chat message id: the insert-if-absent that makes
-- a retried webhook, a second reader or a second bot process do nothing twice. Kick-level,
-- written before an event is routed to servers, so it has no server column. The event is kept
-- until it has been handed to its servers (handled_at), so one taken just before a crash is
-- handled after it.
CREATE TABLE IF NOT EXISTS kick_event_receipts (
    event_key TEXT PRIMARY KEY,
    received_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    event JSONB,
    handled_at TIMESTAMPTZ(6)
);
CREATE INDEX IF NOT EXISTS idx_kick_event_receipts_received ON kick_event_receipts (received_at);
CREATE INDEX IF NOT EXISTS idx_kick_event_receipts_unhandled ON kick_event_receipts (received_at) WHERE handled_at IS NULL AND event IS NOT NULL;
