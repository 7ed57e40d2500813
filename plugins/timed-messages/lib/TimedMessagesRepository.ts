import { ConflictError, GuildRepository, NotFoundError, Prisma } from '#core';
import { checkTimerFields, MAX_TIMERS, type TimerFields } from './timerRules.js';

/** A timer: one row of `timed_messages` (legacy rows are timers of one message). */
export interface TimerRecord {
	readonly id: number;
	/** In the order they are posted: the row's `message`, then its `extra_messages`. */
	readonly messages: readonly string[];
	readonly intervalMinutes: number;
	readonly enabled: boolean;
	readonly liveOnly: boolean;
	readonly minChatLines: number;
	readonly discordChannelId: string | null;
	readonly lastSent: Date | null;
	/** Posts so far; post n (from 1) is message (n - 1) mod the number of messages. */
	readonly timesSent: number;
	/** The server's chat line counter at the last post; null before the first. */
	readonly chatLinesMark: number | null;
	readonly createdBy: bigint | null;
}

/** The timers due at a moment, and whether the stream is live then. */
export interface DueTimers {
	readonly timers: TimerRecord[];
	readonly streamLive: boolean;
}

/** A post a claim gave this caller: the timer, its post number and the text to post. */
export interface ClaimedPost {
	readonly timerId: number;
	readonly postNumber: number;
	readonly text: string;
	readonly discordChannelId: string | null;
}

interface TimerRow {
	id: number;
	message: string;
	extraMessages: string[];
	intervalMinutes: number;
	enabled: boolean | null;
	liveOnly: boolean;
	minChatLines: number;
	discordChannelId: bigint | null;
	lastSent: Date | null;
	timesSent: number;
	chatLinesMark: bigint | null;
	createdBy: bigint | null;
}

const COLUMNS = Prisma.raw(`id, message, extra_messages AS "extraMessages", interval_minutes AS "intervalMinutes", enabled, live_only AS "liveOnly",
	min_chat_lines AS "minChatLines", discord_channel_id AS "discordChannelId", last_sent AS "lastSent", times_sent AS "timesSent",
	chat_lines_mark AS "chatLinesMark", created_by AS "createdBy"`);

/**
 * Due: enabled (a legacy NULL counts as enabled) and never posted, or posted an interval ago or
 * longer (a legacy interval under a minute counts as one).
 */
const DUE = (now: Date) =>
	Prisma.sql`COALESCE(enabled, TRUE) AND (last_sent IS NULL OR last_sent <= ${now}::timestamp - make_interval(mins => GREATEST(interval_minutes, 1)))`;

/**
 * This server's timers (`timed_messages`, shared with the dashboard). A post is claimed in one
 * conditional statement, so one caller in all bot processes gets each interval's post.
 */
export class TimedMessagesRepository extends GuildRepository {
	public async list(): Promise<TimerRecord[]> {
		const rows = await this.client.$queryRaw<TimerRow[]>`SELECT ${COLUMNS} FROM timed_messages WHERE discord_server_id = ${this.guildId} ORDER BY id`;
		return rows.map(toRecord);
	}

	public async get(id: number): Promise<TimerRecord | null> {
		if (!isRowId(id)) return null;
		const rows = await this.client.$queryRaw<TimerRow[]>`SELECT ${COLUMNS} FROM timed_messages WHERE discord_server_id = ${this.guildId} AND id = ${id}`;
		return rows[0] === undefined ? null : toRecord(rows[0]);
	}

	/**
	 * Adds a timer; messages and interval are required.
	 * @throws {InvalidInputError} for fields out of their range; {ConflictError} at MAX_TIMERS timers.
	 */
	public async create(
		fields: TimerFields & { readonly messages: readonly string[]; readonly intervalMinutes: number; readonly createdBy?: bigint | null }
	): Promise<TimerRecord> {
		checkTimerFields(fields);
		const [first, ...extra] = fields.messages;
		// One statement: the count and the insert see the same rows.
		const rows = await this.client.$queryRaw<TimerRow[]>`
			INSERT INTO timed_messages (discord_server_id, message, extra_messages, interval_minutes, enabled, live_only, min_chat_lines, discord_channel_id, created_by)
			SELECT ${this.guildId}::bigint, ${first!}::text, ${extra}::text[], ${fields.intervalMinutes}::int, ${fields.enabled ?? true}::boolean,
				${fields.liveOnly ?? true}::boolean, ${fields.minChatLines ?? 0}::int, ${toBigInt(fields.discordChannelId)}::bigint, ${fields.createdBy ?? null}::bigint
			WHERE (SELECT count(*) FROM timed_messages WHERE discord_server_id = ${this.guildId}) < ${MAX_TIMERS}
			RETURNING ${COLUMNS}`;
		if (rows[0] === undefined) throw new ConflictError(`A server has ${MAX_TIMERS} timers at most; remove one first`);
		return toRecord(rows[0]);
	}

