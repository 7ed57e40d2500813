-- Legacy baseline: the single-server schema exactly as the old bot and its dashboard
-- created it (see LEGACY.md). A database that already has these tables is marked as
-- being at this migration (the bot does this by itself; by hand:
-- `prisma migrate resolve --applied 20240101000000_legacy_baseline`). IF NOT EXISTS
-- lets the bot's runner complete a legacy database that lacks some of them.

-- Tables that are already per server
CREATE TABLE IF NOT EXISTS servers (
    discord_server_id BIGINT PRIMARY KEY,
    server_name TEXT,
    owner_discord_id BIGINT,
    created_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS bot_settings (
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    discord_server_id BIGINT NOT NULL,
    updated_at TIMESTAMP DEFAULT now(),
    PRIMARY KEY (key, discord_server_id)
);

CREATE TABLE IF NOT EXISTS custom_commands (
    id SERIAL PRIMARY KEY,
    discord_server_id BIGINT,
    command TEXT NOT NULL,
    response TEXT NOT NULL,
    cooldown INTEGER DEFAULT 0,
    enabled BOOLEAN DEFAULT TRUE,
    use_count INTEGER DEFAULT 0,
    created_at TIMESTAMP DEFAULT now(),
    updated_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS timed_messages (
    id SERIAL PRIMARY KEY,
    discord_server_id BIGINT,
    message TEXT NOT NULL,
    interval_minutes INTEGER NOT NULL,
    enabled BOOLEAN DEFAULT TRUE,
    last_sent TIMESTAMP,
    created_by BIGINT,
    created_at TIMESTAMP DEFAULT now(),
    updated_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS point_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    discord_server_id BIGINT,
    updated_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS raffle_periods (
    id SERIAL PRIMARY KEY,
    discord_server_id BIGINT NOT NULL,
    start_date TIMESTAMP NOT NULL,
    end_date TIMESTAMP NOT NULL,
    status VARCHAR(20) DEFAULT 'active',
    total_tickets INTEGER DEFAULT 0,
    created_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS raffle_tickets (
    id SERIAL PRIMARY KEY,
    period_id INTEGER REFERENCES raffle_periods(id) ON DELETE CASCADE,
    discord_server_id BIGINT NOT NULL,
    discord_id BIGINT NOT NULL,
    kick_name TEXT NOT NULL,
    watchtime_tickets INTEGER DEFAULT 0,
    gifted_sub_tickets INTEGER DEFAULT 0,
    shuffle_wager_tickets INTEGER DEFAULT 0,
    bonus_tickets INTEGER DEFAULT 0,
    total_tickets INTEGER DEFAULT 0,
    last_updated TIMESTAMP DEFAULT now(),
    UNIQUE (period_id, discord_id)
);

CREATE TABLE IF NOT EXISTS raffle_draws (
    id SERIAL PRIMARY KEY,
    period_id INTEGER REFERENCES raffle_periods(id),
    discord_server_id BIGINT NOT NULL,
    total_tickets INTEGER NOT NULL,
    total_participants INTEGER NOT NULL,
    winner_discord_id BIGINT NOT NULL,
    winner_kick_name TEXT NOT NULL,
    winning_ticket INTEGER NOT NULL,
    prize_description TEXT,
    drawn_at TIMESTAMP DEFAULT now(),
    drawn_by_discord_id BIGINT,
    server_seed TEXT,
    client_seed TEXT,
    nonce TEXT,
    proof_hash TEXT
);

CREATE TABLE IF NOT EXISTS shuffle_slots (
    id SERIAL PRIMARY KEY,
    discord_server_id BIGINT,
    name TEXT NOT NULL,
    slug TEXT,
    provider TEXT,
    banned BOOLEAN DEFAULT FALSE,
    is_active BOOLEAN DEFAULT TRUE
);

CREATE TABLE IF NOT EXISTS links (
    discord_id BIGINT,
    kick_name TEXT,
    discord_server_id BIGINT,
    linked_at TIMESTAMP DEFAULT now(),
    PRIMARY KEY (discord_id, discord_server_id),
    UNIQUE (kick_name, discord_server_id)
);

-- Tables that are not yet per server (the multi-server upgrade adds discord_server_id)
CREATE TABLE IF NOT EXISTS user_points (
    id SERIAL PRIMARY KEY,
    kick_username TEXT NOT NULL,
    discord_id BIGINT,
    points INTEGER DEFAULT 0,
    total_earned INTEGER DEFAULT 0,
    total_spent INTEGER DEFAULT 0,
    last_updated TIMESTAMP DEFAULT now(),
    UNIQUE (kick_username)
);

CREATE TABLE IF NOT EXISTS watchtime (
    username TEXT PRIMARY KEY,
    minutes INTEGER DEFAULT 0,
    last_active TIMESTAMP
);

CREATE TABLE IF NOT EXISTS point_shop_items (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    price INTEGER NOT NULL,
    stock INTEGER DEFAULT -1,
    image_url TEXT,
    is_active BOOLEAN DEFAULT TRUE,
    created_at TIMESTAMP DEFAULT now(),
    updated_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS point_sales (
    id SERIAL PRIMARY KEY,
    item_id INTEGER REFERENCES point_shop_items(id),
    kick_username TEXT NOT NULL,
    discord_id BIGINT,
    item_name TEXT NOT NULL,
    price_paid INTEGER NOT NULL,
    quantity INTEGER DEFAULT 1,
    status TEXT DEFAULT 'pending',
    notes TEXT,
    purchased_at TIMESTAMP DEFAULT now()
);

CREATE TABLE IF NOT EXISTS slot_requests (
    id SERIAL PRIMARY KEY,
    kick_username TEXT NOT NULL,
    slot_call TEXT NOT NULL,
    requested_at TIMESTAMP DEFAULT now(),
    picked BOOLEAN DEFAULT FALSE,
    picked_at TIMESTAMP
);

-- Tokens were stored in plain text by the old bot; the new bot encrypts them.
CREATE TABLE IF NOT EXISTS kick_oauth_tokens (
    user_id BIGINT PRIMARY KEY,
    kick_username TEXT,
    access_token TEXT,
    refresh_token TEXT,
    scopes TEXT,
    expires_at TIMESTAMP,
    updated_at TIMESTAMP DEFAULT now()
);
