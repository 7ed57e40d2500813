import { ConflictError, GuildRepository, InvalidInputError, NotFoundError, Prisma, type QueryClient } from '#core';

export const COMMAND_ACCESS = ['everyone', 'subscribers', 'vips', 'moderators', 'broadcaster'] as const;
/** Who may use a command: each level admits the ones above it. */
export type CommandAccess = (typeof COMMAND_ACCESS)[number];
export const ANSWERS_IN = ['both', 'kick', 'discord'] as const;
/** Where a command answers: Kick chat, Discord's prefix form, or both. */
export type AnswersIn = (typeof ANSWERS_IN)[number];
export const LIVE_MODES = ['always', 'live', 'offline'] as const;
/** When a command answers, by the stream's live status. */
export type LiveMode = (typeof LIVE_MODES)[number];

export const MAX_RESPONSE_LENGTH = 500;
export const MAX_ALIASES = 10;
export const MAX_COOLDOWN_SECONDS = 86_400;

export interface CustomCommandRecord {
	readonly id: number;
	/** The name without the prefix, as written by its author. */
	readonly name: string;
	readonly aliases: readonly string[];
	readonly response: string;
	/** How long everyone waits after anyone used it. */
	readonly cooldownSeconds: number;
	/** How long one user waits before using it again. */
	readonly userCooldownSeconds: number;
	readonly enabled: boolean;
	readonly access: CommandAccess;
	readonly answersIn: AnswersIn;
	readonly liveMode: LiveMode;
	/** Whether its Discord answer may ping the users it names. */
	readonly allowMentions: boolean;
	readonly useCount: number;
	readonly createdAt: Date | null;
	readonly updatedAt: Date | null;
}

export interface CustomCommandFields {
	readonly name: string;
	readonly response: string;
	readonly aliases?: readonly string[];
	readonly cooldownSeconds?: number;
	readonly userCooldownSeconds?: number;
	readonly enabled?: boolean;
	readonly access?: CommandAccess;
	readonly answersIn?: AnswersIn;
	readonly liveMode?: LiveMode;
	readonly allowMentions?: boolean;
}

export type CustomCommandChanges = Partial<CustomCommandFields>;

interface CommandRow {
	id: number;
	command: string;
	aliases: string[];
	response: string;
	cooldown: number | null;
	userCooldown: number;
	enabled: boolean | null;
	access: string;
	answersIn: string;
	liveMode: string;
	allowMentions: boolean;
	useCount: number | null;
	createdAt: Date | null;
	updatedAt: Date | null;
}

const COLUMNS = Prisma.raw(`id, command, aliases, response, cooldown, user_cooldown AS "userCooldown", enabled, access, answers_in AS "answersIn",
	live_mode AS "liveMode", allow_mentions AS "allowMentions", use_count AS "useCount", created_at AS "createdAt", updated_at AS "updatedAt"`);

/** This server's custom chat commands; names and aliases are unique per server, case-insensitively. */
export class CustomCommandsRepository extends GuildRepository {
	public async list(): Promise<CustomCommandRecord[]> {
		const rows = await this.client.$queryRaw<CommandRow[]>`SELECT ${COLUMNS} FROM custom_commands WHERE discord_server_id = ${this.guildId} ORDER BY id`;
		return rows.map(toRecord);
	}

	/** One page of commands by name, and how many there are. */
	public async page(offset: number, limit: number): Promise<{ commands: CustomCommandRecord[]; total: number }> {
		const [rows, total] = await Promise.all([
			this.client.$queryRaw<CommandRow[]>`
				SELECT ${COLUMNS} FROM custom_commands WHERE discord_server_id = ${this.guildId}
				ORDER BY lower(command), id OFFSET ${offset} LIMIT ${limit}`,
			this.client.customCommand.count({ where: { discordServerId: this.guildId } })
		]);
		return { commands: rows.map(toRecord), total };
	}

	/** The command answering to `word` (its name or an alias, any case). */
	public async findByName(word: string): Promise<CustomCommandRecord | null> {
		return this.findByWordWith(this.client, word);
	}

