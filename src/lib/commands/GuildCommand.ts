import type { Args, ChatInputCommand, MessageCommand, Result } from '@sapphire/framework';
import { CommandOptionsRunTypeEnum } from '@sapphire/framework';
import { Subcommand, type SubcommandMapping, type SubcommandMappingMethod } from '@sapphire/plugin-subcommands';
import {
	ApplicationCommandType,
	Attachment,
	InteractionContextType,
	type ChatInputCommandInteraction,
	type ContextMenuCommandInteraction,
	type GuildBasedChannel,
	type Message,
	type Role,
	type SlashCommandBuilder,
	type SlashCommandSubcommandBuilder,
	type User
} from 'discord.js';
import { answerCall, type AnsweredCall, type CommandAnswer } from '#lib/commands/answerCall';
import { boundGuildContext, type GuildContext } from '#lib/guild/GuildContext';
import { isModerator } from '#lib/guild/isModerator';
import { coreSettings } from '#lib/settings/coreSettings';

/** One option of a command, declared once for both its slash and its prefix form. */
export type CommandOption =
	| {
			readonly type: 'string';
			readonly name: string;
			readonly description: string;
			readonly required?: boolean;
			readonly maxLength?: number;
			readonly autocomplete?: boolean;
			readonly choices?: readonly string[];
			readonly rest?: boolean;
	  }
	| {
			readonly type: 'integer';
			readonly name: string;
			readonly description: string;
			readonly required?: boolean;
			readonly min?: number;
			readonly max?: number;
	  }
	| { readonly type: 'boolean' | 'user' | 'role' | 'channel'; readonly name: string; readonly description: string; readonly required?: boolean }
	/** A file: picked in the slash form; in the prefix form attached to the message (the n-th attachment option takes the n-th file), no word typed. */
	| { readonly type: 'attachment'; readonly name: string; readonly description: string; readonly required?: boolean };

/** The options the prefix form reads from the words after the name. */
type WordOption = Exclude<CommandOption, { readonly type: 'attachment' }>;

/** A subcommand: its name, what it does, its options, and the method of the command that runs it, `(call, context)`. */
export interface GuildSubcommand {
	readonly name: string;
	readonly description: string;
	readonly options?: readonly CommandOption[];
	readonly run: string;
	/** The prefix form's subcommand when none is typed (e.g. `!settings` as `!settings view`); not in a group. */
	readonly default?: boolean;
	/** The group it belongs to, called before it (`/roles tiers set`); its subcommands give the same group. */
	readonly group?: GuildSubcommandGroup;
}

/** A group of subcommands: `tiers` in `/roles tiers set`. */
export interface GuildSubcommandGroup {
	readonly name: string;
	readonly description: string;
}

/** How a subcommand is called after the command's name: `set`, or `tiers set` in a group. */
export function subcommandPath(subcommand: GuildSubcommand): string {
	return subcommand.group === undefined ? subcommand.name : `${subcommand.group.name} ${subcommand.name}`;
}

/**
 * A context menu of a command: Apps → `name` on a member (`user`) or on a message, run by the
 * command's method named `run`, `(call: ContextMenuCall, context)`. Server-only.
 */
export interface GuildContextMenu {
	readonly type: 'user' | 'message';
	/** What Discord shows under Apps, 1 to 32 characters, capitals and spaces allowed; no other command's name or menu. */
	readonly name: string;
	/** What it does, for `/help <command>` (Discord shows a menu by its name only). */
	readonly description: string;
	readonly run: string;
}

interface ContextMenuCallBase {
	readonly user: User;
	/** Whether the member is a moderator of this server (Manage Server or its moderator role), as for the command's other forms. */
	readonly byModerator: boolean;
	readonly channelId: string;
	readonly source: ContextMenuCommandInteraction;
	/** Answers the member as a slash command does (see AnswerVisibility): by default the member alone. */
	reply(answer: CommandAnswer): Promise<AnsweredCall>;
}

/** One use of a user menu: the member it was used on. */
export interface UserContextMenuCall extends ContextMenuCallBase {
	readonly type: 'user';
	readonly targetUser: User;
}

