import { GuildRepository, InvalidInputError, Prisma, assertPositiveInteger, type QueryClient } from '#core';
import { MAX_CENTS } from './amount.js';
import { canonicalGuessList, commitmentOf } from './commitment.js';

export type RoundStatus = 'open' | 'closed' | 'finished';

export interface GtbRound {
	/** #1, #2, ... in its server. */
	readonly number: number;
	readonly status: RoundStatus;
	readonly openedAt: Date;
	readonly closedAt: Date | null;
	/** Set at close, with the commitment. */
	readonly guessCount: number | null;
	/** The sha256 (hex) of the canonical guess list, set at close. */
	readonly commitment: string | null;
	readonly finalCents: bigint | null;
	readonly winnerCount: number | null;
}

export interface GtbGuess {
	readonly kickUserId: string;
	readonly kickUsername: string;
	readonly cents: bigint;
	readonly guessedAt: Date;
	/** The winner's place once the result is in; null for the others. */
	readonly place: number | null;
}

/** A Kick chatter as a guess names them. */
export interface GtbViewer {
	readonly kickUserId: string;
	readonly kickUsername: string;
}

export type OpenOutcome = { readonly status: 'opened'; readonly round: GtbRound } | { readonly status: 'unfinished'; readonly round: GtbRound };
/** `replaced` also when the stored guess was newer (a late retry of an older message), which then stays. */
export type GuessOutcome = 'recorded' | 'replaced' | 'not open';
export type CloseOutcome = { readonly status: 'closed'; readonly round: GtbRound } | { readonly status: 'not open'; readonly round: GtbRound | null };
export type ResultOutcome =
	| { readonly status: 'finished'; readonly round: GtbRound; readonly winners: readonly GtbGuess[] }
	| { readonly status: 'not closed'; readonly round: GtbRound | null };

/** Most winners a round can have (the gtb_winners setting's range). */
export const MAX_WINNERS = 10;

const ROUND_COLUMNS = Prisma.raw(`number, status, opened_at AS "openedAt", closed_at AS "closedAt", guess_count AS "guessCount", commitment,
	final_cents AS "finalCents", winner_count::int AS "winnerCount"`);
const GUESS_COLUMNS = Prisma.raw(
	`kick_user_id::text AS "kickUserId", kick_username AS "kickUsername", amount_cents AS cents, guessed_at AS "guessedAt", place::int AS place`
);
const GUESS_ORDER = Prisma.raw('guessed_at, sequence');

/**
 * This server's guess-the-balance rounds and guesses. At most one round is unfinished (open, or
 * closed waiting for its final balance), which the database enforces; a guess is one statement;
 * closing freezes the guesses and stores the commitment to their list in one transaction.
 */
export class GtbRepository extends GuildRepository {
	/** Opens the next round, unless one is open or closed without its result (that one comes back). */
	public async openRound(openedBy: bigint | null): Promise<OpenOutcome> {
		// ON CONFLICT DO NOTHING: a concurrent open that got there first (the partial unique index) leaves this one empty.
		const rows = await this.client.$queryRaw<GtbRound[]>`
			INSERT INTO gtb_rounds (discord_server_id, number, opened_by_discord_id)
			SELECT ${this.guildId}::bigint, COALESCE(max(number), 0) + 1, ${openedBy}::bigint FROM gtb_rounds WHERE discord_server_id = ${this.guildId}
			HAVING NOT bool_or(status IN ('open', 'closed')) OR count(*) = 0
			ON CONFLICT DO NOTHING
			RETURNING ${ROUND_COLUMNS}`;
		if (rows[0] !== undefined) return { status: 'opened', round: rows[0] };
		const latest = await this.latestRound();
		if (latest === null || latest.status === 'finished') throw new Error(`Server ${this.guildId}: a round could not be opened and none is unfinished.`);
		return { status: 'unfinished', round: latest };
	}

