-- When the bot was removed from a server. The row and all the server's data stay (the bot may be
-- invited back, and the dashboard still shows its history); NULL means the bot is in the server.
ALTER TABLE servers ADD COLUMN IF NOT EXISTS left_at TIMESTAMP(6);