/** One use of a message menu: the message it was used on. */
export interface MessageContextMenuCall extends ContextMenuCallBase {
	readonly type: 'message';
	readonly targetMessage: Message;
}

/** One use of a context menu: `ContextMenuCall<'message'>` for a message menu's method, `ContextMenuCall<'user'>` for a user menu's. */
export type ContextMenuCall<Type extends GuildContextMenu['type'] = GuildContextMenu['type']> = Extract<
	UserContextMenuCall | MessageContextMenuCall,
	{ readonly type: Type }
>;

/** The option values of one call, read the same way whichever form it came in. */
export interface CallOptions {
	string(name: string): string | null;
	integer(name: string): number | null;
	boolean(name: string): boolean | null;
	user(name: string): User | null;
	role(name: string): Role | null;
	channel(name: string): GuildBasedChannel | null;
	/** The file given for an attachment option (its `url`, `size`, `name`, `contentType`); the bytes are fetched from the url. */
	attachment(name: string): Attachment | null;
}

/** One use of a command, slash or prefix: who, where, the options, and how to answer. */
export interface CommandCall {
	readonly form: 'slash' | 'prefix';
	readonly user: User;
	/** Whether the member is a moderator of this server (Manage Server or its moderator role); false in a DM. */
	readonly byModerator: boolean;
	readonly channelId: string;
	/** How the member called it, for usage lines: `/settings set` or `!settings set`. */
	readonly invocation: string;
	readonly options: CallOptions;
	/** The interaction or message behind the call, for what only one form has (a modal, reactions). */
	readonly source: ChatInputCommandInteraction | Message;
	/**
	 * Answers the member, seen by whom `answer.visibility` says in this form (see AnswerVisibility:
	 * by default the member alone in the slash form, the channel in the prefix form). Every answer is
	 * cut to Discord's limits and pings nobody.
	 */
	reply(answer: CommandAnswer): Promise<AnsweredCall>;
}

/**
 * A server command written once for both forms: `/name` and the server's prefix (`!name`). Its
 * options and subcommands are declared in the options; the slash command is registered from
 * them, and the prefix form reads the same options, in order, from the words after the name
 * (a `rest` string takes the rest of the line). Its `contextMenus` add Apps → … menus on a member
 * or a message. The method that runs gets the call and the server's context, which the
 * GuildContext precondition loaded:
 *
 * @example
 * \@ApplyOptions<GuildCommand.Options>({ description: 'Shows a setting.', options: [{ type: 'string', name: 'key', description: 'The setting' }] })
 * export class ShowCommand extends GuildCommand {
 *   public override async run(call: CommandCall, context: GuildContext) { await call.reply({ content: context.settings.get('prefix') }); }
 * }
 */
export abstract class GuildCommand extends Subcommand {
	public readonly commandOptions: readonly CommandOption[];
	public readonly guildSubcommands: readonly GuildSubcommand[];
	public readonly contextMenus: readonly GuildContextMenu[];
	/** Moderators only (the Moderator precondition: Manage Server or the server's moderator role). */
	public readonly moderatorsOnly: boolean;
	/** Also usable in a DM with the bot, where there is no server: its method gets `null` for the context. */
	public readonly alsoInDirectMessages: boolean;

	public constructor(context: Subcommand.LoaderContext, options: GuildCommand.Options) {
		const guildSubcommands = options.guildSubcommands ?? [];
		super(context, {
			...options,
			runIn: options.alsoInDirectMessages ? [CommandOptionsRunTypeEnum.GuildAny, CommandOptionsRunTypeEnum.Dm] : CommandOptionsRunTypeEnum.GuildAny,
			preconditions: [...(options.preconditions ?? []), ...(options.moderatorsOnly ? ['Moderator' as const] : [])],
			// Both forms of every subcommand: the mapping calls back into the command with the call and the context.
			subcommands: subcommandMappings(guildSubcommands, (subcommand) => ({
				name: subcommand.name,
				default: subcommand.default ?? false,
				chatInputRun: (interaction: ChatInputCommandInteraction) => this.runChatInput(interaction, subcommand),
				messageRun: (message: Message, args: Args) => this.runMessage(message, args, subcommand)
			}))
		});
		this.commandOptions = options.commandOptions ?? [];
		this.guildSubcommands = guildSubcommands;
		this.contextMenus = options.contextMenus ?? [];
		this.moderatorsOnly = options.moderatorsOnly ?? false;
		this.alsoInDirectMessages = options.alsoInDirectMessages ?? false;
	}

