import { expect } from 'chai';
import type { APIEmbed } from 'discord.js';
import { KickCommandArgs, type CommandAnswer, type GuildRepositories } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { answerChatWatchtime } from '../lib/chatWatchtime.js';
import { describeMinutes } from '../lib/describeWatchtime.js';
import { answerChange, answerHistory, answerShow, answerTop } from '../lib/watchtimeAnswers.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const MEMBER = '300000000000000001';
const OTHER = '300000000000000002';
const MODERATOR = '300000000000000009';

const embedOf = (answer: CommandAnswer) => answer.embeds?.[0] as APIEmbed;
const buttonIds = (answer: CommandAnswer) =>
	(answer.components ?? []).flatMap(
		(row) => (row as unknown as { toJSON(): { components: { custom_id: string; disabled?: boolean }[] } }).toJSON().components
	);

describe('watchtime: what /watchtime and !watchtime answer', () => {
	let migrated: MigratedDatabase;
	let alpha: { db: GuildRepositories };
	let beta: { db: GuildRepositories };

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'watchtime_answers');
		alpha = { db: migrated.database.forGuild(ALPHA) };
		beta = { db: migrated.database.forGuild(BETA) };
	});
	after(() => migrated.close());
	beforeEach(() => deleteRows(migrated.database, ['watchtime_changes', 'watchtime_days', 'watchtime_ticks', 'watchtime', 'links']));

	it('reads minutes as people do', () => {
		expect([0, 45, 60, 125, 72_000].map(describeMinutes)).to.deep.equal(['0 min', '45 min', '1 h', '2 h 5 min', '1,200 h']);
	});

	it('shows the caller’s own watch time through their link, a member’s, or a Kick name’s, with the rank', async () => {
		await alpha.db.links.link(BigInt(MEMBER), { name: 'Bob', userId: 501n });
		await alpha.db.watchtime.change('bob', 125, 'seed', 1n);
		await alpha.db.watchtime.change('alice', 300, 'seed', 1n);

		expect((await answerShow(alpha, null, MEMBER)).content).to.equal('You have watched 2 h 5 min in this server (#2 on `/watchtime top`).');
		expect((await answerShow(alpha, `<@${MEMBER}>`, OTHER)).content).to.equal(
			`<@${MEMBER}> (Bob) has watched 2 h 5 min in this server (#2 on \`/watchtime top\`).`
		);
		expect((await answerShow(alpha, 'ALICE', OTHER)).content).to.equal('ALICE has watched 5 h in this server (#1 on `/watchtime top`).');
		expect((await answerShow(alpha, 'carol', OTHER)).content).to.equal('carol has no watch time in this server yet.');
		expect(await answerShow(alpha, null, OTHER)).to.deep.include({ visibility: 'refusal' });
		expect((await answerShow(alpha, `<@${OTHER}>`, MEMBER)).content).to.match(/has not linked a Kick account in this server/);
		expect((await answerShow(beta, 'bob', MEMBER)).content, 'another server counts its own').to.equal('bob has no watch time in this server yet.');
		expect(await answerShow(alpha, 'not a name!', MEMBER)).to.deep.include({ visibility: 'refusal' });
	});

	it('pages the leaderboard with Previous and Next buttons that carry the page', async () => {
		for (let n = 1; n <= 23; n++) await alpha.db.watchtime.change(`viewer${String(n).padStart(2, '0')}`, n, 'seed', 1n);

		const first = await answerTop(alpha.db.watchtime, 1);
		expect(first.visibility).to.equal('channel');
		expect(embedOf(first).description?.split('\n')[0]).to.equal('**#1** viewer23: 23 min');
		expect(embedOf(first).footer?.text).to.match(/^Page 1 of 3 · 23 viewers/);
		expect(buttonIds(first).map((button) => [button.custom_id, button.disabled ?? false])).to.deep.equal([
			['watchtime:top:0', true],
			['watchtime:top:2', false]
		]);
		const last = await answerTop(alpha.db.watchtime, 99);
		expect(embedOf(last).description?.split('\n')).to.deep.equal(['**#21** viewer03: 3 min', '**#22** viewer02: 2 min', '**#23** viewer01: 1 min']);
		expect(await answerTop(beta.db.watchtime, 1)).to.deep.include({ visibility: 'refusal' });
	});

	it('changes minutes for a moderator with a reason, refusing bad input and changing nothing then', async () => {
		await alpha.db.links.link(BigInt(MEMBER), { name: 'Bob', userId: 501n });
		const change = (who: string, minutes: number, reason: string, direction: 'add' | 'remove' = 'add') =>
			answerChange(alpha, { who, minutes, reason, direction, byDiscordId: MODERATOR });

		expect((await change(`<@${MEMBER}>`, 90, 'raid @everyone')).content).to.equal(
			`Added 1 h 30 min to <@${MEMBER}> (Bob): now 1 h 30 min. Reason: raid @\u200beveryone`
		);
		expect((await change('bob', 100, 'farming', 'remove')).content).to.equal('Removed 1 h 30 min from bob: now 0 min. Reason: farming');
		expect(await change('bob', 5, 'again', 'remove')).to.deep.include({ visibility: 'refusal' });
		for (const [who, minutes, reason] of [
			['bad name!', 5, 'ok'],
			['bob', 0, 'ok'],
			['bob', 600_000, 'ok'],
			['bob', 5, ' '],
			[`<@${OTHER}>`, 5, 'ok']
		] as const) {
			const answer = await change(who, minutes, reason);
			expect(answer.visibility, `${who} ${minutes} ${reason}`).to.equal('refusal');
			expect(answer.content).to.match(/Nothing was changed\.$/);
		}
		expect(await alpha.db.watchtime.historyLength('bob')).to.equal(2);
	});

	it('shows a viewer’s history newest first, paged with buttons that carry the name', async () => {
		for (let n = 1; n <= 12; n++) await alpha.db.watchtime.change('bob', n, `reason ${n}`, BigInt(MODERATOR));

		const first = await answerHistory(alpha, '@Bob', 1);
		expect(embedOf(first).title).to.equal('Watch time history of bob');
		expect(embedOf(first).description?.split('\n')[0]).to.match(
			new RegExp(`^<t:\\d+:f>: \\*\\*\\+12 min\\*\\* by <@${MODERATOR}>, reason 12 \\(then 1 h 18 min\\)$`)
		);
		expect(buttonIds(first).map((button) => button.custom_id)).to.deep.equal(['watchtime:history:bob:0', 'watchtime:history:bob:2']);
		expect(embedOf(await answerHistory(alpha, 'bob', 2)).description?.split('\n')).to.have.length(2);
		expect(await answerHistory(alpha, 'carol', 1)).to.deep.include({ visibility: 'refusal' });
	});

	it('answers !watchtime in Kick chat: the chatter’s own (through their link), a named viewer’s, nothing for a non-name', async () => {
		await alpha.db.links.link(BigInt(MEMBER), { name: 'BobMain', userId: 501n });
		await alpha.db.watchtime.change('bobmain', 61, 'seed', 1n);
		await alpha.db.watchtime.change('alice', 5, 'seed', 1n);
		const bobAlt = { userId: '501', username: 'bob_renamed' };

		expect(await answerChatWatchtime(alpha, bobAlt, new KickCommandArgs(''))).to.equal('@bob_renamed, you have watched 1 h 1 min here (#1).');
		expect(await answerChatWatchtime(alpha, { userId: '502', username: 'Alice' }, new KickCommandArgs(''))).to.equal(
			'@Alice, you have watched 5 min here (#2).'
		);
		expect(await answerChatWatchtime(alpha, bobAlt, new KickCommandArgs('@ALICE'))).to.equal('alice has watched 5 min here (#2).');
		expect(await answerChatWatchtime(alpha, bobAlt, new KickCommandArgs('nobody'))).to.equal('nobody has no watch time here yet.');
		expect(await answerChatWatchtime(alpha, bobAlt, new KickCommandArgs('two words'))).to.equal(null);
		expect(await answerChatWatchtime(beta, bobAlt, new KickCommandArgs(''))).to.equal('@bob_renamed, you have no watch time here yet.');
	});
});
