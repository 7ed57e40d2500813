-- Plugin custom-commands: adds only its own tables, and can be applied again
-- Custom commands (plugins/custom-commands): the rules a command answers by. Every added column has
-- a default that keeps a legacy row (or one the dashboard writes with the legacy columns only)
-- answering as before: everyone, in Kick chat and Discord, always, with its `cooldown` per command.

-- Other names it answers to, as typed without the prefix.
ALTER TABLE custom_commands ADD COLUMN IF NOT EXISTS aliases TEXT[] NOT NULL DEFAULT '{}';
-- Who may use it: everyone, subscribers, vips, moderators or broadcaster.
ALTER TABLE custom_commands ADD COLUMN IF NOT EXISTS access TEXT NOT NULL DEFAULT 'everyone';
-- Where it answers: kick (chat), discord (prefix), or both.
ALTER TABLE custom_commands ADD COLUMN IF NOT EXISTS answers_in TEXT NOT NULL DEFAULT 'both';
-- How long one user waits before using it again (seconds; `cooldown` stays the one for everyone).
ALTER TABLE custom_commands ADD COLUMN IF NOT EXISTS user_cooldown INTEGER NOT NULL DEFAULT 0;
-- When it answers: always, live (only while the stream is live) or offline.
ALTER TABLE custom_commands ADD COLUMN IF NOT EXISTS live_mode TEXT NOT NULL DEFAULT 'always';
-- Whether its Discord answer may ping the users it names (never @everyone, @here or roles).
ALTER TABLE custom_commands ADD COLUMN IF NOT EXISTS allow_mentions BOOLEAN NOT NULL DEFAULT FALSE;

DO $$ BEGIN
    ALTER TABLE custom_commands ADD CONSTRAINT custom_commands_access_known CHECK (access IN ('everyone', 'subscribers', 'vips', 'moderators', 'broadcaster'));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$ BEGIN
    ALTER TABLE custom_commands ADD CONSTRAINT custom_commands_answers_in_known CHECK (answers_in IN ('kick', 'discord', 'both'));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$ BEGIN
    ALTER TABLE custom_commands ADD CONSTRAINT custom_commands_live_mode_known CHECK (live_mode IN ('always', 'live', 'offline'));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$ BEGIN
    ALTER TABLE custom_commands ADD CONSTRAINT custom_commands_user_cooldown_range CHECK (user_cooldown BETWEEN 0 AND 86400);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