	/** Runs a command without subcommands (a command with subcommands runs their methods instead); `context` is null only in a DM. */
	public run?(call: CommandCall, context: GuildContext | null): Promise<unknown>;

	public override registerApplicationCommands(registry: Subcommand.Registry): void {
		registry.registerChatInputCommand((command) => {
			// Everyone sees the command; the Moderator precondition decides who may use it (server admins narrow it in Integrations).
			command
				.setName(this.name)
				.setDescription(this.description)
				.setContexts(...(this.alsoInDirectMessages ? [InteractionContextType.Guild, InteractionContextType.BotDM] : [InteractionContextType.Guild]));
			if (this.guildSubcommands.length === 0) return addOptions(command, this.commandOptions);
			const add = (subcommand: GuildSubcommand) => (builder: SlashCommandSubcommandBuilder) =>
				addOptions(builder.setName(subcommand.name).setDescription(subcommand.description), subcommand.options ?? []);
			const groups = new Set<string>();
			for (const subcommand of this.guildSubcommands) {
				const { group } = subcommand;
				if (group === undefined) command.addSubcommand(add(subcommand));
				else if (!groups.has(group.name)) {
					// A group with all its subcommands, where its first one is declared.
					groups.add(group.name);
					const members = this.guildSubcommands.filter((candidate) => candidate.group?.name === group.name);
					command.addSubcommandGroup((builder) => {
						builder.setName(group.name).setDescription(group.description);
						for (const member of members) builder.addSubcommand(add(member));
						return builder;
					});
				}
			}
			return command;
		});
		// Registered with the rest in the bulk overwrite, which maps each menu's id to this command (Sapphire finds a menu by id, then by name).
		for (const menu of this.contextMenus) {
			registry.registerContextMenuCommand((builder) => builder.setName(menu.name).setType(menuType(menu)).setContexts(InteractionContextType.Guild));
		}
	}

	public override async chatInputRun(interaction: ChatInputCommandInteraction, context: ChatInputCommand.RunContext): Promise<void> {
		// With subcommands, Sapphire's Subcommand routes to the mapping above.
		if (this.guildSubcommands.length > 0) await super.chatInputRun(interaction, context);
		else await this.runChatInput(interaction, undefined);
	}

	public override async messageRun(message: Message, args: Args, context: MessageCommand.RunContext): Promise<void> {
		if (this.guildSubcommands.length > 0) await super.messageRun(message, args, context);
		else await this.runMessage(message, args, undefined);
	}

	public override async contextMenuRun(interaction: ContextMenuCommandInteraction): Promise<unknown> {
		const menu = this.contextMenus.find((candidate) => candidate.name === interaction.commandName && menuType(candidate) === interaction.commandType);
		if (menu === undefined) throw new Error(`${this.name}: no context menu "${interaction.commandName}" of type ${interaction.commandType} is declared.`);
		// Menus are registered for servers only, so the precondition always loaded a context.
		const context = boundGuildContext(interaction);
		if (context === undefined) throw new Error(`${this.name}: no server context for the menu "${menu.name}" (the GuildContext precondition did not run).`);
		const method = Reflect.get(this, menu.run) as unknown;
		if (typeof method !== 'function')
			throw new TypeError(`${this.name}: the context menu "${menu.name}" runs "${menu.run}", which is not a method of the command.`);
		const byModerator = isModerator({ permissions: interaction.memberPermissions, member: interaction.member }, context.settings.get('moderator_role_id'));
		return (method as (call: ContextMenuCall, context: GuildContext) => Promise<unknown>).call(
			this,
			contextMenuCall(interaction, menu, byModerator),
			context
		);
	}

