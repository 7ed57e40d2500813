import { randomBytes } from 'node:crypto';
import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ChannelType,
	ComponentType,
	InteractionContextType,
	InteractionType,
	Locale,
	type APIApplicationCommand,
	type APIApplicationCommandInteractionDataOption,
	type APIApplicationCommandOption,
	type APIAttachment,
	type APIInteractionDataResolved,
	type APIMessage,
	type APIUser
} from 'discord-api-types/v10';
import type { GuildState } from './GuildState.js';
import type { UserFile } from './messagePayloads.js';
import { codePoints } from './messageLimits.js';
import { resolvePermissions } from './permissions.js';
import type { UserDirectory } from './UserDirectory.js';

/** An option value: a plain value (type taken from the registered command, else from the JS type), an explicit type and value, or a file for an attachment option. */
export type SlashOptionValue =
	string | number | boolean | { readonly type: ApplicationCommandOptionType; readonly value: string | number | boolean } | UserFile;

export type SlashOptionsInput = Readonly<Record<string, SlashOptionValue>> | readonly APIApplicationCommandInteractionDataOption[];

export interface SlashCommandInput {
	readonly name: string;
	readonly subcommandGroup?: string;
	readonly subcommand?: string;
	/** User, role, channel and mentionable options take a username / role name / channel name, or an id; attachment options a file. */
	readonly options?: SlashOptionsInput;
}

/** What a user or message command (Apps → …) is used on: a user (username or id; a member of the guild is resolved as one), or a stored message. */
export type ContextMenuTarget = { readonly user: string } | { readonly message: APIMessage };

/** Where an interaction happens: a guild channel as a member, or the bot's DM with a user. */
export type InteractionPlace =
	| { readonly guild: GuildState; readonly channelId: string; readonly userId: string }
	| { readonly guild: null; readonly channel: Readonly<Record<string, unknown>>; readonly user: APIUser };

export interface InteractionContext {
	readonly applicationId: string;
	readonly users: UserDirectory;
	readonly nextId: () => string;
	/** Stores a file attached to a command in a channel (its bytes served at the attachment's url); needed for attachment options only. */
	readonly attach?: (channelId: string, file: UserFile) => APIAttachment;
}

/** What Discord lets a bot do in its DMs. */
const DM_APP_PERMISSIONS = resolvePermissions([
	'ViewChannel',
	'SendMessages',
	'ReadMessageHistory',
	'EmbedLinks',
	'AttachFiles',
	'AddReactions',
	'UseExternalEmojis'
]);

export function interactionToken(): string {
	return `standin-${randomBytes(48).toString('base64url')}`;
}

/** An INTERACTION_CREATE for a chat input command, with everything discord.js needs to accept it. */
export function buildChatInputInteraction(
	context: InteractionContext,
	place: InteractionPlace,
	input: SlashCommandInput,
	command: APIApplicationCommand | undefined
) {
	const resolved: APIInteractionDataResolved = {};
	const definitions = optionDefinitions(command, input);
	const leafOptions = Array.isArray(input.options)
		? (input.options as APIApplicationCommandInteractionDataOption[])
		: Object.entries((input.options ?? {}) as Record<string, SlashOptionValue>).map(([name, value]) =>
				buildOption(
					context,
					place,
					resolved,
					name,
					value,
					definitions.find((definition) => definition.name === name)
				)
			);
	let options: APIApplicationCommandInteractionDataOption[] = leafOptions;
	if (input.subcommand !== undefined)
		options = [
			{ type: ApplicationCommandOptionType.Subcommand, name: input.subcommand, options: leafOptions } as APIApplicationCommandInteractionDataOption
		];
	if (input.subcommandGroup !== undefined)
		options = [{ type: ApplicationCommandOptionType.SubcommandGroup, name: input.subcommandGroup, options } as APIApplicationCommandInteractionDataOption];
	const data = {
		id: command?.id ?? context.nextId(),
		name: input.name,
		type: ApplicationCommandType.ChatInput,
		options,
		...(Object.keys(resolved).length === 0 ? {} : { resolved }),
		...(command?.guild_id === undefined ? {} : { guild_id: command.guild_id })
	};
	return { ...envelope(context, place, InteractionType.ApplicationCommand), data };
}

/**
 * An INTERACTION_CREATE for a user or message command, as Discord sends it: `data.type` 2 or 3,
 * `data.target_id`, and the target in `data.resolved` (the user, and their member in a guild; or
 * the whole message, content included whatever the bot's intents).
 */
