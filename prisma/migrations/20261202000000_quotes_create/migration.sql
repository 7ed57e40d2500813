-- Plugin quotes: adds only its own tables, and can be applied again (the legacy rollback takes it along).
-- Each server's numbered quotes (plugins/quotes); the old single-server bot reads neither table.

-- A server's quotes, numbered #1, #2, ... in that server; a removed number is never given again.
CREATE TABLE IF NOT EXISTS quotes (
    discord_server_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    -- Who added it: a member in Discord (their user id) or a chatter in Kick chat (their Kick username), never both.
    added_by_discord_id BIGINT,
    added_by_kick_username TEXT,
    added_at TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT quotes_pkey PRIMARY KEY (discord_server_id, number),
    CONSTRAINT quotes_number_positive CHECK (number > 0),
    CONSTRAINT quotes_text_length CHECK (char_length(text) BETWEEN 1 AND 400),
    CONSTRAINT quotes_added_by_one CHECK ((added_by_discord_id IS NULL) <> (added_by_kick_username IS NULL))
);

-- The last number each server gave a quote: the next add takes the one after, in the same statement.
CREATE TABLE IF NOT EXISTS quote_numbers (
    discord_server_id BIGINT NOT NULL,
    last_number INTEGER NOT NULL,
    CONSTRAINT quote_numbers_pkey PRIMARY KEY (discord_server_id)
);
