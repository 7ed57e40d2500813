-- Plugin timed-messages: adds only its own tables, and can be applied again
-- Timers (plugins/timed-messages): each `timed_messages` row is a timer. Its `message` is the first
-- message it cycles and `extra_messages` the others, so a legacy row (and one the dashboard writes
-- with the legacy columns only) stays a valid timer of one message. Every added column has a
-- default; nothing the old bot or the dashboard reads is dropped or renamed.

-- The messages after the first, posted in turn after it.
ALTER TABLE timed_messages ADD COLUMN IF NOT EXISTS extra_messages TEXT[] NOT NULL DEFAULT '{}';
-- Posts only while Kick says the stream is live (the default), or also offline.
ALTER TABLE timed_messages ADD COLUMN IF NOT EXISTS live_only BOOLEAN NOT NULL DEFAULT TRUE;
-- Posts only once this many chat lines were counted since its last post (0: no minimum).
ALTER TABLE timed_messages ADD COLUMN IF NOT EXISTS min_chat_lines INTEGER NOT NULL DEFAULT 0;
-- A Discord channel of the server it posts to as well (NULL: Kick chat only).
ALTER TABLE timed_messages ADD COLUMN IF NOT EXISTS discord_channel_id BIGINT;
-- How many times it posted: the claim of a post raises it, and it picks the message of the post.
ALTER TABLE timed_messages ADD COLUMN IF NOT EXISTS times_sent INTEGER NOT NULL DEFAULT 0;
-- The server's chat line counter (kept in Redis) at its last post: lines since = counter - mark.
ALTER TABLE timed_messages ADD COLUMN IF NOT EXISTS chat_lines_mark BIGINT;

DO $$ BEGIN
    ALTER TABLE timed_messages ADD CONSTRAINT timed_messages_min_chat_lines_range CHECK (min_chat_lines BETWEEN 0 AND 100000);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- The tick reads a server's due timers through idx_timed_messages_server (a server has 50 at most).