	/** The server's latest round (the unfinished one when there is one), or null before the first. */
	public async latestRound(): Promise<GtbRound | null> {
		const rows = await this.client.$queryRaw<GtbRound[]>`
			SELECT ${ROUND_COLUMNS} FROM gtb_rounds WHERE discord_server_id = ${this.guildId} ORDER BY number DESC LIMIT 1`;
		return rows[0] ?? null;
	}

	public async round(number: number): Promise<GtbRound | null> {
		assertPositiveInteger(number, 'A round number');
		const rows = await this.client.$queryRaw<GtbRound[]>`
			SELECT ${ROUND_COLUMNS} FROM gtb_rounds WHERE discord_server_id = ${this.guildId} AND number = ${number}`;
		return rows[0] ?? null;
	}

	/** The number of the open round, or null: what the chat's guesses go to (cached by the caller). */
	public async openRoundNumber(): Promise<number | null> {
		const rows = await this.client.$queryRaw<{ number: number }[]>`
			SELECT number FROM gtb_rounds WHERE discord_server_id = ${this.guildId} AND status = 'open'`;
		return rows[0]?.number ?? null;
	}

	/**
	 * Records a viewer's guess in round `roundNumber` if it is still open, in one statement: it
	 * finds the member the Kick account is linked to here (a member counts once, whichever of
	 * their accounts guesses), replaces their earlier guess (amount and time) and takes the round's
	 * row in share mode, so a close waits for it and it never lands after the close's list.
	 * @throws {InvalidInputError} for an amount out of range.
	 */
	public async guess(roundNumber: number, viewer: GtbViewer, cents: bigint, at: Date): Promise<GuessOutcome> {
		assertPositiveInteger(roundNumber, 'A round number');
		if (cents < 1n || cents > MAX_CENTS) throw new InvalidInputError(`A guess is from $0.01 to $999,999,999,999.99`);
		const kickUserId = BigInt(viewer.kickUserId);
		const rows = await this.client.$queryRaw<{ inserted: boolean }[]>`
			WITH round AS (
				SELECT number FROM gtb_rounds WHERE discord_server_id = ${this.guildId} AND number = ${roundNumber} AND status = 'open' FOR SHARE
			), viewer AS (${this.viewerKey(kickUserId, viewer.kickUsername)}),
			-- The same Kick account under another key (linked or unlinked since its guess): it still guesses once.
			moved AS (
				DELETE FROM gtb_guesses USING round, viewer
				WHERE gtb_guesses.discord_server_id = ${this.guildId} AND gtb_guesses.round_number = round.number
				  AND gtb_guesses.kick_user_id = ${kickUserId} AND gtb_guesses.viewer <> viewer.key
			)
			INSERT INTO gtb_guesses AS guess (discord_server_id, round_number, viewer, kick_user_id, kick_username, amount_cents, guessed_at)
			SELECT ${this.guildId}::bigint, round.number, viewer.key, ${kickUserId}::bigint, ${viewer.kickUsername}::text, ${cents}::bigint, ${at}::timestamptz
			FROM round, viewer
			ON CONFLICT (discord_server_id, round_number, viewer) DO UPDATE
			SET kick_user_id = EXCLUDED.kick_user_id, kick_username = EXCLUDED.kick_username, amount_cents = EXCLUDED.amount_cents,
			    guessed_at = EXCLUDED.guessed_at, sequence = nextval('gtb_guess_sequence')
			WHERE guess.guessed_at <= EXCLUDED.guessed_at
			RETURNING (xmax = 0) AS inserted`;
		if (rows[0] !== undefined) return rows[0].inserted ? 'recorded' : 'replaced';
		// Nothing written: the round is not open, or the stored guess is newer than this one.
		return (await this.openRoundNumber()) === roundNumber ? 'replaced' : 'not open';
	}

	/** A viewer's guess in a round (their linked member's, when the account is linked here), or null. */
	public async guessOf(roundNumber: number, viewer: GtbViewer): Promise<GtbGuess | null> {
		assertPositiveInteger(roundNumber, 'A round number');
		const rows = await this.client.$queryRaw<GtbGuess[]>`
			WITH viewer AS (${this.viewerKey(BigInt(viewer.kickUserId), viewer.kickUsername)})
			SELECT ${GUESS_COLUMNS} FROM gtb_guesses, viewer
			WHERE discord_server_id = ${this.guildId} AND round_number = ${roundNumber} AND gtb_guesses.viewer = viewer.key`;
		return rows[0] ?? null;
	}

