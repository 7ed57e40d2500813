import { GuildRepository, InvalidInputError, Prisma, assertPositiveInteger } from '#core';
import { QUOTE_MAX_LENGTH, characterCount } from './quoteText.js';

/** Who added a quote: a member in Discord, or a chatter in the server's Kick chat. */
export type QuoteAuthor = { readonly via: 'discord'; readonly userId: bigint } | { readonly via: 'kick'; readonly username: string };

export interface QuoteRecord {
	/** The quote's number in its server: #1, #2, ... */
	readonly number: number;
	readonly text: string;
	readonly addedBy: QuoteAuthor;
	readonly addedAt: Date;
}

interface QuoteRow {
	number: number;
	text: string;
	addedByDiscordId: bigint | null;
	addedByKickUsername: string | null;
	addedAt: Date;
}

const COLUMNS = Prisma.raw('number, text, added_by_discord_id AS "addedByDiscordId", added_by_kick_username AS "addedByKickUsername", added_at AS "addedAt"');

/**
 * This server's quotes, by number. Numbers count up per server and a removed one is never
 * given again (`quote_numbers` keeps the last one given), so "quote #12" always means the same quote.
 */
export class QuotesRepository extends GuildRepository {
	/**
	 * Adds a quote under the next number, in one statement: concurrent adds each get their own
	 * number (they queue on the server's `quote_numbers` row). A quote written into `quotes` by
	 * other means (the dashboard) is counted too, so its number is not given twice.
	 * @throws {InvalidInputError} for empty text or text over QUOTE_MAX_LENGTH characters.
	 */
	public async add(text: string, addedBy: QuoteAuthor): Promise<QuoteRecord> {
		if (text.trim() === '' || characterCount(text) > QUOTE_MAX_LENGTH) throw new InvalidInputError(`A quote is 1 to ${QUOTE_MAX_LENGTH} characters`);
		const highest = Prisma.sql`(SELECT COALESCE(max(number), 0) FROM quotes WHERE discord_server_id = ${this.guildId})`;
		const rows = await this.client.$queryRaw<QuoteRow[]>`
			WITH next AS (
				INSERT INTO quote_numbers (discord_server_id, last_number) VALUES (${this.guildId}, ${highest} + 1)
				ON CONFLICT (discord_server_id) DO UPDATE SET last_number = GREATEST(quote_numbers.last_number, ${highest}) + 1
				RETURNING last_number
			)
			INSERT INTO quotes (discord_server_id, number, text, added_by_discord_id, added_by_kick_username)
			SELECT ${this.guildId}::bigint, last_number, ${text}::text, ${addedBy.via === 'discord' ? addedBy.userId : null}::bigint, ${addedBy.via === 'kick' ? addedBy.username : null}::text
			FROM next
			RETURNING ${COLUMNS}`;
		return toRecord(rows[0]!);
	}

	public async get(number: number): Promise<QuoteRecord | null> {
		assertPositiveInteger(number, 'A quote number');
		const row = await this.client.quote.findUnique({ where: { discordServerId_number: { discordServerId: this.guildId, number } } });
		return row && toRecord(row);
	}

	/**
	 * One quote at random; with `except`, another one than that whenever there is another.
	 * Sorting a server's quotes is cheap at the sizes a community keeps (hundreds).
	 */
	public async random(options: { readonly except?: number } = {}): Promise<QuoteRecord | null> {
		const rows = await this.client.$queryRaw<QuoteRow[]>`
			SELECT ${COLUMNS} FROM quotes WHERE discord_server_id = ${this.guildId}
			ORDER BY number = ${options.except ?? 0}, random() LIMIT 1`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	/** Removes a quote; returns it, or null when this server has no quote with that number. */
	public async remove(number: number): Promise<QuoteRecord | null> {
		assertPositiveInteger(number, 'A quote number');
		const rows = await this.client.$queryRaw<QuoteRow[]>`
			DELETE FROM quotes WHERE discord_server_id = ${this.guildId} AND number = ${number} RETURNING ${COLUMNS}`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	public async count(): Promise<number> {
		return this.client.quote.count({ where: { discordServerId: this.guildId } });
	}

	/** Up to `limit` quotes by number, skipping the first `offset`: one page of a list. */
	public async page(offset: number, limit: number): Promise<QuoteRecord[]> {
		if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`An offset is a whole number from 0 (got ${offset})`);
		assertPositiveInteger(limit, 'A page size');
		const rows = await this.client.quote.findMany({ where: { discordServerId: this.guildId }, orderBy: { number: 'asc' }, skip: offset, take: limit });
		return rows.map(toRecord);
	}
}

function toRecord(row: QuoteRow): QuoteRecord {
	return {
		number: row.number,
		text: row.text,
		addedBy: row.addedByDiscordId === null ? { via: 'kick', username: row.addedByKickUsername ?? '' } : { via: 'discord', userId: row.addedByDiscordId },
		addedAt: row.addedAt
	};
}
