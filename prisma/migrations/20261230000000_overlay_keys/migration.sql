-- Overlays for OBS (issue 16): each server's secret overlay key. Additive only: the old bot reads none of it.

-- One key per server. The pages find the server by the key's SHA-256 (unique); the key itself is kept
-- encrypted (as Kick tokens are, bound to the server's row) so /overlay urls can show the URLs again.
CREATE TABLE IF NOT EXISTS overlay_keys (
    discord_server_id BIGINT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    key_encrypted TEXT NOT NULL,
    created_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    rotated_at TIMESTAMPTZ(6)
);
CREATE UNIQUE INDEX IF NOT EXISTS overlay_keys_key_hash_key ON overlay_keys (key_hash);