	/**
	 * Changes the given fields of a timer of this server.
	 * @throws {InvalidInputError} for fields out of their range; {NotFoundError} when this server has no timer `id`.
	 */
	public async update(id: number, changes: TimerFields): Promise<TimerRecord> {
		checkTimerFields(changes);
		if (!isRowId(id)) throw new NotFoundError(`Timer #${id}`);
		const [first, ...extra] = changes.messages ?? [];
		const rows = await this.client.timedMessage.updateManyAndReturn({
			where: { discordServerId: this.guildId, id },
			data: {
				...(changes.messages === undefined ? {} : { message: first!, extraMessages: extra }),
				...(changes.intervalMinutes === undefined ? {} : { intervalMinutes: changes.intervalMinutes }),
				...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
				...(changes.liveOnly === undefined ? {} : { liveOnly: changes.liveOnly }),
				...(changes.minChatLines === undefined ? {} : { minChatLines: changes.minChatLines }),
				...(changes.discordChannelId === undefined ? {} : { discordChannelId: toBigInt(changes.discordChannelId) }),
				updatedAt: new Date()
			}
		});
		if (rows[0] === undefined) throw new NotFoundError(`Timer #${id}`);
		return toRecord(rows[0]);
	}

	public async delete(id: number): Promise<boolean> {
		if (!isRowId(id)) return false;
		const { count } = await this.client.timedMessage.deleteMany({ where: { discordServerId: this.guildId, id } });
		return count > 0;
	}

	/**
	 * Enabled timers whose interval has passed at `now`, by id, and whether Kick last said the
	 * server's stream is live (the core's `kick_connections`, read in the same statement; false
	 * when it never said, or the server is not linked).
	 */
	public async due(now: Date): Promise<DueTimers> {
		const rows = await this.client.$queryRaw<(TimerRow & { streamLive: boolean | null })[]>`
			SELECT ${COLUMNS}, (SELECT is_live FROM kick_connections WHERE discord_server_id = ${this.guildId}) AS "streamLive"
			FROM timed_messages WHERE discord_server_id = ${this.guildId} AND ${DUE(now)} ORDER BY id`;
		return { timers: rows.map(toRecord), streamLive: rows[0]?.streamLive === true };
	}

	/**
	 * Claims the next post of a timer seen due: sets `last_sent` to `now`, counts the post and
	 * records the chat line counter, in one conditional statement. It gives the post to exactly one
	 * caller, even across bot processes (a second one finds it posted, or not as it saw it), and a
	 * timer late by many intervals gets one post, its next interval counting from `now`.
	 * @returns the post, or null when it is not this caller's (posted meanwhile, changed, disabled, removed).
	 */
	public async claim(seen: Pick<TimerRecord, 'id' | 'timesSent'>, now: Date, chatLines: number | null): Promise<ClaimedPost | null> {
		const rows = await this.client.$queryRaw<TimerRow[]>`
			UPDATE timed_messages SET last_sent = ${now}::timestamp, times_sent = times_sent + 1, chat_lines_mark = COALESCE(${chatLines}::bigint, chat_lines_mark)
			WHERE discord_server_id = ${this.guildId} AND id = ${seen.id} AND times_sent = ${seen.timesSent} AND ${DUE(now)}
			RETURNING ${COLUMNS}`;
		const row = rows[0];
		if (row === undefined) return null;
		const messages = [row.message, ...row.extraMessages];
		return {
			timerId: row.id,
			postNumber: row.timesSent,
			text: messages[(row.timesSent - 1) % messages.length]!,
			discordChannelId: row.discordChannelId?.toString() ?? null
		};
	}

	/** Gives back a claimed post that could not be handed to the outbox: the timer is due again as it was before. */
	public async release(post: ClaimedPost, before: Pick<TimerRecord, 'lastSent' | 'chatLinesMark'>): Promise<void> {
		await this.client.$executeRaw`
			UPDATE timed_messages SET last_sent = ${before.lastSent}::timestamp, times_sent = times_sent - 1, chat_lines_mark = ${before.chatLinesMark}::bigint
			WHERE discord_server_id = ${this.guildId} AND id = ${post.timerId} AND times_sent = ${post.postNumber}`;
	}
}

/** Ids are SERIAL: anything else names no row. */
function isRowId(id: number): boolean {
	return Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647;
}

function toBigInt(channelId: string | null | undefined): bigint | null {
	return channelId === null || channelId === undefined ? null : BigInt(channelId);
}

function toRecord(row: TimerRow): TimerRecord {
	return {
		id: row.id,
		messages: [row.message, ...row.extraMessages],
		intervalMinutes: row.intervalMinutes,
		enabled: row.enabled ?? true,
		liveOnly: row.liveOnly,
		minChatLines: row.minChatLines,
		discordChannelId: row.discordChannelId?.toString() ?? null,
		lastSent: row.lastSent,
		timesSent: row.timesSent,
		chatLinesMark: row.chatLinesMark === null ? null : Number(row.chatLinesMark),
		createdBy: row.createdBy
	};
}