	/** Usage of the prefix form, e.g. `!settings set <key> <value>`. */
	public usage(prefix: string, subcommand?: GuildSubcommand): string {
		const options = subcommand?.options ?? this.commandOptions;
		const words = options.map((option) => {
			const name = option.type === 'attachment' ? `${option.name} attached` : option.name;
			return option.required ? `<${name}>` : `[${name}]`;
		});
		return [`${prefix}${this.name}`, ...(subcommand === undefined ? [] : [subcommandPath(subcommand)]), ...words].join(' ');
	}

	private async runChatInput(interaction: ChatInputCommandInteraction, subcommand: GuildSubcommand | undefined): Promise<unknown> {
		const context = this.contextOf(interaction);
		const byModerator =
			context !== null &&
			isModerator({ permissions: interaction.memberPermissions, member: interaction.member }, context.settings.get('moderator_role_id'));
		const call = slashCall(interaction, `/${this.name}${subcommand === undefined ? '' : ` ${subcommandPath(subcommand)}`}`, byModerator);
		return this.dispatch(call, context, subcommand);
	}

	private async runMessage(message: Message, args: Args, subcommand: GuildSubcommand | undefined): Promise<unknown> {
		const context = this.contextOf(message);
		const prefix = context?.settings.get('prefix') ?? coreSettings.prefix.defaultValue;
		const invocation = `${prefix}${this.name}${subcommand === undefined ? '' : ` ${subcommandPath(subcommand)}`}`;
		const parsed = await readPrefixOptions(args, subcommand?.options ?? this.commandOptions);
		const byModerator =
			context !== null &&
			isModerator({ permissions: message.member?.permissions ?? null, member: message.member }, context.settings.get('moderator_role_id'));
		const call = prefixCall(
			message,
			invocation,
			`/${this.name}${subcommand === undefined ? '' : ` ${subcommandPath(subcommand)}`}`,
			parsed.values,
			byModerator
		);
		if (!parsed.ok) {
			const problem = parsed.problem === null ? '' : `${parsed.problem} `;
			return call.reply({ content: `${problem}Usage: \`${this.usage(prefix, subcommand)}\`. Nothing was changed.` });
		}
		return this.dispatch(call, context, subcommand);
	}

	private dispatch(call: CommandCall, context: GuildContext | null, subcommand: GuildSubcommand | undefined): Promise<unknown> {
		if (subcommand === undefined) {
			if (this.run === undefined) throw new TypeError(`${this.name}: a command without subcommands implements run(call, context).`);
			return this.run(call, context);
		}
		const method = Reflect.get(this, subcommand.run) as unknown;
		if (typeof method !== 'function')
			throw new TypeError(`${this.name}: the subcommand ${subcommand.name} runs "${subcommand.run}", which is not a method of the command.`);
		return (method as (call: CommandCall, context: GuildContext | null) => Promise<unknown>).call(this, call, context);
	}

	private contextOf(event: object): GuildContext | null {
		const context = boundGuildContext(event);
		if (context !== undefined) return context;
		// The precondition loads it for every command in a server; only a command allowed in DMs runs without one.
		if (this.alsoInDirectMessages) return null;
		throw new Error(`${this.name}: no server context for this call (the GuildContext precondition did not run).`);
	}
}

export namespace GuildCommand {
	export interface Options extends Subcommand.Options {
		/** The options of a command without subcommands. */
		readonly commandOptions?: readonly CommandOption[];
		readonly guildSubcommands?: readonly GuildSubcommand[];
		/** Apps → … menus on a member or a message, next to the slash and prefix forms. */
		readonly contextMenus?: readonly GuildContextMenu[];
		readonly moderatorsOnly?: boolean;
		readonly alsoInDirectMessages?: boolean;
	}
}

