import { LimitedCollection, Options, type CacheFactory, type Client, type ClientOptions, type GuildMember, type User } from 'discord.js';

/** Members kept per server: those whose message is being handled (a message's `member` is read from this cache), and the bot's own. */
export const MEMBERS_PER_SERVER = 25;
/** Members other than the bot's are forgotten this often (seconds): a member is needed only while its message is handled. */
export const MEMBER_SWEEP_SECONDS = 600;

/**
 * Caches never kept (by the class name of their manager, as cacheWithLimits matches them; some
 * per-server ones are missing from discord.js' typings): interactions and messages carry what the
 * features read.
 */
const NOT_KEPT = [
	'MessageManager',
	'ReactionManager',
	'ReactionUserManager',
	'PresenceManager',
	'VoiceStateManager',
	'GuildEmojiManager',
	'GuildStickerManager',
	'GuildBanManager',
	'GuildInviteManager',
	'GuildScheduledEventManager',
	'StageInstanceManager',
	'AutoModerationRuleManager',
	'GuildSoundboardSoundManager',
	'GuildApplicationCommandManager',
	'ThreadMemberManager'
];

/** How often the direct-message channels are forgotten (ms). */
export const DIRECT_MESSAGE_CHANNEL_SWEEP_MS = MEMBER_SWEEP_SECONDS * 1000;

const isBot = (entity: GuildMember | User): boolean => entity.id === entity.client.user?.id;

/**
 * What discord.js keeps in memory: only what the features read. Servers, their channels (with
 * permission overwrites) and roles are kept whole (the bot's permissions and the settings'
 * references are checked against them); the bot's own member and user are always kept (Sapphire
 * checks the bot's permissions on every prefix message); a few members are kept while their
 * messages are handled; nothing else the gateway sends (NOT_KEPT).
 */
export function clientCacheOptions(): Pick<ClientOptions, 'makeCache' | 'sweepers'> {
	const limited = Options.cacheWithLimits({
		GuildMemberManager: { maxSize: MEMBERS_PER_SERVER, keepOverLimit: isBot },
		UserManager: { maxSize: 0, keepOverLimit: isBot }
	});
	// A cache of size 0 refuses every entry, so one per kind serves every server's manager of that kind (at 10,000 servers, 150,000 fewer maps).
	const nothingKept = new Map(NOT_KEPT.map((name) => [name, new LimitedCollection<string, unknown>({ maxSize: 0 })]));
	const makeCache: CacheFactory = (managerType, holds, manager) =>
		nothingKept.get(manager.name) ?? nothingKept.get(managerType.name) ?? limited(managerType, holds, manager);
	return {
		makeCache,
		sweepers: {
			// discord.js' default: archived threads after 4 hours.
			...Options.DefaultSweeperSettings,
			guildMembers: { interval: MEMBER_SWEEP_SECONDS, filter: () => (member) => !isBot(member) }
		}
	};
}

/**
 * Forgets the direct-message channels discord.js keeps (one per user the bot wrote to, in a cache
 * that cannot be limited): the next DM to a user opens theirs again, one REST call. @returns how many.
 */
export function forgetDirectMessageChannels(client: Client): number {
	return client.channels.cache.sweep((channel) => channel.isDMBased());
}
