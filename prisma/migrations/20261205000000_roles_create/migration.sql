-- Plugin roles: adds only its own tables, and can be applied again (the legacy rollback takes it along).
-- Roles the bot gives linked members per server (plugins/roles); the old single-server bot reads none of these tables.

-- Watch-time tiers: a member who watched `minutes` gets `role_id` (none until a moderator sets one).
CREATE TABLE IF NOT EXISTS role_tiers (
    discord_server_id BIGINT NOT NULL,
    minutes INTEGER NOT NULL,
    role_id BIGINT,
    CONSTRAINT role_tiers_pkey PRIMARY KEY (discord_server_id, minutes),
    CONSTRAINT role_tiers_minutes_range CHECK (minutes BETWEEN 1 AND 10000000)
);
-- One tier per role in a server.
CREATE UNIQUE INDEX IF NOT EXISTS role_tiers_server_role ON role_tiers (discord_server_id, role_id) WHERE role_id IS NOT NULL;

-- Kick subscriptions to the server's channel, from sub, renewal and gift events: one row per subscriber, the latest expiry kept.
CREATE TABLE IF NOT EXISTS kick_subscriptions (
    discord_server_id BIGINT NOT NULL,
    kick_user_id BIGINT NOT NULL,
    kick_username TEXT NOT NULL,
    expires_at TIMESTAMPTZ(6) NOT NULL,
    -- When the latest event about it happened (its username is that event's).
    last_event_at TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT kick_subscriptions_pkey PRIMARY KEY (discord_server_id, kick_user_id)
);
CREATE INDEX IF NOT EXISTS kick_subscriptions_server_expiry ON kick_subscriptions (discord_server_id, expires_at);

-- The roles the bot gave members (or found them holding when they qualified), and why: only these does it ever take back.
CREATE TABLE IF NOT EXISTS role_grants (
    discord_server_id BIGINT NOT NULL,
    discord_id BIGINT NOT NULL,
    role_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    granted_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT role_grants_pkey PRIMARY KEY (discord_server_id, discord_id, role_id),
    CONSTRAINT role_grants_kind CHECK (kind IN ('linked', 'subscriber', 'tier'))
);

-- Linked members Discord says are not in the server: not asked about again for a day.
CREATE TABLE IF NOT EXISTS role_absent_members (
    discord_server_id BIGINT NOT NULL,
    discord_id BIGINT NOT NULL,
    noted_at TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT role_absent_members_pkey PRIMARY KEY (discord_server_id, discord_id)
);

-- Roles the bot could not give or take (above its highest role, managed, missing, no Manage Roles): told to the moderators once, not tried again until fixed.
CREATE TABLE IF NOT EXISTS role_problems (
    discord_server_id BIGINT NOT NULL,
    role_id BIGINT NOT NULL,
    problem TEXT NOT NULL,
    noted_at TIMESTAMPTZ(6) NOT NULL,
    -- Null until the moderators were told.
    reported_at TIMESTAMPTZ(6),
    -- Null: tried again once the bot's cache no longer shows the problem; else not before then (Discord refused what the cache allowed).
    probe_after TIMESTAMPTZ(6),
    CONSTRAINT role_problems_pkey PRIMARY KEY (discord_server_id, role_id)
);
