import { ApplicationCommandType, type APIApplicationCommand } from 'discord-api-types/v10';
import type { SnowflakeGenerator } from './snowflake.js';

/** The JSON a bot sends to create or edit a command (the fields the stand-in looks at). */
export interface CommandBody {
	readonly name?: unknown;
	readonly description?: unknown;
	readonly type?: number;
	readonly options?: readonly CommandOptionBody[];
	readonly [key: string]: unknown;
}

interface CommandOptionBody {
	readonly name?: unknown;
	readonly description?: unknown;
	readonly options?: readonly CommandOptionBody[];
}

export interface CommandCallCounts {
	created: number;
	edited: number;
	deleted: number;
	bulkOverwrites: number;
}

const NAME_PATTERN = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Application commands, global (guild null) and per guild, as Discord stores them, with counts of the calls that changed them. */
export class ApplicationCommandRegistry {
	public readonly calls: CommandCallCounts = { created: 0, edited: 0, deleted: 0, bulkOverwrites: 0 };
	private readonly commands = new Map<string, APIApplicationCommand>();

	public constructor(
		private readonly applicationId: string,
		private readonly snowflakes: SnowflakeGenerator
	) {}

	public list(guildId: string | null): APIApplicationCommand[] {
		return [...this.commands.values()].filter((command) => (command.guild_id ?? null) === guildId);
	}

	public all(): APIApplicationCommand[] {
		return [...this.commands.values()];
	}

	public get(id: string, guildId: string | null): APIApplicationCommand | undefined {
		const command = this.commands.get(id);
		return command && (command.guild_id ?? null) === guildId ? command : undefined;
	}

	public find(name: string, guildId: string | null, type: ApplicationCommandType = ApplicationCommandType.ChatInput): APIApplicationCommand | undefined {
		return this.list(guildId).find((command) => command.name === name && command.type === type);
	}

	/** The command an interaction in this guild (or a DM, guild null) would run: the guild's own first, then the global one. */
	public resolveForInteraction(
		name: string,
		guildId: string | null,
		type: ApplicationCommandType = ApplicationCommandType.ChatInput
	): APIApplicationCommand | undefined {
		return (guildId === null ? undefined : this.find(name, guildId, type)) ?? this.find(name, null, type);
	}

	/** Why Discord would refuse this body (as a 50035 error's `errors`), or undefined when it is valid. */
	public validate(body: CommandBody): Record<string, unknown> | undefined {
		const type = body.type ?? ApplicationCommandType.ChatInput;
		if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 32)
			return fieldError('name', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
		if (type === ApplicationCommandType.User || type === ApplicationCommandType.Message) return validateContextMenu(body);
		if (type !== ApplicationCommandType.ChatInput) return undefined;
		return validateChatInput(body, []);
	}

	/** Creates the command, or replaces the one with the same name and type, as Discord's POST does. */
	public create(body: CommandBody, guildId: string | null): { command: APIApplicationCommand; created: boolean } {
		this.calls.created += 1;
		const existing = this.find(String(body.name), guildId, body.type ?? ApplicationCommandType.ChatInput);
		const command = this.build(body, guildId, existing?.id);
		this.commands.set(command.id, command);
		return { command, created: existing === undefined };
	}

	public edit(id: string, body: CommandBody, guildId: string | null): APIApplicationCommand | undefined {
		const existing = this.get(id, guildId);
		if (!existing) return undefined;
		this.calls.edited += 1;
		const { id: _id, application_id: _application, version: _version, guild_id: _guild, ...kept } = existing;
		const command = this.build({ ...kept, ...body }, guildId, id);
		this.commands.set(id, command);
		return command;
	}

	public delete(id: string, guildId: string | null): boolean {
		if (!this.get(id, guildId)) return false;
		this.calls.deleted += 1;
		return this.commands.delete(id);
	}

	/** Replaces every command of the scope; commands keep their ids when name and type match. */
	public overwrite(bodies: readonly CommandBody[], guildId: string | null): APIApplicationCommand[] {
		this.calls.bulkOverwrites += 1;
		const previous = this.list(guildId);
		for (const command of previous) this.commands.delete(command.id);
		return bodies.map((body) => {
			const type = body.type ?? ApplicationCommandType.ChatInput;
			const kept = previous.find((command) => command.name === body.name && command.type === type);
			const command = this.build(body, guildId, kept?.id);
			this.commands.set(command.id, command);
			return command;
		});
	}

	private build(body: CommandBody, guildId: string | null, id: string | undefined): APIApplicationCommand {
		const type = body.type ?? ApplicationCommandType.ChatInput;
		return {
			...body,
			id: id ?? this.snowflakes.next(),
			application_id: this.applicationId,
			version: this.snowflakes.next(),
			type,
			name: String(body.name),
			description: typeof body.description === 'string' ? body.description : '',
			name_localizations: (body.name_localizations as APIApplicationCommand['name_localizations']) ?? null,
			description_localizations: (body.description_localizations as APIApplicationCommand['description_localizations']) ?? null,
			default_member_permissions: (body.default_member_permissions as string | null | undefined) ?? null,
			nsfw: (body.nsfw as boolean | undefined) ?? false,
			...(guildId === null ? { dm_permission: (body.dm_permission as boolean | undefined) ?? true } : { guild_id: guildId })
		} as APIApplicationCommand;
	}
}

function fieldError(path: string, code: string, message: string): Record<string, unknown> {
	return { [path]: { _errors: [{ code, message }] } };
}

/** User and message commands: any case and spaces in the name (its length is checked above), no description, no options. */
function validateContextMenu(body: CommandBody): Record<string, unknown> | undefined {
	if (body.description !== undefined && body.description !== '') {
		return fieldError('description', 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID', 'Context menu commands cannot have description');
	}
	if (body.options !== undefined && body.options.length > 0) {
		return fieldError('options', 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID', 'Context menu commands cannot have options');
	}
	return undefined;
}

function validateChatInput(body: CommandOptionBody, path: string[]): Record<string, unknown> | undefined {
	const prefix = path.length === 0 ? '' : `${path.join('.')}.`;
	if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name) || body.name !== body.name.toLowerCase()) {
		return fieldError(`${prefix}name`, 'APPLICATION_COMMAND_INVALID_NAME', `Command name is invalid: '${String(body.name)}'`);
	}
	if (typeof body.description !== 'string' || body.description.length === 0 || body.description.length > 100) {
		return fieldError(`${prefix}description`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
	}
	const options = body.options ?? [];
	if (options.length > 25) return fieldError(`${prefix}options`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
	for (const [index, option] of options.entries()) {
		const error = validateChatInput(option, [...path, 'options', String(index)]);
		if (error) return error;
	}
	return undefined;
}
