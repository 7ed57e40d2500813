import { expect } from 'chai';
import type { Client, Guild } from 'discord.js';
import { changeMemberRole, roleProblem } from '#lib/guild/changeMemberRole';
import { connectClient } from '#test/discord-standin/connectClient';
import { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { GuildState } from '#test/discord-standin/GuildState';

describe('changeMemberRole (a role of one server, given or taken, with a clear outcome) against the Discord stand-in', () => {
	let standIn: DiscordStandIn;
	let client: Client<true>;
	let alpha: GuildState;
	let beta: GuildState;
	const guildOf = (seeded: GuildState): Guild => client.guilds.cache.get(seeded.id)!;
	const roleCalls = (from: number) =>
		standIn.restLog.filter((call) => call.path.includes('/roles/'), from).map((call) => `${call.method} ${call.path} ${call.status}`);

	before(async () => {
		standIn = await DiscordStandIn.start({
			seed: {
				guilds: [
					{
						name: 'Alpha',
						roles: [{ name: 'Head', aboveBot: true }, { name: 'Linked' }],
						channels: [{ name: 'general' }],
						members: [{ username: 'alice' }, { username: 'bob' }]
					},
					{
						name: 'Beta',
						roles: [{ name: 'Linked' }],
						channels: [{ name: 'general' }],
						members: [{ username: 'alice' }],
						bot: { permissions: ['ViewChannel', 'SendMessages'] }
					}
				]
			}
		});
		client = await connectClient(standIn);
		alpha = standIn.guild('Alpha');
		beta = standIn.guild('Beta');
	});
	after(async () => {
		await client?.destroy();
		await standIn?.stop();
	});

	it('gives a role once and takes it back once, through that server’s paths only, reading the member’s roles from Discord', async () => {
		const change = { memberId: alpha.member('alice').userId, roleId: alpha.role('Linked').id, reason: 'test' };
		const from = standIn.restLog.mark();

		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'grant' })).to.deep.equal({ status: 'done' });
		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'grant' })).to.deep.equal({ status: 'unchanged' });
		expect(alpha.member('alice').roleIds).to.deep.equal([alpha.role('Linked').id]);
		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'revoke' })).to.deep.equal({ status: 'done' });
		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'revoke' })).to.deep.equal({ status: 'unchanged' });

		const path = `/guilds/${alpha.id}/members/${change.memberId}/roles/${change.roleId}`;
		expect(roleCalls(from)).to.deep.equal([`PUT ${path} 204`, `DELETE ${path} 204`]);
	});

	it('sees a role given or taken by hand since, though no event told the bot (no GuildMembers intent)', async () => {
		const change = { memberId: alpha.member('bob').userId, roleId: alpha.role('Linked').id, reason: 'test' };
		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'grant' })).to.deep.equal({ status: 'done' });
		// A moderator takes it by hand; Discord would not tell this bot.
		alpha.member('bob').roleIds = [];
		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'grant' })).to.deep.equal({ status: 'done' });
		alpha.member('bob').roleIds = [];
		expect(await changeMemberRole(guildOf(alpha), { ...change, action: 'revoke' })).to.deep.equal({ status: 'unchanged' });
	});

	it('refuses, without asking Discord, a role above the bot’s, the bot’s own managed role, a missing role, and another server’s role', async () => {
		const from = standIn.restLog.mark();
		const grant = (roleId: string) => changeMemberRole(guildOf(alpha), { memberId: alpha.member('bob').userId, roleId, action: 'grant', reason: 'test' });

		expect(await grant(alpha.role('Head').id)).to.deep.equal({
			status: 'refused',
			problem: 'role too high',
			explanation:
				'The bot cannot give or take @Head: it is not below the bot’s highest role. A server admin moves the bot’s role above it (Server Settings → Roles).'
		});
		const botRole = guildOf(alpha).members.me!.roles.highest;
		expect(await grant(botRole.id)).to.deep.include({ status: 'refused', problem: 'managed role' });
		expect(await grant('1234567890123456789')).to.deep.equal({
			status: 'refused',
			problem: 'no such role',
			explanation: 'The role set for this (id 1234567890123456789) does not exist in this server any more; a moderator sets another one.'
		});
		expect(await grant(beta.role('Linked').id)).to.deep.include({ status: 'refused', problem: 'no such role' });
		expect(roleCalls(from)).to.deep.equal([]);
		expect(alpha.member('bob').roleIds).to.deep.equal([]);
	});

	it('says so when the bot lacks Manage Roles, the member is not in the server, or the bot does not see the server', async () => {
		expect(
			await changeMemberRole(guildOf(beta), { memberId: beta.member('alice').userId, roleId: beta.role('Linked').id, action: 'grant', reason: 'test' })
		).to.deep.include({ status: 'refused', problem: 'no permission' });
		expect(
			await changeMemberRole(guildOf(alpha), { memberId: '300000000000000999', roleId: alpha.role('Linked').id, action: 'grant', reason: 'test' })
		).to.deep.equal({ status: 'refused', problem: 'no such member', explanation: 'That member is not in this server.' });
		expect(await changeMemberRole(null, { memberId: '1', roleId: '2', action: 'revoke', reason: 'test' })).to.deep.include({
			status: 'refused',
			problem: 'server not here'
		});
	});

	it('refuses @everyone, which every member has, without asking Discord', async () => {
		const from = standIn.restLog.mark();
		expect(
			await changeMemberRole(guildOf(alpha), { memberId: alpha.member('bob').userId, roleId: alpha.id, action: 'grant', reason: 'test' })
		).to.deep.equal({
			status: 'refused',
			problem: 'everyone role',
			explanation: 'Every member has @everyone; the bot cannot give or take it. A moderator sets another role.'
		});
		expect(roleCalls(from)).to.deep.equal([]);
	});

	it('says what would stop any change of a role (roleProblem), from the cache, asking Discord nothing', async () => {
		const from = standIn.restLog.mark();
		expect(await roleProblem(guildOf(alpha), alpha.role('Linked').id)).to.equal(null);
		expect(await roleProblem(guildOf(alpha), alpha.role('Head').id)).to.deep.include({ status: 'refused', problem: 'role too high' });
		expect(await roleProblem(guildOf(alpha), alpha.id)).to.deep.include({ problem: 'everyone role' });
		expect(await roleProblem(guildOf(alpha), beta.role('Linked').id)).to.deep.include({ problem: 'no such role' });
		expect(await roleProblem(guildOf(beta), beta.role('Linked').id)).to.deep.include({ problem: 'no permission' });
		expect(await roleProblem(null, alpha.role('Linked').id)).to.deep.include({ problem: 'server not here' });
		expect(
			standIn.restLog.filter(() => true, from),
			'no request at all'
		).to.deep.equal([]);
	});
});
