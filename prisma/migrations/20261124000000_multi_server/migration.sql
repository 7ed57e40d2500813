-- Multi-server upgrade ("Phase 1" of the plan): every row belongs to exactly one Discord
-- server. Additive for the old bot: no table or column it reads is dropped or renamed.
-- The one non-additive change is uniqueness (global keys become per-server keys); see
-- docs/upgrading.md and prisma/rollback/ for what a rollback to the old bot means.

-- Session-local helpers: legacy databases were created by hand, so their key names vary;
-- keys are found by their columns instead of by name.
CREATE OR REPLACE FUNCTION pg_temp.kickbot_key_columns(target regclass, key_attnums int2[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(a.attname::text ORDER BY a.attname::text)
    FROM unnest(key_attnums) AS k(attnum)
    JOIN pg_attribute a ON a.attrelid = target AND a.attnum = k.attnum
$$;

CREATE OR REPLACE FUNCTION pg_temp.kickbot_drop_key(target regclass, key_columns text[], key_types "char"[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    wanted text[] := (SELECT array_agg(c ORDER BY c) FROM unnest(key_columns) AS c);
    found record;
BEGIN
    FOR found IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = target AND contype = ANY (key_types)
          AND pg_temp.kickbot_key_columns(target, conkey) = wanted
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', target, found.conname);
    END LOOP;
    -- A uniqueness made with CREATE UNIQUE INDEX has no constraint row.
    IF 'u' = ANY (key_types) THEN
        FOR found IN
            SELECT i.indexrelid::regclass AS index_name FROM pg_index i
            WHERE i.indrelid = target AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
              AND pg_temp.kickbot_key_columns(target, i.indkey::int2[]) = wanted
        LOOP
            EXECUTE format('DROP INDEX %s', found.index_name);
        END LOOP;
    END IF;
END
$$;

-- 1. The server column on the tables that did not have one.
ALTER TABLE user_points      ADD COLUMN IF NOT EXISTS discord_server_id BIGINT;
ALTER TABLE watchtime        ADD COLUMN IF NOT EXISTS discord_server_id BIGINT;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS discord_server_id BIGINT;
ALTER TABLE point_sales      ADD COLUMN IF NOT EXISTS discord_server_id BIGINT;
ALTER TABLE slot_requests    ADD COLUMN IF NOT EXISTS discord_server_id BIGINT;
ALTER TABLE kick_oauth_tokens ADD COLUMN IF NOT EXISTS discord_server_id BIGINT;

-- 2. Backfill every unscoped row with the original server: the oldest servers row
--    (by created_at, then by id). The bot records DISCORD_GUILD_ID there first when
--    servers is empty.
DO $$
DECLARE
    original_server BIGINT;
    scoped_table text;
BEGIN
    SELECT discord_server_id INTO original_server
    FROM servers ORDER BY created_at ASC NULLS LAST, discord_server_id ASC LIMIT 1;
    IF original_server IS NULL THEN
        RETURN;
    END IF;
    FOREACH scoped_table IN ARRAY ARRAY['custom_commands', 'timed_messages', 'point_settings',
        'shuffle_slots', 'user_points', 'watchtime', 'point_shop_items', 'point_sales',
        'slot_requests', 'kick_oauth_tokens']
    LOOP
        EXECUTE format('UPDATE %I SET discord_server_id = $1 WHERE discord_server_id IS NULL', scoped_table)
            USING original_server;
    END LOOP;
END
$$;

-- 3. Refuse (and roll back) rather than leave rows that belong to no server.
DO $$
DECLARE
    scoped_table text;
    orphan_count bigint;
    orphans text := '';
BEGIN
    FOREACH scoped_table IN ARRAY ARRAY['custom_commands', 'timed_messages', 'point_settings',
        'shuffle_slots', 'user_points', 'watchtime', 'point_shop_items', 'point_sales',
        'slot_requests', 'kick_oauth_tokens']
    LOOP
        EXECUTE format('SELECT count(*) FROM %I WHERE discord_server_id IS NULL', scoped_table) INTO orphan_count;
        IF orphan_count > 0 THEN
            orphans := orphans || format(' %s (%s rows)', scoped_table, orphan_count);
        END IF;
    END LOOP;
    IF orphans <> '' THEN
        RAISE EXCEPTION 'multi-server upgrade: these legacy rows belong to no server and the servers table is empty:%', orphans
            USING HINT = 'Start the bot once with DISCORD_GUILD_ID set to your original Discord server (it records that server before upgrading), or INSERT that server into servers, then migrate again.';
    END IF;
END
$$;

ALTER TABLE custom_commands   ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE timed_messages    ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE point_settings    ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE shuffle_slots     ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE user_points       ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE watchtime         ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE point_shop_items  ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE point_sales       ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE slot_requests     ALTER COLUMN discord_server_id SET NOT NULL;
ALTER TABLE kick_oauth_tokens ALTER COLUMN discord_server_id SET NOT NULL;

-- 4. Global keys become per-server keys.
SELECT pg_temp.kickbot_drop_key('user_points', ARRAY['kick_username'], ARRAY['u']::"char"[]);
ALTER TABLE user_points ADD CONSTRAINT user_points_server_kick_username_key UNIQUE (discord_server_id, kick_username);

SELECT pg_temp.kickbot_drop_key('watchtime', ARRAY['username'], ARRAY['p', 'u']::"char"[]);
ALTER TABLE watchtime ADD CONSTRAINT watchtime_pkey PRIMARY KEY (discord_server_id, username);

SELECT pg_temp.kickbot_drop_key('point_settings', ARRAY['key'], ARRAY['p', 'u']::"char"[]);
ALTER TABLE point_settings ADD CONSTRAINT point_settings_pkey PRIMARY KEY (discord_server_id, key);

SELECT pg_temp.kickbot_drop_key('kick_oauth_tokens', ARRAY['user_id'], ARRAY['p', 'u']::"char"[]);
ALTER TABLE kick_oauth_tokens ADD CONSTRAINT kick_oauth_tokens_pkey PRIMARY KEY (discord_server_id, user_id);

-- 5. A child row can only point at a parent of its own server: references carry the server.
--    A ticket or draw takes the server of its period (the period is the authority).
ALTER TABLE raffle_periods ADD CONSTRAINT raffle_periods_id_server_key UNIQUE (id, discord_server_id);
UPDATE raffle_tickets t SET discord_server_id = p.discord_server_id
FROM raffle_periods p WHERE t.period_id = p.id AND t.discord_server_id <> p.discord_server_id;
UPDATE raffle_draws d SET discord_server_id = p.discord_server_id
FROM raffle_periods p WHERE d.period_id = p.id AND d.discord_server_id <> p.discord_server_id;

SELECT pg_temp.kickbot_drop_key('raffle_tickets', ARRAY['period_id'], ARRAY['f']::"char"[]);
ALTER TABLE raffle_tickets ADD CONSTRAINT raffle_tickets_period_server_fkey
    FOREIGN KEY (period_id, discord_server_id) REFERENCES raffle_periods (id, discord_server_id) ON DELETE CASCADE;
SELECT pg_temp.kickbot_drop_key('raffle_draws', ARRAY['period_id'], ARRAY['f']::"char"[]);
ALTER TABLE raffle_draws ADD CONSTRAINT raffle_draws_period_server_fkey
    FOREIGN KEY (period_id, discord_server_id) REFERENCES raffle_periods (id, discord_server_id);

ALTER TABLE point_shop_items ADD CONSTRAINT point_shop_items_server_id_key UNIQUE (discord_server_id, id);
SELECT pg_temp.kickbot_drop_key('point_sales', ARRAY['item_id'], ARRAY['f']::"char"[]);
ALTER TABLE point_sales ADD CONSTRAINT point_sales_server_item_fkey
    FOREIGN KEY (discord_server_id, item_id) REFERENCES point_shop_items (discord_server_id, id);

-- 6. Indexes for per-server reads (tables whose keys already lead with the server need none).
CREATE INDEX IF NOT EXISTS idx_bot_settings_server ON bot_settings (discord_server_id);
CREATE INDEX IF NOT EXISTS idx_custom_commands_server ON custom_commands (discord_server_id, lower(command));
CREATE INDEX IF NOT EXISTS idx_timed_messages_server ON timed_messages (discord_server_id);
CREATE INDEX IF NOT EXISTS idx_raffle_periods_server ON raffle_periods (discord_server_id, status);
CREATE INDEX IF NOT EXISTS idx_raffle_draws_server ON raffle_draws (discord_server_id, period_id);
CREATE INDEX IF NOT EXISTS idx_shuffle_slots_server ON shuffle_slots (discord_server_id);
CREATE INDEX IF NOT EXISTS idx_links_server ON links (discord_server_id);
CREATE INDEX IF NOT EXISTS idx_user_points_server_points ON user_points (discord_server_id, points DESC NULLS LAST, id);
CREATE INDEX IF NOT EXISTS idx_point_sales_server ON point_sales (discord_server_id, purchased_at);
CREATE INDEX IF NOT EXISTS idx_slot_requests_server ON slot_requests (discord_server_id, requested_at);

DROP FUNCTION pg_temp.kickbot_drop_key(regclass, text[], "char"[]);
DROP FUNCTION pg_temp.kickbot_key_columns(regclass, int2[]);
