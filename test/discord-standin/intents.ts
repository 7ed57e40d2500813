import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';

const GUILD_EVENTS: readonly string[] = [
	GatewayDispatchEvents.GuildCreate,
	GatewayDispatchEvents.GuildUpdate,
	GatewayDispatchEvents.GuildDelete,
	GatewayDispatchEvents.GuildRoleCreate,
	GatewayDispatchEvents.GuildRoleUpdate,
	GatewayDispatchEvents.GuildRoleDelete,
	GatewayDispatchEvents.ChannelCreate,
	GatewayDispatchEvents.ChannelUpdate,
	GatewayDispatchEvents.ChannelDelete,
	GatewayDispatchEvents.ChannelPinsUpdate,
	GatewayDispatchEvents.ThreadCreate,
	GatewayDispatchEvents.ThreadUpdate,
	GatewayDispatchEvents.ThreadDelete,
	GatewayDispatchEvents.ThreadListSync
];
const MEMBER_EVENTS: readonly string[] = [
	GatewayDispatchEvents.GuildMemberAdd,
	GatewayDispatchEvents.GuildMemberUpdate,
	GatewayDispatchEvents.GuildMemberRemove
];
const MESSAGE_EVENTS: readonly string[] = [
	GatewayDispatchEvents.MessageCreate,
	GatewayDispatchEvents.MessageUpdate,
	GatewayDispatchEvents.MessageDelete,
	GatewayDispatchEvents.MessageDeleteBulk
];
const REACTION_EVENTS: readonly string[] = [
	GatewayDispatchEvents.MessageReactionAdd,
	GatewayDispatchEvents.MessageReactionRemove,
	GatewayDispatchEvents.MessageReactionRemoveAll,
	GatewayDispatchEvents.MessageReactionRemoveEmoji
];

interface DispatchData {
	readonly guild_id?: string;
	readonly user?: { readonly id?: string };
	readonly author?: { readonly id?: string };
	readonly mentions?: readonly { readonly id?: string }[];
	readonly [key: string]: unknown;
}

/** The intent Discord requires before it sends this event to a session, or undefined when none is needed. */
export function requiredIntent(type: string, data: DispatchData): number | undefined {
	const inGuild = typeof data.guild_id === 'string';
	if (GUILD_EVENTS.includes(type)) return GatewayIntentBits.Guilds;
	if (MEMBER_EVENTS.includes(type)) return GatewayIntentBits.GuildMembers;
	if (MESSAGE_EVENTS.includes(type)) return inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
	if (REACTION_EVENTS.includes(type)) return inGuild ? GatewayIntentBits.GuildMessageReactions : GatewayIntentBits.DirectMessageReactions;
	if (type === GatewayDispatchEvents.TypingStart) return inGuild ? GatewayIntentBits.GuildMessageTyping : GatewayIntentBits.DirectMessageTyping;
	if (type === GatewayDispatchEvents.PresenceUpdate) return GatewayIntentBits.GuildPresences;
	if (type === GatewayDispatchEvents.VoiceStateUpdate) return GatewayIntentBits.GuildVoiceStates;
	return undefined;
}

/**
 * The event's data as this session receives it, or undefined when its intents exclude the event.
 * Without MessageContent, guild messages of others that do not mention the bot lose their content.
 */
export function shapeForIntents(type: string, data: unknown, intents: number, botUserId: string): unknown {
	const fields = (data ?? {}) as DispatchData;
	const intent = requiredIntent(type, fields);
	const aboutBot = type === GatewayDispatchEvents.GuildMemberUpdate && fields.user?.id === botUserId;
	if (intent !== undefined && (intents & intent) === 0 && !aboutBot) return undefined;
	const isMessage = type === GatewayDispatchEvents.MessageCreate || type === GatewayDispatchEvents.MessageUpdate;
	if (!isMessage || (intents & GatewayIntentBits.MessageContent) !== 0 || typeof fields.guild_id !== 'string') return data;
	if (fields.author?.id === botUserId || (fields.mentions ?? []).some((user) => user.id === botUserId)) return data;
	const { poll: _poll, ...rest } = fields;
	return { ...rest, content: '', embeds: [], attachments: [], components: [] };
}