	/**
	 * Closes the open round: no guess lands after this, and the round stores how many guesses it
	 * has and the sha256 of their canonical list, in one transaction.
	 */
	public async closeRound(): Promise<CloseOutcome> {
		return this.scope.transaction(async (client) => {
			// The lock waits for guesses holding the row in share mode, and later ones find it closed: the list read next is final.
			const open = await client.$queryRaw<{ number: number }[]>`
				SELECT number FROM gtb_rounds WHERE discord_server_id = ${this.guildId} AND status = 'open' FOR UPDATE`;
			const number = open[0]?.number;
			if (number === undefined) return { status: 'not open', round: await this.latestRoundWith(client) };
			const guesses = await this.guessesWith(client, number);
			const rows = await client.$queryRaw<GtbRound[]>`
				UPDATE gtb_rounds SET status = 'closed', closed_at = now(), guess_count = ${guesses.length}, commitment = ${commitmentOf(canonicalGuessList(guesses))}
				WHERE discord_server_id = ${this.guildId} AND number = ${number} RETURNING ${ROUND_COLUMNS}`;
			return { status: 'closed', round: rows[0]! };
		});
	}

	/**
	 * Enters the final balance of the latest round, if it is closed and has none yet: places the
	 * `winnerCount` guesses closest to it (ties to the earlier guess), once.
	 */
	public async enterResult(finalCents: bigint, winnerCount: number, enteredBy: bigint | null): Promise<ResultOutcome> {
		if (finalCents < 0n || finalCents > MAX_CENTS) throw new InvalidInputError('A final balance is from $0.00 to $999,999,999,999.99');
		if (!Number.isInteger(winnerCount) || winnerCount < 1 || winnerCount > MAX_WINNERS) throw new InvalidInputError(`Winners are 1 to ${MAX_WINNERS}`);
		return this.scope.transaction(async (client) => {
			const rows = await client.$queryRaw<GtbRound[]>`
				UPDATE gtb_rounds SET status = 'finished', final_cents = ${finalCents}, result_at = now(), result_by_discord_id = ${enteredBy}::bigint,
				       winner_count = ${winnerCount}
				WHERE discord_server_id = ${this.guildId} AND status = 'closed'
				RETURNING ${ROUND_COLUMNS}`;
			const round = rows[0];
			if (round === undefined) return { status: 'not closed', round: await this.latestRoundWith(client) };
			await client.$executeRaw`
				UPDATE gtb_guesses SET place = ranked.place
				FROM (
					SELECT viewer, row_number() OVER (ORDER BY abs(amount_cents - ${finalCents}), ${GUESS_ORDER}) AS place
					FROM gtb_guesses WHERE discord_server_id = ${this.guildId} AND round_number = ${round.number}
					ORDER BY place LIMIT ${winnerCount}
				) AS ranked
				WHERE gtb_guesses.discord_server_id = ${this.guildId} AND gtb_guesses.round_number = ${round.number} AND gtb_guesses.viewer = ranked.viewer`;
			return { status: 'finished', round, winners: await this.winnersWith(client, round.number) };
		});
	}

	/** The winners of a round by place (none before its result). */
	public winners(roundNumber: number): Promise<GtbGuess[]> {
		assertPositiveInteger(roundNumber, 'A round number');
		return this.winnersWith(this.client, roundNumber);
	}

	/** Every guess of a round in guess order: the committed list once it is closed. */
	public guesses(roundNumber: number): Promise<GtbGuess[]> {
		assertPositiveInteger(roundNumber, 'A round number');
		return this.guessesWith(this.client, roundNumber);
	}

