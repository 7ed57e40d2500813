-- Rolls the multi-server upgrade back so the old single-server bot can run again.
-- Not a migration: run it by hand (`npm run db:rollback-legacy`, or
-- `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f prisma/rollback/20261124000000_multi_server.down.sql`).
--
-- It refuses, changing nothing, unless every data row belongs to the original server
-- (the oldest servers row) and every later migration applied is one it rolls back with the
-- upgrade (listed below). It restores the old global keys, lets the old bot insert rows without
-- a server again, and forgets Kick tokens the new bot encrypted (the old bot cannot read them:
-- the streamer authorises again). The discord_server_id columns, the indexes, and what the
-- later migrations added stay: the old bot ignores them.
BEGIN;

-- The later migrations the old bot does not notice (new tables, new nullable or defaulted columns, all
-- written to be applied again): marked rolled back with the upgrade. Any other later migration makes it refuse.
CREATE TEMPORARY TABLE rolled_back_with_upgrade (migration_name text PRIMARY KEY) ON COMMIT DROP;
INSERT INTO rolled_back_with_upgrade VALUES ('20261125000000_server_membership'), ('20261126000000_kick_connection'), ('20261201000000_reliable_delivery'), ('20261230000000_overlay_keys');
-- A plugin's migration (first line "-- Plugin <name>: adds only its own tables ...") is one of them too.
-- The plugins' migrations are taken along here by npm run db:rollback-legacy.

DO $$
DECLARE
    original_server BIGINT;
    scoped_table text;
    foreign_rows bigint;
    problems text := '';
    unknown_later text;
BEGIN
    SELECT string_agg(migration_name, ', ' ORDER BY migration_name) INTO unknown_later
    FROM "_prisma_migrations"
    WHERE migration_name > '20261124000000_multi_server' AND finished_at IS NOT NULL AND rolled_back_at IS NULL
      AND migration_name NOT IN (SELECT migration_name FROM rolled_back_with_upgrade);
    IF unknown_later IS NOT NULL THEN
        RAISE EXCEPTION 'rollback refused: % is applied after 20261124000000_multi_server, and this script rolls back only % with it',
            unknown_later, (SELECT string_agg(migration_name, ', ' ORDER BY migration_name) FROM rolled_back_with_upgrade)
            USING HINT = 'Run it with npm run db:rollback-legacy, which takes the plugins'' migrations along; else undo what those migrations changed and delete their rows from _prisma_migrations first (the old bot has none of their features), or keep the multi-server bot.';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM "_prisma_migrations"
        WHERE migration_name = '20261124000000_multi_server' AND finished_at IS NOT NULL AND rolled_back_at IS NULL
    ) THEN
        RAISE EXCEPTION 'rollback refused: the multi-server upgrade (20261124000000_multi_server) is not applied';
    END IF;

    SELECT discord_server_id INTO original_server
    FROM servers ORDER BY created_at ASC NULLS LAST, discord_server_id ASC LIMIT 1;
    FOREACH scoped_table IN ARRAY ARRAY['bot_settings', 'custom_commands', 'timed_messages', 'point_settings',
        'raffle_periods', 'raffle_tickets', 'raffle_draws', 'shuffle_slots', 'links', 'user_points', 'watchtime',
        'point_shop_items', 'point_sales', 'slot_requests', 'kick_oauth_tokens']
    LOOP
        EXECUTE format('SELECT count(*) FROM %I WHERE discord_server_id IS DISTINCT FROM $1', scoped_table)
            INTO foreign_rows USING original_server;
        IF foreign_rows > 0 THEN
            problems := problems || format(' %s (%s rows)', scoped_table, foreign_rows);
        END IF;
    END LOOP;
    IF problems <> '' THEN
        RAISE EXCEPTION 'rollback refused: the old bot serves one server, but these tables hold rows of servers other than the original server %:%', original_server, problems
            USING HINT = 'Remove the bot from the other servers and delete their rows first, or keep the multi-server bot.';
    END IF;
END
$$;

-- Global keys of the old bot.
ALTER TABLE user_points DROP CONSTRAINT user_points_server_kick_username_key;
ALTER TABLE user_points ADD CONSTRAINT user_points_kick_username_key UNIQUE (kick_username);
ALTER TABLE watchtime DROP CONSTRAINT watchtime_pkey;
ALTER TABLE watchtime ADD CONSTRAINT watchtime_pkey PRIMARY KEY (username);
ALTER TABLE point_settings DROP CONSTRAINT point_settings_pkey;
ALTER TABLE point_settings ADD CONSTRAINT point_settings_pkey PRIMARY KEY (key);
ALTER TABLE kick_oauth_tokens DROP CONSTRAINT kick_oauth_tokens_pkey;
ALTER TABLE kick_oauth_tokens ADD CONSTRAINT kick_oauth_tokens_pkey PRIMARY KEY (user_id);

-- References without the server, as the old schema had them.
ALTER TABLE raffle_tickets DROP CONSTRAINT raffle_tickets_period_server_fkey;
ALTER TABLE raffle_tickets ADD CONSTRAINT raffle_tickets_period_id_fkey FOREIGN KEY (period_id) REFERENCES raffle_periods (id) ON DELETE CASCADE;
ALTER TABLE raffle_draws DROP CONSTRAINT raffle_draws_period_server_fkey;
ALTER TABLE raffle_draws ADD CONSTRAINT raffle_draws_period_id_fkey FOREIGN KEY (period_id) REFERENCES raffle_periods (id);
ALTER TABLE raffle_periods DROP CONSTRAINT raffle_periods_id_server_key;
ALTER TABLE point_sales DROP CONSTRAINT point_sales_server_item_fkey;
ALTER TABLE point_sales ADD CONSTRAINT point_sales_item_id_fkey FOREIGN KEY (item_id) REFERENCES point_shop_items (id);
ALTER TABLE point_shop_items DROP CONSTRAINT point_shop_items_server_id_key;

-- The old bot inserts rows without a server.
ALTER TABLE custom_commands   ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE timed_messages    ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE point_settings    ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE shuffle_slots     ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE user_points       ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE watchtime         ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE point_shop_items  ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE point_sales       ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE slot_requests     ALTER COLUMN discord_server_id DROP NOT NULL;
ALTER TABLE kick_oauth_tokens ALTER COLUMN discord_server_id DROP NOT NULL;

-- Tokens the new bot encrypted mean nothing to the old one.
UPDATE kick_oauth_tokens SET access_token = NULL, refresh_token = NULL WHERE access_token LIKE 'enc:v1:%' OR refresh_token LIKE 'enc:v1:%';

-- As `prisma migrate resolve --rolled-back`: the upgrade is pending again for a later `migrate deploy`.
-- The columns and tables those later migrations added stay (the old bot ignores them; re-applying keeps them).
UPDATE "_prisma_migrations" SET rolled_back_at = now()
WHERE (migration_name = '20261124000000_multi_server' OR migration_name IN (SELECT migration_name FROM rolled_back_with_upgrade)) AND rolled_back_at IS NULL;

COMMIT;
