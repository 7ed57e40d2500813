-- Plugin raffles: adds only its own tables, and can be applied again
-- A participant's tickets are unique per (server, period, participant): the key names the server, as every unique key does.
CREATE UNIQUE INDEX IF NOT EXISTS raffle_tickets_server_period_participant ON raffle_tickets (discord_server_id, period_id, participant_key);
DROP INDEX IF EXISTS raffle_tickets_period_participant;
