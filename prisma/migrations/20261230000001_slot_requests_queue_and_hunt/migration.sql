-- Plugin slot-requests: adds only its own tables, and can be applied again
-- Slot requests (plugins/slot-requests): the legacy slot_requests rows keep their meaning
-- (picked = FALSE is an open request) and every added column is nullable, so rows the old bot or
-- the dashboard write with the legacy columns only are open requests as before.

-- Who asked (Kick user id, when known), the catalogue slot it matched, and how it ended.
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS kick_user_id BIGINT;
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS slot_id INTEGER;
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS played_at TIMESTAMP;
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS skipped_at TIMESTAMP;
-- Money in exact decimals: the bet and what it paid, when played.
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS bet NUMERIC(14, 2);
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS payout NUMERIC(14, 2);
-- The bonus hunt it was played in.
ALTER TABLE slot_requests ADD COLUMN IF NOT EXISTS hunt_id INTEGER;
DO $$ BEGIN
    ALTER TABLE slot_requests ADD CONSTRAINT slot_requests_money_valid CHECK ((bet IS NULL OR bet > 0) AND (payout IS NULL OR payout >= 0));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
-- The open queue and a caller's open requests, per server.
CREATE INDEX IF NOT EXISTS idx_slot_requests_server_open ON slot_requests (discord_server_id, id) WHERE NOT COALESCE(picked, FALSE);
CREATE INDEX IF NOT EXISTS idx_slot_requests_server_hunt ON slot_requests (discord_server_id, hunt_id) WHERE played_at IS NOT NULL;

-- One row per server: open or closed, the seed committed for its next pick, the panel message.
CREATE TABLE IF NOT EXISTS slot_request_state (
    discord_server_id BIGINT PRIMARY KEY,
    is_open BOOLEAN NOT NULL DEFAULT FALSE,
    next_server_seed TEXT NOT NULL,
    next_commitment TEXT NOT NULL,
    picks INTEGER NOT NULL DEFAULT 0,
    panel_channel_id BIGINT,
    panel_post_key TEXT,
    updated_at TIMESTAMP NOT NULL DEFAULT now()
);

-- Kick users whose requests are ignored, per server (the key is the name in lower case).
CREATE TABLE IF NOT EXISTS slot_request_blacklist (
    discord_server_id BIGINT NOT NULL,
    kick_username_key TEXT NOT NULL,
    kick_username TEXT NOT NULL,
    added_by_discord_id BIGINT,
    added_at TIMESTAMP NOT NULL DEFAULT now(),
    PRIMARY KEY (discord_server_id, kick_username_key)
);

-- Every pick with what recomputes it: the revealed seed, its commitment, the queue's ids, the nonce.
CREATE TABLE IF NOT EXISTS slot_picks (
    id SERIAL PRIMARY KEY,
    discord_server_id BIGINT NOT NULL,
    nonce INTEGER NOT NULL,
    request_id INTEGER NOT NULL,
    server_seed TEXT NOT NULL,
    commitment TEXT NOT NULL,
    client_seed TEXT NOT NULL,
    candidate_ids INTEGER[] NOT NULL,
    drawn_index INTEGER NOT NULL,
    rejections INTEGER NOT NULL,
    picked_by_discord_id BIGINT,
    picked_at TIMESTAMP NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS slot_picks_server_nonce ON slot_picks (discord_server_id, nonce);

-- Bonus hunts: at most one running (ended_at NULL) per server.
CREATE TABLE IF NOT EXISTS slot_hunts (
    id SERIAL PRIMARY KEY,
    discord_server_id BIGINT NOT NULL,
    start_balance NUMERIC(14, 2) NOT NULL CHECK (start_balance >= 0),
    started_at TIMESTAMP NOT NULL DEFAULT now(),
    ended_at TIMESTAMP,
    started_by_discord_id BIGINT
);
CREATE INDEX IF NOT EXISTS idx_slot_hunts_server ON slot_hunts (discord_server_id);
CREATE UNIQUE INDEX IF NOT EXISTS slot_hunts_one_running ON slot_hunts (discord_server_id) WHERE ended_at IS NULL;