	/** Up to `limit` guesses of a round in guess order, skipping the first `offset`: a page of the list. */
	public async guessPage(roundNumber: number, offset: number, limit: number): Promise<GtbGuess[]> {
		assertPositiveInteger(roundNumber, 'A round number');
		assertPositiveInteger(limit, 'A page size');
		if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError(`An offset is a whole number from 0 (got ${offset})`);
		return this.client.$queryRaw<GtbGuess[]>`
			SELECT ${GUESS_COLUMNS} FROM gtb_guesses WHERE discord_server_id = ${this.guildId} AND round_number = ${roundNumber}
			ORDER BY ${GUESS_ORDER} OFFSET ${offset} LIMIT ${limit}`;
	}

	public async guessCount(roundNumber: number): Promise<number> {
		assertPositiveInteger(roundNumber, 'A round number');
		const rows = await this.client.$queryRaw<{ count: number }[]>`
			SELECT count(*)::int AS count FROM gtb_guesses WHERE discord_server_id = ${this.guildId} AND round_number = ${roundNumber}`;
		return rows[0]!.count;
	}

	/** Where this server's panel was posted, and the outbox key it went under; null before the first. */
	public async panel(): Promise<{ channelId: string; postKey: string } | null> {
		const rows = await this.client.$queryRaw<{ channelId: string; postKey: string }[]>`
			SELECT channel_id::text AS "channelId", post_key AS "postKey" FROM gtb_panels WHERE discord_server_id = ${this.guildId}`;
		return rows[0] ?? null;
	}

	public async recordPanel(channelId: string, postKey: string): Promise<void> {
		await this.client.$executeRaw`
			INSERT INTO gtb_panels (discord_server_id, channel_id, post_key) VALUES (${this.guildId}, ${BigInt(channelId)}, ${postKey})
			ON CONFLICT (discord_server_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, post_key = EXCLUDED.post_key, posted_at = now()`;
	}

	/** The id of the Discord message the outbox sent under `postKey`, once sent. */
	public async postedMessageId(postKey: string): Promise<string | null> {
		const rows = await this.client.$queryRaw<{ id: string | null }[]>`
			SELECT sent_message_id AS id FROM outbox_messages WHERE discord_server_id = ${this.guildId} AND dedupe_key = ${`discord:${postKey}`} AND status = 'sent'`;
		return rows[0]?.id ?? null;
	}

	/** The key a guess of this Kick account is stored under here: its linked member's, else the account's own. */
	private viewerKey(kickUserId: bigint, kickUsername: string): Prisma.Sql {
		// Links made before the bot read Kick user ids name the account only (kick_user_id null): matched by name.
		return Prisma.sql`SELECT COALESCE(
			(SELECT 'discord:' || discord_id FROM links
			 WHERE discord_server_id = ${this.guildId} AND (kick_user_id = ${kickUserId} OR (kick_user_id IS NULL AND lower(kick_name) = lower(${kickUsername})))
			 ORDER BY kick_user_id IS NULL LIMIT 1),
			'kick:' || ${kickUserId}::bigint) AS key`;
	}

	private latestRoundWith(client: QueryClient): Promise<GtbRound | null> {
		return client.$queryRaw<
			GtbRound[]
		>`SELECT ${ROUND_COLUMNS} FROM gtb_rounds WHERE discord_server_id = ${this.guildId} ORDER BY number DESC LIMIT 1`.then((rows) => rows[0] ?? null);
	}

	private guessesWith(client: QueryClient, roundNumber: number): Promise<GtbGuess[]> {
		return client.$queryRaw<GtbGuess[]>`
			SELECT ${GUESS_COLUMNS} FROM gtb_guesses WHERE discord_server_id = ${this.guildId} AND round_number = ${roundNumber} ORDER BY ${GUESS_ORDER}`;
	}

	private winnersWith(client: QueryClient, roundNumber: number): Promise<GtbGuess[]> {
		return client.$queryRaw<GtbGuess[]>`
			SELECT ${GUESS_COLUMNS} FROM gtb_guesses WHERE discord_server_id = ${this.guildId} AND round_number = ${roundNumber} AND place IS NOT NULL
			ORDER BY place`;
	}
}
