import { GuildRepository, InvalidInputError } from '#core';

export interface SlotRequestRecord {
	readonly id: number;
	readonly kickUsername: string;
	readonly slotCall: string;
	readonly requestedAt: Date | null;
	readonly picked: boolean;
	readonly pickedAt: Date | null;
}

interface SlotRequestRow {
	id: number;
	kickUsername: string;
	slotCall: string;
	requestedAt: Date | null;
	picked: boolean | null;
	pickedAt: Date | null;
}

/** This server's slot request queue. */
export class SlotRequestsRepository extends GuildRepository {
	public async add(kickUsername: string, slotCall: string): Promise<SlotRequestRecord> {
		if (slotCall.trim().length === 0 || slotCall.length > 100) throw new InvalidInputError('A slot name is 1 to 100 characters');
		const row = await this.client.slotRequest.create({ data: { discordServerId: this.guildId, kickUsername, slotCall: slotCall.trim() } });
		return toRecord(row);
	}

	/** Open requests, oldest first. */
	public async listOpen(): Promise<SlotRequestRecord[]> {
		const rows = await this.client.slotRequest.findMany({
			where: { discordServerId: this.guildId, OR: [{ picked: false }, { picked: null }] },
			orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }]
		});
		return rows.map(toRecord);
	}

	public async openCountFor(kickUsername: string): Promise<number> {
		return this.client.slotRequest.count({
			where: { discordServerId: this.guildId, kickUsername, OR: [{ picked: false }, { picked: null }] }
		});
	}

	public async get(id: number): Promise<SlotRequestRecord | null> {
		const row = await this.client.slotRequest.findFirst({ where: { discordServerId: this.guildId, id } });
		return row && toRecord(row);
	}

	/**
	 * Picks one open request at random and marks it picked, atomically: two moderators
	 * picking at once get two different requests (or one gets none).
	 */
	public async pickRandom(): Promise<SlotRequestRecord | null> {
		const rows = await this.client.$queryRaw<SlotRequestRow[]>`
			UPDATE slot_requests SET picked = TRUE, picked_at = now()
			WHERE id = (
				SELECT id FROM slot_requests
				WHERE discord_server_id = ${this.guildId} AND NOT COALESCE(picked, FALSE)
				ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED
			) AND discord_server_id = ${this.guildId}
			RETURNING id, kick_username AS "kickUsername", slot_call AS "slotCall", requested_at AS "requestedAt", picked, picked_at AS "pickedAt"`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	/** Marks an open request picked; false when it is not an open request of this server. */
	public async markPicked(id: number): Promise<boolean> {
		const { count } = await this.client.slotRequest.updateMany({
			where: { discordServerId: this.guildId, id, OR: [{ picked: false }, { picked: null }] },
			data: { picked: true, pickedAt: new Date() }
		});
		return count > 0;
	}

	/** Removes every open request; returns how many. */
	public async clearOpen(): Promise<number> {
		const { count } = await this.client.slotRequest.deleteMany({
			where: { discordServerId: this.guildId, OR: [{ picked: false }, { picked: null }] }
		});
		return count;
	}
}

function toRecord(row: SlotRequestRow): SlotRequestRecord {
	return {
		id: row.id,
		kickUsername: row.kickUsername,
		slotCall: row.slotCall,
		requestedAt: row.requestedAt,
		picked: row.picked ?? false,
		pickedAt: row.pickedAt
	};
}
