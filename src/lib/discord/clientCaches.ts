import { Options, type ClientOptions, type GuildMember, type User } from 'discord.js';

/** Members kept per server: those whose message is being handled (a message's `member` is read from this cache), and the bot's own. */
export const MEMBERS_PER_SERVER = 25;
/** Members other than the bot's are forgotten this often (seconds): a member is needed only while its message is handled. */
export const MEMBER_SWEEP_SECONDS = 600;

/** Per-server caches discord.js makes (and cacheWithLimits matches by class name) that its typings do not list. */
const PER_SERVER_CACHES_UNTYPED = { GuildApplicationCommandManager: 0, GuildSoundboardSoundManager: 0 };

const isBot = (entity: GuildMember | User): boolean => entity.id === entity.client.user?.id;

/**
 * What discord.js keeps in memory: only what the features read. Servers, their channels (with
 * permission overwrites) and roles are kept whole (the bot's permissions and the settings'
 * references are checked against them); the bot's own member and user are always kept (Sapphire
 * checks the bot's permissions on every prefix message); a few members are kept while their
 * messages are handled; everything else the gateway sends (messages, presences, voice states,
 * reactions, emojis, stickers, bans, invites, events, per-server commands, thread members) is
 * not kept, since interactions and messages carry what the features read.
 */
export function clientCacheOptions(): Pick<ClientOptions, 'makeCache' | 'sweepers'> {
	return {
		makeCache: Options.cacheWithLimits({
			GuildMemberManager: { maxSize: MEMBERS_PER_SERVER, keepOverLimit: isBot },
			UserManager: { maxSize: 0, keepOverLimit: isBot },
			MessageManager: 0,
			ReactionManager: 0,
			ReactionUserManager: 0,
			PresenceManager: 0,
			VoiceStateManager: 0,
			GuildEmojiManager: 0,
			GuildStickerManager: 0,
			GuildBanManager: 0,
			GuildInviteManager: 0,
			GuildScheduledEventManager: 0,
			StageInstanceManager: 0,
			AutoModerationRuleManager: 0,
			ThreadMemberManager: 0,
			...PER_SERVER_CACHES_UNTYPED
		}),
		sweepers: {
			// discord.js' default: archived threads after 4 hours.
			...Options.DefaultSweeperSettings,
			guildMembers: { interval: MEMBER_SWEEP_SECONDS, filter: () => (member) => !isBot(member) }
		}
	};
}
