import { expect } from 'chai';
import type { ChannelMessage, ChannelPost, GuildContext, GuildSettings, KickSignInStart, MemberRoleChange, RoleChangeOutcome } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { completeLink } from '../lib/completeLink.js';
import { answerLinkStart, answerStatus, answerUnlink, answerWhois } from '../lib/linkAnswers.js';
import { describeLinkedRole } from '../lib/linkedRole.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const ALICE = '300000000000000001';
const BOB = '300000000000000002';
const MODERATOR = '300000000000000009';
const ROLE = '400000000000000001';
const LOG_CHANNEL = '500000000000000001';
const ANNA = { userId: 7001n, name: 'viewer_anna' };

/** What a context was asked to do: role changes, link-log posts, DMs and sign-ins. */
interface Recorded {
	roles: MemberRoleChange[];
	posts: { channelId: string; content: string; key: string }[];
	told: string[];
	signIns: { discordUserId: string; purpose: string }[];
}

describe('linking: linking, unlinking and looking up Kick accounts', () => {
	let migrated: MigratedDatabase;
	let recorded: Recorded;
	/** What the next role change answers. */
	let roleAnswer: RoleChangeOutcome;
	let signInAnswer: KickSignInStart;

	/** One server's context: its repositories, its settings, and fakes of what reaches Discord. */
	function contextOf(guildId: bigint, settings: Readonly<Record<string, unknown>> = { kick_linked_role_id: ROLE, link_log_channel_id: LOG_CHANNEL }) {
		return {
			guildId,
			guild: null,
			discordGuild: async () => null,
			db: migrated.database.forGuild(guildId),
			settings: { get: (key: string) => settings[key] ?? null } as unknown as GuildSettings,
			changeMemberRole: async (change: MemberRoleChange) => {
				recorded.roles.push(change);
				return roleAnswer;
			},
			postInChannel: async (channelId: string, message: ChannelMessage, post: ChannelPost) => {
				recorded.posts.push({ channelId, content: message.content, key: post.key });
				return { status: 'accepted' as const, id: 1n };
			},
			startKickSignIn: async (request: { discordUserId: string; purpose: string }) => {
				recorded.signIns.push(request);
				return signInAnswer;
			}
		} satisfies Pick<GuildContext, 'guildId' | 'guild' | 'discordGuild' | 'db' | 'settings' | 'changeMemberRole' | 'postInChannel' | 'startKickSignIn'>;
	}
	const tell = async (content: string) => {
		recorded.told.push(content);
		return true;
	};

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'linking-answers', repositoriesOf(manifest));
	});
	after(() => migrated.close());
	beforeEach(async () => {
		await deleteRows(migrated.database, ['links']);
		recorded = { roles: [], posts: [], told: [], signIns: [] };
		roleAnswer = { status: 'done' };
		signInAnswer = { status: 'started', url: 'https://id.kick.com/oauth/authorize?state=s', expiresAt: new Date('2030-01-01T12:10:00Z') };
	});

	describe('the sign-in completion', () => {
		it('links the account in that server, gives the linked role, tells the link log, and shows a plain page', async () => {
			const page = await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);

			expect(page).to.deep.equal({
				title: 'Kick account linked',
				message:
					'Your Discord account in the Discord server is now linked to the Kick account viewer_anna. The linked role was given to you. You can close this tab; /link status in Discord shows the link.'
			});
			expect(await contextOf(ALPHA).db.links.ofMember(BigInt(ALICE))).to.deep.include({ kickName: 'viewer_anna', kickUserId: ANNA.userId });
			expect(recorded.roles).to.deep.equal([{ memberId: ALICE, roleId: ROLE, action: 'grant', reason: 'Linked Kick account viewer_anna' }]);
			expect(recorded.posts).to.have.length(1);
			expect(recorded.posts[0]).to.deep.include({
				channelId: LOG_CHANNEL,
				content: `<@${ALICE}> linked Kick account [viewer\\_anna](<https://kick.com/viewer_anna>). The linked role <@&${ROLE}> was given to <@${ALICE}>.`
			});
			expect(recorded.posts[0]!.key).to.match(new RegExp(`^linking:log:linked:${ALICE}:7001:\\d+$`));
			expect(recorded.told).to.deep.equal([]);
		});

		it('refuses an account another member of the same server holds (409), telling the member by DM and the moderators', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			recorded = { roles: [], posts: [], told: [], signIns: [] };

			const page = await completeLink({ discordUserId: BOB, kick: ANNA }, contextOf(ALPHA), tell);

			const why =
				'The Kick account viewer_anna is already linked to another member of the Discord server. Nothing was changed. If the account is yours, ask the server’s moderators to unlink it from the other member.';
			expect(page).to.deep.equal({ status: 409, title: 'Your Kick account was not linked', message: why });
			expect(recorded.told).to.deep.equal([`Your Kick account was not linked in **the Discord server**: ${why}`]);
			expect(recorded.roles, 'no role for the refused member').to.deep.equal([]);
			expect(recorded.posts.map((post) => post.content)).to.deep.equal([
				`<@${BOB}> signed in as Kick account [viewer\\_anna](<https://kick.com/viewer_anna>), which is linked to <@${ALICE}>; it was not linked to them.`
			]);
			expect(await contextOf(ALPHA).db.links.ofMember(BigInt(BOB))).to.equal(null);
		});

		it('links the same account to another member in another server', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			const page = await completeLink({ discordUserId: BOB, kick: ANNA }, contextOf(BETA), tell);
			expect(page.title).to.equal('Kick account linked');
			expect((await contextOf(BETA).db.links.ofKickAccount({ name: 'viewer_anna' }))?.discordId).to.equal(BigInt(BOB));
			expect((await contextOf(ALPHA).db.links.ofKickAccount({ name: 'viewer_anna' }))?.discordId).to.equal(BigInt(ALICE));
		});

		it('says an account linked already is, giving the role again (it may have been taken by hand) without telling the log again', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			recorded = { roles: [], posts: [], told: [], signIns: [] };
			roleAnswer = { status: 'unchanged' };

			const page = await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);

			expect(page).to.deep.equal({
				title: 'Your Kick account is linked',
				message: 'Your Discord account in the Discord server was already linked to the Kick account viewer_anna. You can close this tab.'
			});
			expect(recorded.roles).to.have.length(1);
			expect(recorded.posts).to.deep.equal([]);
		});

		it('names the account a new link replaced', async () => {
			await completeLink({ discordUserId: ALICE, kick: { userId: 8001n, name: 'OldAccount' } }, contextOf(ALPHA), tell);
			const page = await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			expect(page.message).to.match(
				/^Your Discord account in the Discord server is now linked to the Kick account viewer_anna \(it was OldAccount before\)\./
			);
			expect(recorded.posts.at(-1)?.content).to.include('(instead of [OldAccount](<https://kick.com/oldaccount>))');
		});

		it('links but says plainly when the role cannot be given, once, to the member on the page and to the moderators in the log', async () => {
			roleAnswer = {
				status: 'refused',
				problem: 'role too high',
				explanation: 'The bot cannot give or take @Linked: it is not below the bot’s highest role.'
			};

			const page = await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);

			expect(page.title).to.equal('Kick account linked');
			expect(page.message).to.include(
				'The linked role was not given: The bot cannot give or take @Linked: it is not below the bot’s highest role. Tell the server’s moderators.'
			);
			expect(recorded.roles).to.have.length(1);
			expect(recorded.posts[0]!.content).to.match(
				/The linked role was not given: The bot cannot give or take @Linked: it is not below the bot’s highest role\.$/
			);
		});

		it('changes no role and posts nothing when the server set no linked role or log channel', async () => {
			const page = await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA, {}), tell);
			expect(page.message).to.equal(
				'Your Discord account in the Discord server is now linked to the Kick account viewer_anna. You can close this tab; /link status in Discord shows the link.'
			);
			expect(recorded.roles).to.deep.equal([]);
			expect(recorded.posts).to.deep.equal([]);
		});

		it('refuses an account Kick gave no usable username (403), linking nothing', async () => {
			const page = await completeLink({ discordUserId: ALICE, kick: { userId: 9n, name: '' } }, contextOf(ALPHA), tell);
			expect(page).to.deep.include({ status: 403, title: 'Your Kick account was not linked' });
			expect(await contextOf(ALPHA).db.links.count()).to.equal(0);
		});
	});

	describe('"Link Kick account" and /link', () => {
		it('gives a member not linked their own sign-in link (a link button, seen by them alone)', async () => {
			const answer = await answerLinkStart(contextOf(ALPHA), ALICE);
			expect(recorded.signIns).to.deep.equal([{ discordUserId: ALICE, purpose: 'linking' }]);
			expect(answer.visibility).to.equal('caller-only');
			expect(answer.content).to.match(
				/^Open this link and sign in on Kick with the account to link\. It is yours alone and works once, until <t:1893499800:t>\./
			);
			const [row] = answer.components as unknown as { toJSON(): { components: { url: string; label: string }[] } }[];
			expect(row!.toJSON().components.map(({ url, label }) => ({ url, label }))).to.deep.equal([
				{ url: 'https://id.kick.com/oauth/authorize?state=s', label: 'Sign in with Kick' }
			]);
		});

		it('tells a linked member they are, starting no sign-in', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			const answer = await answerLinkStart(contextOf(ALPHA), ALICE);
			expect(answer.content).to.match(
				/^You are already linked as \[viewer\\_anna\]\(<https:\/\/kick\.com\/viewer_anna>\) in this server since <t:\d+:D>\. To link another/
			);
			expect(recorded.signIns).to.deep.equal([]);
		});

		it('says why there is no link when the bot has no Kick app', async () => {
			signInAnswer = { status: 'unavailable', reason: 'Its operator sets PUBLIC_URL.' };
			expect((await answerLinkStart(contextOf(ALPHA), ALICE)).content).to.equal(
				'Linking Kick accounts does not work on this bot yet. Its operator sets PUBLIC_URL.'
			);
		});

		it('/link status shows the member’s own link in this server only', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			expect((await answerStatus(contextOf(ALPHA), ALICE, 'HOW')).content).to.match(/^You are linked as \[viewer\\_anna\]/);
			expect((await answerStatus(contextOf(BETA), ALICE, 'HOW')).content).to.equal('You have not linked a Kick account in this server. HOW');
		});
	});

	describe('/unlink', () => {
		it('unlinks the member, takes back the role and tells the log; a second unlink has nothing to do', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			recorded = { roles: [], posts: [], told: [], signIns: [] };

			const answer = await answerUnlink(contextOf(ALPHA), ALICE, null);

			expect(answer.content).to.equal(
				`Unlinked: your Kick account [viewer\\_anna](<https://kick.com/viewer_anna>) is no longer linked in this server. The linked role <@&${ROLE}> was taken back from you.`
			);
			expect(recorded.roles).to.deep.equal([{ memberId: ALICE, roleId: ROLE, action: 'revoke', reason: 'Unlinked their Kick account' }]);
			expect(recorded.posts.map((post) => post.content)).to.deep.equal([
				`<@${ALICE}> unlinked Kick account [viewer\\_anna](<https://kick.com/viewer_anna>). The linked role <@&${ROLE}> was taken back from <@${ALICE}>.`
			]);
			expect(await contextOf(ALPHA).db.links.count()).to.equal(0);
			expect((await answerUnlink(contextOf(ALPHA), ALICE, null)).content).to.equal('You have no Kick account linked in this server; nothing to unlink.');
		});

		it('lets a moderator unlink a member, naming who did it, and frees the account for another member', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			roleAnswer = { status: 'refused', problem: 'no such role', explanation: 'The role set for this (id 4) does not exist in this server any more.' };

			const answer = await answerUnlink(contextOf(ALPHA), ALICE, MODERATOR);

			expect(answer.content).to.equal(
				`Unlinked <@${ALICE}> from Kick account [viewer\\_anna](<https://kick.com/viewer_anna>). The linked role was not taken back: The role set for this (id 4) does not exist in this server any more.`
			);
			expect(recorded.roles.at(-1)).to.deep.include({ reason: `Kick account unlinked by moderator ${MODERATOR}` });
			expect(recorded.posts.at(-1)?.content).to.match(new RegExp(`^<@${ALICE}> was unlinked by <@${MODERATOR}> from Kick account`));
			expect((await completeLink({ discordUserId: BOB, kick: ANNA }, contextOf(ALPHA), tell)).title).to.equal('Kick account linked');
		});
	});

	describe('what other plugins hear', () => {
		it('announces a link and an unlink, with whether the linked role is where it should be; a refused link or an unlink with nothing to do says nothing', async () => {
			const heard: unknown[] = [];
			const announce = (change: unknown) => void heard.push(change);

			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell, announce);
			await completeLink({ discordUserId: BOB, kick: ANNA }, contextOf(ALPHA), tell, announce);
			roleAnswer = { status: 'failed', explanation: 'Discord is down' };
			await answerUnlink(contextOf(ALPHA), ALICE, null, announce);
			await answerUnlink(contextOf(ALPHA), ALICE, null, announce);
			await completeLink({ discordUserId: BOB, kick: ANNA }, contextOf(ALPHA, {}), tell, announce);

			expect(heard).to.deep.equal([
				{ memberId: ALICE, kickName: 'viewer_anna', linkedRole: { roleId: ROLE, settled: true } },
				{ memberId: ALICE, kickName: 'viewer_anna', linkedRole: { roleId: ROLE, settled: false } },
				{ memberId: BOB, kickName: 'viewer_anna', linkedRole: null }
			]);
		});
	});

	describe('/whois', () => {
		it('finds the Kick account of a member, and the member of a Kick account, in this server only', async () => {
			await completeLink({ discordUserId: ALICE, kick: ANNA }, contextOf(ALPHA), tell);
			expect((await answerWhois(contextOf(ALPHA), `<@${ALICE}>`)).content).to.match(
				new RegExp(`^<@${ALICE}> is linked to Kick account \\[viewer\\\\_anna\\]\\(<https://kick\\.com/viewer_anna>\\) since <t:\\d+:D>\\.$`)
			);
			expect((await answerWhois(contextOf(ALPHA), 'kick.com/VIEWER_ANNA')).content).to.match(new RegExp(`is linked to <@${ALICE}> since`));
			expect((await answerWhois(contextOf(BETA), 'viewer_anna')).content).to.equal(
				'No member of this server has linked the Kick account [viewer\\_anna](<https://kick.com/viewer_anna>).'
			);
			expect((await answerWhois(contextOf(BETA), ALICE)).content).to.equal(`<@${ALICE}> has not linked a Kick account in this server.`);
			expect(await answerWhois(contextOf(ALPHA), 'not a name!')).to.deep.include({ visibility: 'refusal' });
		});
	});

	it('says nothing about the linked role when none is set or nothing changed, and nothing about taking it from a member who left', () => {
		const audience = { who: 'you', role: () => '', moderators: false };
		expect(describeLinkedRole({ status: 'no role set' }, 'grant', audience)).to.equal(null);
		expect(describeLinkedRole({ status: 'unchanged', roleId: ROLE }, 'grant', audience)).to.equal(null);
		expect(describeLinkedRole({ status: 'refused', problem: 'no such member', explanation: 'gone', roleId: ROLE }, 'revoke', audience)).to.equal(null);
		expect(
			describeLinkedRole({ status: 'failed', explanation: 'Discord did not answer.', roleId: ROLE }, 'grant', { ...audience, moderators: true })
		).to.equal('The linked role was not given: Discord did not answer. Give or take it by hand.');
	});
});
