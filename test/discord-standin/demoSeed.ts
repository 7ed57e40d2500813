import type { GuildSeed, StandInSeed } from './seed.js';

function demoGuild(id: string, name: string, prefix: string): GuildSeed {
	return {
		id,
		name,
		owner: `${prefix}-owner`,
		roles: [
			{ name: 'Kick Linked', permissions: [] },
			{ name: 'Viewer', permissions: [] },
			{ name: 'Moderator', permissions: ['ManageGuild', 'ManageMessages', 'KickMembers'] }
		],
		channels: [{ name: 'general' }, { name: 'bot-commands' }],
		members: [
			{ username: `${prefix}-owner` },
			{ username: `${prefix}-moderator`, roles: ['Moderator'] },
			{ username: `${prefix}-viewer`, roles: ['Viewer'] }
		]
	};
}

/**
 * Two communities, each with an owner, a moderator (Manage Server) and a viewer, a role for
 * members who linked their Kick account, and channels general and bot-commands. Bot and guild
 * ids are fixed so a bot's configuration (e.g. DISCORD_GUILD_ID) survives restarts of the
 * standalone stand-in.
 */
export const DEMO_SEED: StandInSeed = {
	botUser: { id: '1300000000000000001', username: 'KickCommunityBot' },
	token: 'standin-demo-token.not-a-real-discord-token',
	// With STANDIN_SHARDS=2 Alpha is on shard 0 and Beta on shard 1: (id >> 22) % 2.
	guilds: [demoGuild('1300000000000000100', 'Alpha Community', 'alpha'), demoGuild('1300000000004194504', 'Beta Community', 'beta')]
};
