import { expect } from 'chai';
import type { Client } from 'discord.js';
import { changeMemberRole, roleProblem } from '#lib/guild/changeMemberRole';
import { editChannelMessage, fetchDiscordGuild, guildIdOfChannel } from '#lib/guild/discordGuild';
import { connectClient } from '#test/discord-standin/connectClient';
import { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { GuildState } from '#test/discord-standin/GuildState';

/** The id of a guild on shard `shard` of 2. */
const onShard = (shard: number) => String(((1n << 40n) + BigInt(shard)) << 22n);

describe('A server of another process’s shard, read and acted on through Discord’s REST API (fetchDiscordGuild and friends)', () => {
	let standIn: DiscordStandIn;
	let client: Client<true>;
	let here: GuildState;
	let elsewhere: GuildState;

	before(async () => {
		const seed = (id: string, name: string) => ({
			id,
			name,
			roles: [{ name: 'Head', aboveBot: true }, { name: 'Linked' }],
			channels: [{ name: 'general' }],
			members: [{ username: `${name}-alice` }]
		});
		standIn = await DiscordStandIn.start({ shards: 2, seed: { guilds: [seed(onShard(0), 'Here'), seed(onShard(1), 'Elsewhere')] } });
		// This process runs shard 0: 'Elsewhere' is on shard 1, whose events go to another process.
		client = await connectClient(standIn, { shards: [0], shardCount: 2 });
		here = standIn.guild('Here');
		elsewhere = standIn.guild('Elsewhere');
	});
	after(async () => {
		await client?.destroy();
		await standIn?.stop();
	});

	it('reads the server with its roles, keeps it out of the cache, hands back the cached one for this process’s servers, and null for a server the bot is not in', async () => {
		expect(client.guilds.cache.has(elsewhere.id)).to.equal(false);
		const guild = (await fetchDiscordGuild(client, elsewhere.id))!;
		expect(guild.name).to.equal('Elsewhere');
		expect(guild.roles.cache.find((role) => role.name === 'Linked')?.id).to.equal(elsewhere.role('Linked').id);
		expect(client.guilds.cache.has(elsewhere.id), 'not cached: no event would keep it up to date').to.equal(false);
		expect(await fetchDiscordGuild(client, here.id)).to.equal(client.guilds.cache.get(here.id));
		expect(await fetchDiscordGuild(client, '1234567890123456789')).to.equal(null);
	});

	it('gives and takes a role of that server, and sees what stops a role, as for a cached server', async () => {
		const guild = (await fetchDiscordGuild(client, elsewhere.id))!;
		const change = { memberId: elsewhere.member('Elsewhere-alice').userId, roleId: elsewhere.role('Linked').id, reason: 'test' };
		expect(await changeMemberRole(guild, { ...change, action: 'grant' })).to.deep.equal({ status: 'done' });
		expect(elsewhere.member('Elsewhere-alice').roleIds).to.deep.equal([elsewhere.role('Linked').id]);
		expect(await changeMemberRole(guild, { ...change, action: 'grant' })).to.deep.equal({ status: 'unchanged' });
		expect(await changeMemberRole(guild, { ...change, action: 'revoke' })).to.deep.equal({ status: 'done' });
		expect(await roleProblem(guild, elsewhere.role('Head').id)).to.deep.include({ status: 'refused', problem: 'role too high' });
		expect(await roleProblem(guild, here.role('Linked').id), 'another server’s role').to.deep.include({ problem: 'no such role' });
		expect(client.guilds.cache.has(elsewhere.id)).to.equal(false);
	});

	it('says which server a channel is of, and edits the bot’s message there pinging nobody', async () => {
		const channelId = elsewhere.channel('general').id;
		expect(await guildIdOfChannel(client, channelId)).to.equal(elsewhere.id);
		expect(await guildIdOfChannel(client, '1234567890123456789')).to.equal(null);

		const posted = standIn.state.createMessage({ channelId, author: standIn.botUser, body: { content: 'Panel v1' } });
		await editChannelMessage(client, channelId, posted.id, { content: 'Panel v2 @everyone', embeds: [{ title: 'Queue' }] });
		const edited = standIn.state.messages.get(posted.id)!;
		expect([edited.content, edited.embeds[0]?.title, edited.mention_everyone]).to.deep.equal(['Panel v2 @everyone', 'Queue', false]);
	});
});
