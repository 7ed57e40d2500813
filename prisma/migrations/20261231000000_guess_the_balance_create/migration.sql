-- Plugin guess-the-balance: adds only its own tables, and can be applied again (the legacy rollback takes it along).
-- Guess the balance (plugins/guess-the-balance): each server's rounds, its viewers' guesses and its moderators' panel; the old bot reads none of them.

-- A server's rounds, numbered #1, #2, ... in that server. Money is in whole cents (BIGINT), never a float.
CREATE TABLE IF NOT EXISTS gtb_rounds (
    discord_server_id BIGINT NOT NULL,
    number INTEGER NOT NULL,
    -- open (guesses taken) → closed (guesses frozen, the list committed) → finished (the final balance entered, winners placed).
    status TEXT NOT NULL DEFAULT 'open',
    opened_at TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    opened_by_discord_id BIGINT,
    closed_at TIMESTAMPTZ(3),
    -- At close: how many guesses there were and the sha256 (hex) of their canonical list (plugins/guess-the-balance/README.md).
    guess_count INTEGER,
    commitment TEXT,
    final_cents BIGINT,
    result_at TIMESTAMPTZ(3),
    result_by_discord_id BIGINT,
    winner_count SMALLINT,
    CONSTRAINT gtb_rounds_pkey PRIMARY KEY (discord_server_id, number),
    CONSTRAINT gtb_rounds_number_positive CHECK (number > 0),
    CONSTRAINT gtb_rounds_status CHECK (status IN ('open', 'closed', 'finished')),
    CONSTRAINT gtb_rounds_committed_when_closed CHECK ((status = 'open') = (commitment IS NULL) AND (commitment IS NULL) = (guess_count IS NULL)),
    CONSTRAINT gtb_rounds_commitment_hex CHECK (commitment IS NULL OR commitment ~ '^[0-9a-f]{64}$'),
    CONSTRAINT gtb_rounds_result_when_finished CHECK ((status = 'finished') = (final_cents IS NOT NULL) AND (final_cents IS NULL) = (winner_count IS NULL)),
    CONSTRAINT gtb_rounds_final_range CHECK (final_cents IS NULL OR final_cents BETWEEN 0 AND 99999999999999),
    CONSTRAINT gtb_rounds_winner_count CHECK (winner_count IS NULL OR winner_count BETWEEN 1 AND 10)
);

-- One round per server at a time that is not finished: so at most one open round, and a closed round gets its result before the next opens.
CREATE UNIQUE INDEX IF NOT EXISTS gtb_rounds_one_unfinished ON gtb_rounds (discord_server_id) WHERE status IN ('open', 'closed');

-- The order guesses were made in across the bot's processes, to break ties of equal times.
CREATE SEQUENCE IF NOT EXISTS gtb_guess_sequence;

-- One guess per viewer and round: `viewer` is 'discord:<id>' for a Kick account linked to a member here (so a member counts once
-- whichever account they guess from), else 'kick:<Kick user id>'. A new guess replaces the amount and the time.
CREATE TABLE IF NOT EXISTS gtb_guesses (
    discord_server_id BIGINT NOT NULL,
    round_number INTEGER NOT NULL,
    viewer TEXT NOT NULL,
    kick_user_id BIGINT NOT NULL,
    kick_username TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    guessed_at TIMESTAMPTZ(3) NOT NULL,
    sequence BIGINT NOT NULL DEFAULT nextval('gtb_guess_sequence'),
    -- 1..winner_count for the winners once the result is entered.
    place SMALLINT,
    CONSTRAINT gtb_guesses_pkey PRIMARY KEY (discord_server_id, round_number, viewer),
    CONSTRAINT gtb_guesses_round_fkey FOREIGN KEY (discord_server_id, round_number) REFERENCES gtb_rounds (discord_server_id, number) ON DELETE CASCADE,
    CONSTRAINT gtb_guesses_amount_range CHECK (amount_cents BETWEEN 1 AND 99999999999999),
    CONSTRAINT gtb_guesses_viewer_form CHECK (viewer ~ '^(discord|kick):[0-9]+$'),
    CONSTRAINT gtb_guesses_place_range CHECK (place IS NULL OR place BETWEEN 1 AND 10)
);

-- Guess order (the commitment's, the list's and the ties'), per round.
CREATE INDEX IF NOT EXISTS gtb_guesses_order ON gtb_guesses (discord_server_id, round_number, guessed_at, sequence);

-- The moderators' panel message of each server (one; posting it again moves it), edited in place when the round changes.
CREATE TABLE IF NOT EXISTS gtb_panels (
    discord_server_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    -- The outbox key it was posted under: the sent message's id is read from there.
    post_key TEXT NOT NULL,
    posted_at TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT gtb_panels_pkey PRIMARY KEY (discord_server_id)
);
