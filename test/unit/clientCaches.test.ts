import { expect } from 'chai';
import { ChannelType } from 'discord-api-types/v10';
import { Client, ClientUser, type ClientOptions, type Guild, type GuildTextBasedChannel, type Message } from 'discord.js';
import { clientCacheOptions, forgetDirectMessageChannels, MEMBERS_PER_SERVER } from '#lib/discord/clientCaches';

const BOT = '900000000000000001';
const GUILD = '900000000000000100';
const CHANNEL = '900000000000000200';
const memberId = (n: number): string => String(900000000000001000n + BigInt(n));
const apiUser = (id: string) => ({ id, username: `user-${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null });
const apiMember = (id: string) => ({ user: apiUser(id), roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 });

/** A discord.js client with the bot's cache options and a server as its GUILD_CREATE gives it, with `members` members besides the bot. */
function clientWithServer(members: number): { client: Client; guild: Guild; channel: GuildTextBasedChannel } {
	// Sapphire's plugins add options a bare discord.js client does not need.
	const client = new Client({ intents: [], ...clientCacheOptions() } as unknown as ClientOptions);
	client.user = new (ClientUser as unknown as new (client: Client, data: unknown) => ClientUser)(client, { ...apiUser(BOT), bot: true });
	const added = (client.guilds as unknown as { _add(data: unknown): Guild })._add({
		id: GUILD,
		name: 'Caches',
		owner_id: memberId(0),
		roles: [{ id: GUILD, name: '@everyone', permissions: '1024', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
		channels: [{ id: CHANNEL, type: ChannelType.GuildText, name: 'general', position: 0, permission_overwrites: [] }],
		members: [apiMember(BOT), ...Array.from({ length: members }, (_, n) => apiMember(memberId(n)))]
	});
	return { client, guild: added, channel: added.channels.cache.get(CHANNEL) as GuildTextBasedChannel };
}

function messageOf(channel: GuildTextBasedChannel, authorId: string, id: string): Message {
	return (channel.messages as unknown as { _add(data: unknown): Message })._add({
		id,
		channel_id: CHANNEL,
		guild_id: GUILD,
		author: apiUser(authorId),
		member: { roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
		content: '!ping',
		timestamp: '2026-01-01T00:00:00.000Z',
		edited_timestamp: null,
		tts: false,
		mention_everyone: false,
		mentions: [],
		mention_roles: [],
		attachments: [],
		embeds: [],
		pinned: false,
		type: 0
	});
}

describe('discord.js caches: only what the features read', () => {
	it('keeps at most MEMBERS_PER_SERVER members per server, the bot’s own always', async () => {
		const { client, guild } = clientWithServer(MEMBERS_PER_SERVER * 2);
		try {
			expect(guild.members.cache.size).to.equal(MEMBERS_PER_SERVER);
			expect(guild.members.me?.id, 'the bot’s member, which Sapphire checks on every prefix message').to.equal(BOT);
		} finally {
			await client.destroy();
		}
	});

	it('gives a message its member (a message’s member is read from the cache) and keeps no message', async () => {
		const { client, guild, channel } = clientWithServer(MEMBERS_PER_SERVER * 2);
		try {
			const newcomer = memberId(MEMBERS_PER_SERVER * 3);
			const message = messageOf(channel, newcomer, '900000000000010000');
			expect(message.member?.id).to.equal(newcomer);
			expect(guild.members.me?.id).to.equal(BOT);
			expect(channel.messages.cache.size).to.equal(0);
			expect(
				client.users.cache.map((user) => user.id),
				'users apart from members: the bot only'
			).to.deep.equal([BOT]);
		} finally {
			await client.destroy();
		}
	});

	it('shares one empty cache among servers for what is never kept, and keeps each server’s members apart', async () => {
		const { client, guild } = clientWithServer(2);
		try {
			const other = (client.guilds as unknown as { _add(data: unknown): Guild })._add({
				id: '900000000000000101',
				name: 'Other',
				owner_id: BOT,
				roles: [],
				channels: [],
				members: [apiMember(BOT), apiMember(memberId(7))],
				emojis: [{ id: '900000000000020000', name: 'kekw', roles: [], require_colons: true, managed: false, animated: false, available: true }]
			});
			expect(other.emojis.cache).to.equal(guild.emojis.cache);
			expect(other.emojis.cache.size, 'an emoji of the gateway is not kept').to.equal(0);
			expect(other.members.cache).to.not.equal(guild.members.cache);
			expect([...other.members.cache.keys()].sort()).to.deep.equal([BOT, memberId(7)].sort());
			expect(guild.members.cache.has(memberId(7))).to.equal(false);
		} finally {
			await client.destroy();
		}
	});

	it('sweeps every member but the bot’s', async () => {
		const { client, guild } = clientWithServer(10);
		try {
			const filter = clientCacheOptions().sweepers?.guildMembers;
			if (filter === undefined || !('filter' in filter)) throw new Error('no member sweeper');
			guild.members.cache.sweep(filter.filter()!);
			expect([...guild.members.cache.keys()]).to.deep.equal([BOT]);
		} finally {
			await client.destroy();
		}
	});

	it('forgets the direct-message channels and keeps the servers’ channels', async () => {
		const { client, channel } = clientWithServer(1);
		try {
			const channels = client.channels as unknown as { _add(data: unknown): unknown };
			channels._add({ id: '900000000000030000', type: ChannelType.DM, recipients: [apiUser(memberId(0))] });
			expect(client.channels.cache.size).to.equal(2);
			expect(forgetDirectMessageChannels(client)).to.equal(1);
			expect([...client.channels.cache.keys()]).to.deep.equal([channel.id]);
		} finally {
			await client.destroy();
		}
	});
});
