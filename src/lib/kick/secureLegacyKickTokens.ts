import type { Database } from '#lib/database/Database';

/**
 * At start: the old bot kept Kick tokens in plain text. With TOKEN_ENCRYPTION_KEY they are
 * encrypted in place; without it they are forgotten, so none stays readable. Idempotent: rows
 * already encrypted are left alone, so every later start changes nothing.
 */
export async function secureLegacyKickTokens(database: Database, encryptionKeySet: boolean, log: (line: string) => void): Promise<number> {
	let changed = 0;
	for (const guildId of await database.system.guildIdsWithPlaintextKickTokens()) {
		const tokens = database.forGuild(guildId).kickTokens;
		const rows = encryptionKeySet ? await tokens.encryptPlaintextRows() : await tokens.forgetPlaintextRows();
		if (rows > 0) {
			log(
				encryptionKeySet
					? `Kick tokens: encrypted ${rows} plain-text token row(s) of server ${guildId} left by the old bot.`
					: `Kick tokens: forgot ${rows} plain-text token row(s) of server ${guildId} left by the old bot (TOKEN_ENCRYPTION_KEY is not set, so they could not be encrypted); the streamer authorises again with /kick connect.`
			);
		}
		changed += rows;
	}
	return changed;
}
