import { ConflictError, GuildRepository, InvalidInputError, NotFoundError, type QueryClient } from '#core';

export interface CustomCommandRecord {
	readonly id: number;
	/** The name without the prefix, as written by its author. */
	readonly name: string;
	readonly response: string;
	readonly cooldownSeconds: number;
	readonly enabled: boolean;
	readonly useCount: number;
	readonly createdAt: Date | null;
	readonly updatedAt: Date | null;
}

export interface CustomCommandChanges {
	readonly name?: string;
	readonly response?: string;
	readonly cooldownSeconds?: number;
	readonly enabled?: boolean;
}

interface CommandRow {
	id: number;
	command: string;
	response: string;
	cooldown: number | null;
	enabled: boolean | null;
	useCount: number | null;
	createdAt: Date | null;
	updatedAt: Date | null;
}

/** This server's custom chat commands; names are unique per server, case-insensitively. */
export class CustomCommandsRepository extends GuildRepository {
	public async list(): Promise<CustomCommandRecord[]> {
		const rows = await this.client.customCommand.findMany({ where: { discordServerId: this.guildId }, orderBy: { id: 'asc' } });
		return rows.map(toRecord);
	}

	public async findByName(name: string): Promise<CustomCommandRecord | null> {
		return this.findByNameWith(this.client, name);
	}

	private async findByNameWith(client: QueryClient, name: string): Promise<CustomCommandRecord | null> {
		// lower() = lower() (served by idx_custom_commands_server), not Prisma's insensitive equals:
		// that is ILIKE, where `_` and `%` in the name are wildcards (`!%` would match any command).
		const rows = await client.$queryRaw<CommandRow[]>`
			SELECT id, command, response, cooldown, enabled, use_count AS "useCount", created_at AS "createdAt", updated_at AS "updatedAt"
			FROM custom_commands WHERE discord_server_id = ${this.guildId} AND lower(command) = lower(${name})
			ORDER BY id LIMIT 1`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	/** @throws {ConflictError} when the server already has a command of that name. */
	public async create(command: { name: string; response: string; cooldownSeconds?: number; enabled?: boolean }): Promise<CustomCommandRecord> {
		validate(command);
		return this.withNamesLocked(async (client) => {
			await this.assertNameFree(client, command.name);
			const row = await client.customCommand.create({
				data: {
					discordServerId: this.guildId,
					command: command.name,
					response: command.response,
					cooldown: command.cooldownSeconds ?? 0,
					enabled: command.enabled ?? true
				}
			});
			return toRecord(row);
		});
	}

	/**
	 * @throws {NotFoundError} when this server has no command with that id.
	 * @throws {ConflictError} when the new name is taken.
	 */
	public async update(id: number, changes: CustomCommandChanges): Promise<CustomCommandRecord> {
		validate(changes);
		return this.withNamesLocked(async (client) => {
			if (changes.name !== undefined) await this.assertNameFree(client, changes.name, id);
			const rows = await client.customCommand.updateManyAndReturn({
				where: { discordServerId: this.guildId, id },
				data: {
					command: changes.name,
					response: changes.response,
					cooldown: changes.cooldownSeconds,
					enabled: changes.enabled,
					updatedAt: new Date()
				}
			});
			if (rows[0] === undefined) throw new NotFoundError(`Custom command #${id}`);
			return toRecord(rows[0]);
		});
	}

	public async get(id: number): Promise<CustomCommandRecord | null> {
		const row = await this.client.customCommand.findFirst({ where: { discordServerId: this.guildId, id } });
		return row && toRecord(row);
	}

	/** @returns whether the command existed in this server. */
	public async delete(id: number): Promise<boolean> {
		const { count } = await this.client.customCommand.deleteMany({ where: { discordServerId: this.guildId, id } });
		return count > 0;
	}

	/** Counts one use; returns the new use count, or null when the command is gone. */
	public async recordUse(id: number): Promise<number | null> {
		const rows = await this.client.$queryRaw<{ use_count: number }[]>`
			UPDATE custom_commands SET use_count = COALESCE(use_count, 0) + 1
			WHERE discord_server_id = ${this.guildId} AND id = ${id} RETURNING use_count`;
		return rows[0]?.use_count ?? null;
	}

	private async assertNameFree(client: QueryClient, name: string, exceptId?: number): Promise<void> {
		const existing = await this.findByNameWith(client, name);
		if (existing && existing.id !== exceptId) throw new ConflictError(`This server already has a command named ${existing.name}`);
	}

	/**
	 * Runs `work` holding a per-server transaction lock on command names, so two concurrent
	 * creates of the same name cannot both pass the check. (Legacy data may hold duplicate
	 * names, so the rule is not a unique index yet.)
	 */
	private async withNamesLocked<T>(work: (client: QueryClient) => Promise<T>): Promise<T> {
		return this.scope.transaction(async (client) => {
			await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('custom_commands:' || ${this.guildId}::text, 0))`;
			return work(client);
		});
	}
}

const NAME = /^[\p{L}\p{N}_-]{1,32}$/u;

function validate(command: CustomCommandChanges): void {
	if (command.name !== undefined && !NAME.test(command.name)) {
		throw new InvalidInputError('A command name is 1 to 32 letters, digits, dashes or underscores, without the prefix');
	}
	if (command.response !== undefined && (command.response.trim().length === 0 || command.response.length > 500)) {
		throw new InvalidInputError('A command response is 1 to 500 characters');
	}
	const cooldown = command.cooldownSeconds;
	if (cooldown !== undefined && (!Number.isSafeInteger(cooldown) || cooldown < 0 || cooldown > 86_400)) {
		throw new InvalidInputError('A cooldown is a whole number of seconds from 0 to 86400');
	}
}

function toRecord(row: CommandRow): CustomCommandRecord {
	return {
		id: row.id,
		name: row.command,
		response: row.response,
		cooldownSeconds: row.cooldown ?? 0,
		enabled: row.enabled ?? true,
		useCount: row.useCount ?? 0,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt
	};
}
