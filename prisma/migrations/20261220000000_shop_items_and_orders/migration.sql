-- Plugin shop: adds only its own tables, and can be applied again.
-- The point shop (plugins/shop): the legacy point_shop_items and point_sales keep every column the
-- old bot and the dashboard read; items gain per-user limits, requirements, a question and a kind,
-- sales the buyer's answer and who handled them. Legacy rows keep working with the defaults.
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS per_user_limit INTEGER NOT NULL DEFAULT -1;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS limit_window_hours INTEGER;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS requires_link BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS required_role_id BIGINT;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS min_watch_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS question TEXT;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT 'moderators';
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS raffle_tickets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE point_shop_items ADD COLUMN IF NOT EXISTS removed_at TIMESTAMP(6);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'point_shop_items_kind_check') THEN
        ALTER TABLE point_shop_items ADD CONSTRAINT point_shop_items_kind_check
            CHECK (kind IN ('moderators', 'raffle_tickets') AND (kind <> 'raffle_tickets' OR raffle_tickets > 0)) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'point_sales_server_id_key') THEN
        ALTER TABLE point_sales ADD CONSTRAINT point_sales_server_id_key UNIQUE (discord_server_id, id);
    END IF;
END $$;

ALTER TABLE point_sales ADD COLUMN IF NOT EXISTS answer TEXT;
ALTER TABLE point_sales ADD COLUMN IF NOT EXISTS handled_by_discord_id BIGINT;
ALTER TABLE point_sales ADD COLUMN IF NOT EXISTS handled_at TIMESTAMP(6);

-- A buyer's sales of an item (the per-user limit) and the pending queue.
CREATE INDEX IF NOT EXISTS idx_point_sales_server_item_buyer ON point_sales (discord_server_id, item_id, lower(kick_username), purchased_at);
CREATE INDEX IF NOT EXISTS idx_point_sales_server_pending ON point_sales (discord_server_id, id) WHERE status = 'pending';

-- Where the shop message is: its channel and the outbox key it was posted under (its id comes from the outbox).
CREATE TABLE IF NOT EXISTS shop_messages (
    discord_server_id BIGINT PRIMARY KEY,
    channel_id BIGINT NOT NULL,
    post_key TEXT NOT NULL,
    updated_at TIMESTAMP(6) NOT NULL DEFAULT now()
);