	public async get(id: number): Promise<CustomCommandRecord | null> {
		if (!Number.isSafeInteger(id)) return null;
		const rows = await this.client.$queryRaw<CommandRow[]>`SELECT ${COLUMNS} FROM custom_commands WHERE discord_server_id = ${this.guildId} AND id = ${id}`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	/**
	 * @throws {InvalidInputError} for a bad field, saying which.
	 * @throws {ConflictError} when one of its words already names a command here.
	 */
	public async create(fields: CustomCommandFields): Promise<CustomCommandRecord> {
		validate(fields);
		return this.withNamesLocked(async (client) => {
			await this.assertWordsFree(client, wordsOf(fields.name, fields.aliases ?? []));
			const rows = await client.$queryRaw<CommandRow[]>`
				INSERT INTO custom_commands (discord_server_id, command, aliases, response, cooldown, user_cooldown, enabled, access, answers_in, live_mode, allow_mentions)
				VALUES (${this.guildId}, ${fields.name}, ${[...(fields.aliases ?? [])]}::text[], ${fields.response}, ${fields.cooldownSeconds ?? 0},
					${fields.userCooldownSeconds ?? 0}, ${fields.enabled ?? true}, ${fields.access ?? 'everyone'}, ${fields.answersIn ?? 'both'},
					${fields.liveMode ?? 'always'}, ${fields.allowMentions ?? false})
				RETURNING ${COLUMNS}`;
			return toRecord(rows[0]!);
		});
	}

	/**
	 * @throws {NotFoundError} when this server has no command with that id.
	 * @throws {ConflictError} when a new name or alias is taken.
	 */
	public async update(id: number, changes: CustomCommandChanges): Promise<CustomCommandRecord> {
		validate(changes);
		return this.withNamesLocked(async (client) => {
			const current = await client.$queryRaw<
				CommandRow[]
			>`SELECT ${COLUMNS} FROM custom_commands WHERE discord_server_id = ${this.guildId} AND id = ${id} FOR UPDATE`;
			if (current[0] === undefined) throw new NotFoundError(`Custom command #${id}`);
			if (changes.name !== undefined || changes.aliases !== undefined) {
				await this.assertWordsFree(client, wordsOf(changes.name ?? current[0].command, changes.aliases ?? current[0].aliases), id);
			}
			const rows = await client.customCommand.updateManyAndReturn({
				where: { discordServerId: this.guildId, id },
				data: {
					command: changes.name,
					aliases: changes.aliases === undefined ? undefined : [...changes.aliases],
					response: changes.response,
					cooldown: changes.cooldownSeconds,
					userCooldown: changes.userCooldownSeconds,
					enabled: changes.enabled,
					access: changes.access,
					answersIn: changes.answersIn,
					liveMode: changes.liveMode,
					allowMentions: changes.allowMentions,
					updatedAt: new Date()
				}
			});
			return toRecord(rows[0]!);
		});
	}

	/** @returns the command removed, or null when this server had none with that id. */
	public async delete(id: number): Promise<CustomCommandRecord | null> {
		if (!Number.isSafeInteger(id)) return null;
		const rows = await this.client.$queryRaw<
			CommandRow[]
		>`DELETE FROM custom_commands WHERE discord_server_id = ${this.guildId} AND id = ${id} RETURNING ${COLUMNS}`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	/**
	 * Adds uses counted in memory to the commands' use counts, in one statement for the server
	 * (ids of commands since removed, or of another server, change nothing); counts stop at the
	 * column's largest value. Returns how many commands it raised.
	 */
	public async addUses(uses: ReadonlyMap<number, number>): Promise<number> {
		if (uses.size === 0) return 0;
		return this.client.$executeRaw`
			UPDATE custom_commands AS c SET use_count = LEAST(COALESCE(c.use_count, 0)::bigint + u.n, 2147483647)::int
			FROM unnest(${[...uses.keys()]}::int[], ${[...uses.values()]}::bigint[]) AS u(id, n)
			WHERE c.discord_server_id = ${this.guildId} AND c.id = u.id`;
	}

	private async findByWordWith(client: QueryClient, word: string, exceptId?: number): Promise<CustomCommandRecord | null> {
		// lower() = lower() (served by idx_custom_commands_server), not Prisma's insensitive equals:
		// that is ILIKE, where `_` and `%` in the name are wildcards (`!%` would match any command).
		const rows = await client.$queryRaw<CommandRow[]>`
			SELECT ${COLUMNS} FROM custom_commands
			WHERE discord_server_id = ${this.guildId} AND id <> ${exceptId ?? 0}
				AND (lower(command) = lower(${word}) OR lower(${word}) = ANY (SELECT lower(alias) FROM unnest(aliases) AS alias))
			ORDER BY id LIMIT 1`;
		return rows[0] ? toRecord(rows[0]) : null;
	}

	private async assertWordsFree(client: QueryClient, words: readonly string[], exceptId?: number): Promise<void> {
		for (const word of words) {
			const holder = await this.findByWordWith(client, word, exceptId);
			if (holder !== null)
				throw new ConflictError(`!${word} is already ${holder.name.toLowerCase() === word ? 'a command' : `an alias of !${holder.name}`} here`);
		}
	}

	/**
	 * Runs `work` holding a per-server transaction lock on command names, so two concurrent
	 * creates of the same name cannot both pass the check. (Legacy data may hold duplicate
	 * names, so the rule is not a unique index.)
	 */
	private async withNamesLocked<T>(work: (client: QueryClient) => Promise<T>): Promise<T> {
		return this.scope.transaction(async (client) => {
			await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('custom_commands:' || ${this.guildId}::text, 0))`;
			return work(client);
		});
	}
}

const NAME = /^[\p{L}\p{N}_-]{1,32}$/u;

/** The name and aliases, lower-cased, each once. */
function wordsOf(name: string, aliases: readonly string[]): string[] {
	return [...new Set([name, ...aliases].map((word) => word.toLowerCase()))];
}

function validate(fields: CustomCommandChanges): void {
	if (fields.name !== undefined && !NAME.test(fields.name)) {
		throw new InvalidInputError('A command name is 1 to 32 letters, digits, dashes or underscores, without the prefix');
	}
	if (fields.aliases !== undefined) {
		if (fields.aliases.length > MAX_ALIASES) throw new InvalidInputError(`A command has at most ${MAX_ALIASES} aliases`);
		const bad = fields.aliases.find((alias) => !NAME.test(alias));
		if (bad !== undefined) throw new InvalidInputError('An alias is 1 to 32 letters, digits, dashes or underscores, without the prefix');
		if (fields.name !== undefined && fields.aliases.some((alias) => alias.toLowerCase() === fields.name!.toLowerCase()))
			throw new InvalidInputError('An alias cannot be the command’s own name');
	}
	if (fields.response !== undefined) {
		if (fields.response.trim().length === 0) throw new InvalidInputError('A command response cannot be empty');
		const length = [...fields.response].length;
		if (length > MAX_RESPONSE_LENGTH)
			throw new InvalidInputError(
				`A command response is at most ${MAX_RESPONSE_LENGTH} characters (Kick’s chat limit); this one is ${length.toLocaleString('en-US')}`
			);
	}
	for (const [cooldown, label] of [
		[fields.cooldownSeconds, 'A cooldown'],
		[fields.userCooldownSeconds, 'A per-user cooldown']
	] as const) {
		if (cooldown !== undefined && (!Number.isSafeInteger(cooldown) || cooldown < 0 || cooldown > MAX_COOLDOWN_SECONDS)) {
			throw new InvalidInputError(`${label} is a whole number of seconds from 0 to ${MAX_COOLDOWN_SECONDS}`);
		}
	}
	if (fields.access !== undefined && !COMMAND_ACCESS.includes(fields.access)) throw new InvalidInputError(`Access is one of ${COMMAND_ACCESS.join(', ')}`);
	if (fields.answersIn !== undefined && !ANSWERS_IN.includes(fields.answersIn)) throw new InvalidInputError(`Where is one of ${ANSWERS_IN.join(', ')}`);
	if (fields.liveMode !== undefined && !LIVE_MODES.includes(fields.liveMode)) throw new InvalidInputError(`When is one of ${LIVE_MODES.join(', ')}`);
}

function oneOf<T extends string>(value: string, known: readonly T[], fallback: T): T {
	return (known as readonly string[]).includes(value) ? (value as T) : fallback;
}

function toRecord(row: CommandRow): CustomCommandRecord {
	return {
		id: row.id,
		name: row.command,
		aliases: row.aliases,
		response: row.response,
		cooldownSeconds: row.cooldown ?? 0,
		userCooldownSeconds: row.userCooldown,
		enabled: row.enabled ?? true,
		access: oneOf(row.access, COMMAND_ACCESS, 'everyone'),
		answersIn: oneOf(row.answersIn, ANSWERS_IN, 'both'),
		liveMode: oneOf(row.liveMode, LIVE_MODES, 'always'),
		allowMentions: row.allowMentions,
		useCount: row.useCount ?? 0,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt
	};
}