export function buildContextMenuInteraction(context: InteractionContext, place: InteractionPlace, command: APIApplicationCommand, target: ContextMenuTarget) {
	const resolved: APIInteractionDataResolved & { messages?: Record<string, APIMessage> } = {};
	let targetId: string;
	if ('user' in target) targetId = resolveUser(context, place, resolved, target.user);
	else {
		resolved.messages = { [target.message.id]: target.message };
		targetId = target.message.id;
	}
	const data = {
		id: command.id,
		name: command.name,
		type: command.type,
		target_id: targetId,
		resolved,
		...(command.guild_id === undefined ? {} : { guild_id: command.guild_id })
	};
	return { ...envelope(context, place, InteractionType.ApplicationCommand), data };
}

/** An INTERACTION_CREATE for autocomplete: the options typed so far, the one named `focused` being typed (string options only, as Discord). */
export function buildAutocompleteInteraction(
	context: InteractionContext,
	place: InteractionPlace,
	input: SlashCommandInput,
	command: APIApplicationCommand | undefined,
	focused: string
) {
	const interaction = buildChatInputInteraction(context, place, input, command);
	return {
		...interaction,
		type: InteractionType.ApplicationCommandAutocomplete,
		data: { ...interaction.data, options: markFocused(interaction.data.options, focused) }
	};
}

function markFocused(options: readonly APIApplicationCommandInteractionDataOption[], focused: string): APIApplicationCommandInteractionDataOption[] {
	return options.map((option) => {
		if ('options' in option && option.options !== undefined)
			return { ...option, options: markFocused(option.options, focused) } as APIApplicationCommandInteractionDataOption;
		return option.name === focused ? ({ ...option, focused: true } as APIApplicationCommandInteractionDataOption) : option;
	});
}

/** An INTERACTION_CREATE for a click on a button (or a choice in a string select) of a message. */
export function buildComponentInteraction(
	context: InteractionContext,
	place: InteractionPlace,
	message: APIMessage,
	customId: string,
	values?: readonly string[]
) {
	const data =
		values === undefined
			? { custom_id: customId, component_type: ComponentType.Button }
			: { custom_id: customId, component_type: ComponentType.StringSelect, values: [...values] };
	return { ...envelope(context, place, InteractionType.MessageComponent), message, data };
}

/** An INTERACTION_CREATE for a modal submitted with `fields` (text input custom id → value); `message` when the modal came from a component of it. */
export function buildModalSubmitInteraction(
	context: InteractionContext,
	place: InteractionPlace,
	customId: string,
	fields: Readonly<Record<string, string>>,
	message?: APIMessage
) {
	const components = Object.entries(fields).map(([id, value]) => ({
		type: ComponentType.ActionRow,
		components: [{ type: ComponentType.TextInput, custom_id: id, value }]
	}));
	return {
		...envelope(context, place, InteractionType.ModalSubmit),
		...(message === undefined ? {} : { message }),
		data: { custom_id: customId, components }
	};
}

function envelope(context: InteractionContext, place: InteractionPlace, type: InteractionType) {
	const common = {
		id: context.nextId(),
		application_id: context.applicationId,
		type,
		token: interactionToken(),
		version: 1,
		locale: Locale.EnglishUS,
		entitlements: [],
		attachment_size_limit: 10 * 1024 * 1024
	};
	if (place.guild === null) {
		return {
			...common,
			channel: place.channel,
			channel_id: String(place.channel.id),
			user: place.user,
			app_permissions: DM_APP_PERMISSIONS.toString(),
			authorizing_integration_owners: { '0': '0' },
			context: InteractionContextType.BotDM
		};
	}
	const { guild, channelId, userId } = place;
	const channel = guild.channels.get(channelId);
	if (!channel) throw new Error(`Guild '${guild.name}' has no channel ${channelId}`);
	return {
		...common,
		guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
		guild_id: guild.id,
		guild_locale: Locale.EnglishUS,
		channel: { ...guild.toApiChannel(channel), permissions: guild.permissionsOf(userId, channelId).toString() },
		channel_id: channelId,
		member: guild.toInteractionMember(userId, channelId),
		app_permissions: guild.permissionsOf(guild.botMember.userId, channelId).toString(),
		authorizing_integration_owners: { '0': guild.id },
		context: InteractionContextType.Guild
	};
}

function optionDefinitions(command: APIApplicationCommand | undefined, input: SlashCommandInput): readonly APIApplicationCommandOption[] {
	let definitions: readonly APIApplicationCommandOption[] = command?.options ?? [];
	for (const name of [input.subcommandGroup, input.subcommand]) {
		if (name === undefined) continue;
		const parent = definitions.find((definition) => definition.name === name);
		definitions = parent && 'options' in parent ? ((parent.options ?? []) as readonly APIApplicationCommandOption[]) : [];
	}
	return definitions;
}

function inferType(value: string | number | boolean): ApplicationCommandOptionType {
	if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
	if (typeof value === 'number') return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
	return ApplicationCommandOptionType.String;
}

