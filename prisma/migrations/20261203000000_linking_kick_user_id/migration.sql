-- Plugin linking: adds only its own tables' columns and indexes, and can be applied again (the legacy rollback takes it along).
-- The Kick account of a link by its user id (a Kick username can change); the old bot never reads it.
ALTER TABLE links ADD COLUMN IF NOT EXISTS kick_user_id BIGINT;
-- Kick names are one account whatever their case: lookups go by lower(kick_name) within a server.
CREATE INDEX IF NOT EXISTS idx_links_server_kick_name_lower ON links (discord_server_id, lower(kick_name));
CREATE INDEX IF NOT EXISTS idx_links_server_kick_user_id ON links (discord_server_id, kick_user_id);