/** Sapphire's mappings: the subcommands outside groups as methods, each group with its subcommands as entries. */
function subcommandMappings(subcommands: readonly GuildSubcommand[], method: (subcommand: GuildSubcommand) => SubcommandMappingMethod): SubcommandMapping[] {
	const mappings: SubcommandMapping[] = [];
	const groups = new Map<string, SubcommandMappingMethod[]>();
	for (const subcommand of subcommands) {
		if (subcommand.group === undefined) {
			mappings.push(method(subcommand));
			continue;
		}
		let entries = groups.get(subcommand.group.name);
		if (entries === undefined) {
			entries = [];
			groups.set(subcommand.group.name, entries);
			mappings.push({ name: subcommand.group.name, type: 'group', entries });
		}
		// A group's subcommand is never the default one: Sapphire would run it for any word after the group.
		entries.push({ ...method(subcommand), default: false });
	}
	return mappings;
}

function addOptions<Builder extends SlashCommandBuilder | SlashCommandSubcommandBuilder>(builder: Builder, options: readonly CommandOption[]): Builder {
	for (const option of options) {
		const required = option.required ?? false;
		switch (option.type) {
			case 'string':
				builder.addStringOption((field) => {
					field.setName(option.name).setDescription(option.description).setRequired(required);
					if (option.maxLength !== undefined) field.setMaxLength(option.maxLength);
					if (option.choices !== undefined) field.addChoices(...option.choices.map((choice) => ({ name: choice, value: choice })));
					else if (option.autocomplete) field.setAutocomplete(true);
					return field;
				});
				break;
			case 'integer':
				builder.addIntegerOption((field) => {
					field.setName(option.name).setDescription(option.description).setRequired(required);
					if (option.min !== undefined) field.setMinValue(option.min);
					if (option.max !== undefined) field.setMaxValue(option.max);
					return field;
				});
				break;
			case 'boolean':
				builder.addBooleanOption((field) => field.setName(option.name).setDescription(option.description).setRequired(required));
				break;
			case 'user':
				builder.addUserOption((field) => field.setName(option.name).setDescription(option.description).setRequired(required));
				break;
			case 'role':
				builder.addRoleOption((field) => field.setName(option.name).setDescription(option.description).setRequired(required));
				break;
			case 'channel':
				builder.addChannelOption((field) => field.setName(option.name).setDescription(option.description).setRequired(required));
				break;
			case 'attachment':
				builder.addAttachmentOption((field) => field.setName(option.name).setDescription(option.description).setRequired(required));
				break;
		}
	}
	return builder;
}

function slashCall(interaction: ChatInputCommandInteraction, invocation: string, byModerator: boolean): CommandCall {
	const options = interaction.options;
	return {
		form: 'slash',
		user: interaction.user,
		byModerator,
		channelId: interaction.channelId,
		invocation,
		source: interaction,
		options: {
			string: (name) => options.getString(name),
			integer: (name) => options.getInteger(name),
			boolean: (name) => options.getBoolean(name),
			user: (name) => options.getUser(name),
			role: (name) => (options.getRole(name) as Role | null) ?? null,
			channel: (name) => (options.getChannel(name) as GuildBasedChannel | null) ?? null,
			attachment: (name) => options.getAttachment(name)
		},
		reply: (answer) => answerCall(interaction, answer, invocation)
	};
}

function menuType(menu: GuildContextMenu): ApplicationCommandType.User | ApplicationCommandType.Message {
	return menu.type === 'user' ? ApplicationCommandType.User : ApplicationCommandType.Message;
}

function contextMenuCall(interaction: ContextMenuCommandInteraction, menu: GuildContextMenu, byModerator: boolean): ContextMenuCall {
	const common = {
		user: interaction.user,
		byModerator,
		channelId: interaction.channelId,
		source: interaction,
		reply: (answer: CommandAnswer) => answerCall(interaction, answer, menu.name)
	};
	if (interaction.isUserContextMenuCommand()) return { ...common, type: 'user', targetUser: interaction.targetUser };
	if (interaction.isMessageContextMenuCommand()) return { ...common, type: 'message', targetMessage: interaction.targetMessage };
	throw new TypeError(`The context menu "${menu.name}" came as a command of type ${interaction.commandType}.`);
}

