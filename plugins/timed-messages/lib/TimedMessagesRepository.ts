import { GuildRepository, InvalidInputError, NotFoundError } from '#core';

export interface TimedMessageRecord {
	readonly id: number;
	readonly message: string;
	readonly intervalMinutes: number;
	readonly enabled: boolean;
	readonly lastSent: Date | null;
	readonly createdBy: bigint | null;
}

export interface TimedMessageChanges {
	readonly message?: string;
	readonly intervalMinutes?: number;
	readonly enabled?: boolean;
}

interface TimedMessageRow {
	id: number;
	message: string;
	intervalMinutes: number;
	enabled: boolean | null;
	lastSent: Date | null;
	createdBy: bigint | null;
}

/** This server's messages posted to Kick chat every N minutes. */
export class TimedMessagesRepository extends GuildRepository {
	public async list(): Promise<TimedMessageRecord[]> {
		const rows = await this.client.timedMessage.findMany({ where: { discordServerId: this.guildId }, orderBy: { id: 'asc' } });
		return rows.map(toRecord);
	}

	public async create(message: { message: string; intervalMinutes: number; createdBy?: bigint | null }): Promise<TimedMessageRecord> {
		validate(message);
		const row = await this.client.timedMessage.create({
			data: {
				discordServerId: this.guildId,
				message: message.message,
				intervalMinutes: message.intervalMinutes,
				createdBy: message.createdBy ?? null
			}
		});
		return toRecord(row);
	}

	/** @throws {NotFoundError} when this server has no timed message with that id. */
	public async update(id: number, changes: TimedMessageChanges): Promise<TimedMessageRecord> {
		validate(changes);
		const rows = await this.client.timedMessage.updateManyAndReturn({
			where: { discordServerId: this.guildId, id },
			data: { ...changes, updatedAt: new Date() }
		});
		if (rows[0] === undefined) throw new NotFoundError(`Timed message #${id}`);
		return toRecord(rows[0]);
	}

	public async delete(id: number): Promise<boolean> {
		const { count } = await this.client.timedMessage.deleteMany({ where: { discordServerId: this.guildId, id } });
		return count > 0;
	}

	/** Enabled messages whose interval has passed at `now`. */
	public async due(now: Date): Promise<TimedMessageRecord[]> {
		const rows = await this.client.$queryRaw<TimedMessageRow[]>`
			SELECT id, message, interval_minutes AS "intervalMinutes", enabled, last_sent AS "lastSent", created_by AS "createdBy"
			FROM timed_messages
			WHERE discord_server_id = ${this.guildId} AND COALESCE(enabled, TRUE)
			  AND (last_sent IS NULL OR last_sent <= ${now}::timestamp - make_interval(mins => interval_minutes))
			ORDER BY id`;
		return rows.map(toRecord);
	}

	/**
	 * Claims one interval of a message: true for exactly one caller per interval, even across
	 * bot processes, because the check and the write are one statement.
	 */
	public async claim(id: number, now: Date): Promise<boolean> {
		const count = await this.client.$executeRaw`
			UPDATE timed_messages SET last_sent = ${now}::timestamp
			WHERE discord_server_id = ${this.guildId} AND id = ${id} AND COALESCE(enabled, TRUE)
			  AND (last_sent IS NULL OR last_sent <= ${now}::timestamp - make_interval(mins => interval_minutes))`;
		return count === 1;
	}
}

function validate(message: TimedMessageChanges): void {
	if (message.message !== undefined && (message.message.trim().length === 0 || message.message.length > 500)) {
		throw new InvalidInputError('A timed message is 1 to 500 characters');
	}
	const interval = message.intervalMinutes;
	if (interval !== undefined && (!Number.isSafeInteger(interval) || interval < 1 || interval > 10_080)) {
		throw new InvalidInputError('An interval is a whole number of minutes from 1 to 10080 (a week)');
	}
}

function toRecord(row: TimedMessageRow): TimedMessageRecord {
	return {
		id: row.id,
		message: row.message,
		intervalMinutes: row.intervalMinutes,
		enabled: row.enabled ?? true,
		lastSent: row.lastSent,
		createdBy: row.createdBy
	};
}