function buildOption(
	context: InteractionContext,
	place: InteractionPlace,
	resolved: APIInteractionDataResolved,
	name: string,
	input: SlashOptionValue,
	definition: APIApplicationCommandOption | undefined
): APIApplicationCommandInteractionDataOption {
	if (typeof input === 'object' && 'filename' in input) return attachFile(context, place, resolved, name, input);
	const explicit = typeof input === 'object';
	const raw = explicit ? input.value : input;
	const type = explicit ? input.type : (definition?.type ?? inferType(raw));
	switch (type) {
		case ApplicationCommandOptionType.User:
			return { type, name, value: resolveUser(context, place, resolved, String(raw)) } as APIApplicationCommandInteractionDataOption;
		case ApplicationCommandOptionType.Role:
			return { type, name, value: resolveRole(place, resolved, String(raw)) } as APIApplicationCommandInteractionDataOption;
		case ApplicationCommandOptionType.Channel:
			return { type, name, value: resolveChannel(place, resolved, String(raw)) } as APIApplicationCommandInteractionDataOption;
		case ApplicationCommandOptionType.Mentionable: {
			const role = place.guild?.findRole(String(raw));
			const value = role ? resolveRole(place, resolved, role.id) : resolveUser(context, place, resolved, String(raw));
			return { type, name, value } as APIApplicationCommandInteractionDataOption;
		}
		case ApplicationCommandOptionType.Integer:
		case ApplicationCommandOptionType.Number:
			return { type, name, value: Number(raw) } as APIApplicationCommandInteractionDataOption;
		case ApplicationCommandOptionType.Boolean:
			return { type, name, value: raw === true || raw === 'true' } as APIApplicationCommandInteractionDataOption;
		case ApplicationCommandOptionType.String:
			requireOptionLength(name, String(raw), definition);
			return { type, name, value: String(raw) } as APIApplicationCommandInteractionDataOption;
		default:
			throw new Error(`Option '${name}' has type ${type}, which runSlashCommand cannot fill in; pass raw options instead`);
	}
}

/** A file for an attachment option: uploaded in the interaction's channel, put in `data.resolved.attachments` as Discord does. */
function attachFile(
	context: InteractionContext,
	place: InteractionPlace,
	resolved: APIInteractionDataResolved,
	name: string,
	file: UserFile
): APIApplicationCommandInteractionDataOption {
	if (context.attach === undefined) throw new Error(`Option '${name}' is a file, and this interaction context stores no attachments`);
	const attachment = context.attach(place.guild === null ? String(place.channel.id) : place.channelId, file);
	(resolved.attachments ??= {})[attachment.id] = attachment;
	return { type: ApplicationCommandOptionType.Attachment, name, value: attachment.id };
}

/** Discord's client does not send a string option outside the `min_length`/`max_length` the command registered. */
function requireOptionLength(name: string, value: string, definition: APIApplicationCommandOption | undefined): void {
	if (definition?.type !== ApplicationCommandOptionType.String) return;
	const length = codePoints(value);
	if (definition.max_length !== undefined && length > definition.max_length) {
		throw new Error(`Option '${name}' takes at most ${definition.max_length} characters (${length} given): Discord would not send this command`);
	}
	if (definition.min_length !== undefined && length < definition.min_length) {
		throw new Error(`Option '${name}' takes at least ${definition.min_length} characters (${length} given): Discord would not send this command`);
	}
}

function resolveUser(context: InteractionContext, place: InteractionPlace, resolved: APIInteractionDataResolved, usernameOrId: string): string {
	const member = place.guild?.findMember(usernameOrId);
	const user = member ? context.users.get(member.userId)! : context.users.resolve(usernameOrId);
	(resolved.users ??= {})[user.id] = user;
	if (member && place.guild) {
		const { user: _user, ...withoutUser } = place.guild.toInteractionMember(member.userId, place.channelId);
		(resolved.members ??= {})[user.id] = withoutUser;
	}
	return user.id;
}

function resolveRole(place: InteractionPlace, resolved: APIInteractionDataResolved, nameOrId: string): string {
	if (!place.guild) throw new Error('Role options need a guild');
	const role = place.guild.role(nameOrId);
	(resolved.roles ??= {})[role.id] = place.guild.toApiRole(role);
	return role.id;
}

function resolveChannel(place: InteractionPlace, resolved: APIInteractionDataResolved, nameOrId: string): string {
	if (!place.guild) throw new Error('Channel options need a guild');
	const channel = place.guild.channel(nameOrId);
	const userId = place.userId;
	(resolved.channels ??= {})[channel.id] = {
		id: channel.id,
		name: channel.name,
		type: channel.type,
		permissions: place.guild.permissionsOf(userId, channel.id).toString()
	} as NonNullable<APIInteractionDataResolved['channels']>[string];
	return channel.id;
}

/** A DM channel object as interactions and `POST /users/@me/channels` give it. */
export function dmChannelPayload(channelId: string, recipient: APIUser) {
	return { id: channelId, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [recipient] };
}