type PrefixValue = string | number | boolean | User | Role | GuildBasedChannel | Attachment;

/** `slashForm` names the slash form, which a member whose DMs are closed is pointed to. */
function prefixCall(message: Message, invocation: string, slashForm: string, values: ReadonlyMap<string, PrefixValue>, byModerator: boolean): CommandCall {
	const get = <T>(name: string, is: (value: PrefixValue) => value is PrefixValue & T): T | null => {
		const value = values.get(name);
		return value !== undefined && is(value) ? value : null;
	};
	return {
		form: 'prefix',
		user: message.author,
		byModerator,
		channelId: message.channelId,
		invocation,
		source: message,
		options: {
			string: (name) => get(name, (value): value is string => typeof value === 'string'),
			integer: (name) => get(name, (value): value is number => typeof value === 'number'),
			boolean: (name) => get(name, (value): value is boolean => typeof value === 'boolean'),
			user: (name) => get(name, (value): value is User => typeof value === 'object' && 'username' in value),
			role: (name) => get(name, (value): value is Role => typeof value === 'object' && 'permissions' in value && 'hoist' in value),
			channel: (name) => get(name, (value): value is GuildBasedChannel => typeof value === 'object' && 'guildId' in value && !('hoist' in value)),
			attachment: (name) => get(name, (value): value is Attachment => value instanceof Attachment)
		},
		reply: (answer) => answerCall(message, answer, slashForm)
	};
}

/** Reads the declared options from the words after a prefix command, in order, and files from the message's attachments; says what is wrong (null: something is missing). */
async function readPrefixOptions(
	args: Args,
	options: readonly CommandOption[]
): Promise<
	| { readonly ok: true; readonly values: Map<string, PrefixValue> }
	| { readonly ok: false; readonly problem: string | null; readonly values: Map<string, PrefixValue> }
> {
	const values = new Map<string, PrefixValue>();
	const files = [...args.message.attachments.values()];
	for (const option of options) {
		if (option.type === 'attachment') {
			const file = files.shift();
			if (file !== undefined) values.set(option.name, file);
			else if (option.required ?? false) return { ok: false, problem: `Attach the file \`${option.name}\` to the message.`, values };
			continue;
		}
		const result = await readOne(args, option);
		if (result.isOk()) {
			values.set(option.name, result.unwrap());
			continue;
		}
		if (args.finished) {
			// Missing: the usage line says it all.
			if (option.required ?? false) return { ok: false, problem: null, values };
			continue;
		}
		return { ok: false, problem: `\`${option.name}\` is not ${describeType(option)}.`, values };
	}
	return { ok: true, values };
}

function readOne(args: Args, option: WordOption) {
	switch (option.type) {
		case 'string':
			// maxLength binds Discord's slash form only: a longer word is the command's to judge (and echo, cut).
			return option.rest ? args.restResult('string') : args.pickResult('string');
		case 'integer':
			return args.pickResult('integer', {
				...(option.min === undefined ? {} : { minimum: option.min }),
				...(option.max === undefined ? {} : { maximum: option.max })
			});
		case 'boolean':
			return args.pickResult('boolean');
		case 'user':
			return args.pickResult('user');
		case 'role':
			return args.pickResult('role');
		case 'channel':
			// Sapphire's guildChannel resolver types its channels more loosely than discord.js' GuildBasedChannel.
			return args.pickResult('guildChannel') as Promise<Result<GuildBasedChannel, unknown>>;
	}
}

function describeType(option: WordOption): string {
	switch (option.type) {
		case 'string':
			return 'text';
		case 'integer':
			return `a whole number${option.min === undefined ? '' : ` from ${option.min}`}${option.max === undefined ? '' : ` to ${option.max}`}`;
		case 'boolean':
			return 'yes or no';
		case 'user':
			return 'a member (a mention or an id)';
		case 'role':
			return 'a role of this server (a mention or an id)';
		case 'channel':
			return 'a channel of this server (a mention or an id)';
	}
}
