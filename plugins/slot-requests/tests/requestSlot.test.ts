import { expect } from 'chai';
import type { GuildContext, GuildSettings } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { testSharedState, type SharedState } from '#test/helpers/sharedState';
import { chatAnswerOf, requestSlot } from '../lib/requestSlot.js';
import manifest from '../plugin.js';

// !sr over the real PostgreSQL and Redis, on a fake clock the cooldown counts by: every check in
// FEATURES.md's order with its answer, two servers with the same slots and viewers kept apart.

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const START = Date.UTC(2030, 0, 1, 20, 0, 0);
const DEFAULTS: Record<string, unknown> = {
	slot_requests_enabled: true,
	slot_max_requests_per_user: 0,
	slot_request_cooldown_seconds: 30,
	slot_prevent_duplicates: false,
	plugins_off: []
};

describe('slot-requests: !sr checks in order (PostgreSQL, Redis, fake clock)', function () {
	this.timeout(60_000);
	const engine = engines[0]!;
	const keyPrefix = `kickbot-test-slot-requests-${process.pid}-${Date.now()}`;
	let migrated: MigratedDatabase;
	let shared: SharedState;
	let clock = START;
	let settings: Map<bigint, Record<string, unknown>>;

	before(async () => {
		migrated = await openMigratedDatabase(engine, 'slot_request_checks', repositoriesOf(manifest));
		shared = testSharedState(keyPrefix);
	});
	after(async () => {
		await shared.close();
		await migrated.close();
	});
	beforeEach(async () => {
		await deleteRows(migrated.database, ['slot_picks', 'slot_requests', 'slot_request_state', 'slot_request_blacklist', 'shuffle_slots']);
		// A day later each test: cooldowns of earlier tests (same viewers) lie in the past.
		clock += 86_400_000;
		settings = new Map([
			[ALPHA, { ...DEFAULTS }],
			[BETA, { ...DEFAULTS }]
		]);
	});

	const contextOf = (guildId: bigint): GuildContext =>
		testGuildContext({
			guildId,
			settings: { get: (key: string) => settings.get(guildId)![key] ?? null } as unknown as GuildSettings,
			db: migrated.database.forGuild(guildId),
			shared: shared.forGuild(guildId)
		});
	/** What chat sees for a viewer's `!sr <text>`: the answer, or "(silent: reason)". */
	const sr = async (text: string, options: { guildId?: bigint; user?: string; moderator?: boolean } = {}) => {
		const user = options.user ?? 'viewer_vic';
		const outcome = await requestSlot(contextOf(options.guildId ?? ALPHA), {
			kickUsername: user,
			kickUserId: `${user.length}${user.charCodeAt(0)}${user.charCodeAt(user.length - 1)}`,
			text,
			bypassesCooldown: options.moderator ?? false,
			now: clock
		});
		return chatAnswerOf(outcome, user) ?? `(silent: ${outcome.kind})`;
	};
	const open = (guildId = ALPHA) => migrated.database.forGuild(guildId).slotRequests.setOpen(true);
	const catalogue = (guildId: bigint, entries: { name: string; banned?: boolean; active?: boolean }[]) =>
		migrated.database.forGuild(guildId).slotCatalogue.upsert(entries.map((entry, index) => ({ line: index + 1, ...entry })));
	const queue = async (guildId = ALPHA) => (await migrated.database.forGuild(guildId).slotRequests.listOpen()).map((r) => `${r.kickUsername}:${r.slotCall}`);

	it('answers each refusal in FEATURES.md’s order, then stores and acknowledges', async () => {
		expect(await sr('Gates of Olympus'), 'closed').to.equal('Slot requests are not open');
		await open();
		settings.get(ALPHA)!.slot_requests_enabled = false;
		expect(await sr('Gates of Olympus'), 'feature off').to.equal('Slot requests are not open');
		settings.get(ALPHA)!.slot_requests_enabled = true;
		expect(await sr('   '), 'empty').to.equal('Please specify a slot');
		await migrated.database.forGuild(ALPHA).slotRequests.blacklist('Troll_Tom', null);
		expect(await sr('Gates of Olympus', { user: 'troll_tom' }), 'blacklisted, in any case').to.equal('(silent: blacklisted)');
		await catalogue(ALPHA, [{ name: 'Gates of Olympus' }, { name: 'Wanted Dead or a Wild', banned: true }, { name: 'Sugar Rush', active: false }]);
		expect(await sr('wanted dead or a wild', { user: 'amy' })).to.equal('Wanted Dead or a Wild is banned');
		expect(await sr('SUGAR-RUSH', { user: 'ben' })).to.equal('Sugar Rush is unavailable');
		expect(await sr('gates of olympos', { user: 'cid' })).to.equal('@cid "gates of olympos" is not in the slot list, did you mean Gates of Olympus?');
		expect(await sr('Book of Dead', { user: 'dan' })).to.equal('@dan "Book of Dead" is not in the slot list');
		expect(await sr('gates-of-OLYMPUS!!', { user: 'eve' }), 'stored under its catalogue name').to.equal(
			'@eve requested Gates of Olympus (#1 in the queue)'
		);
		expect(await queue()).to.deep.equal(['eve:Gates of Olympus']);
	});

	it('holds a viewer by the cooldown (silently) until it ends on the clock; moderators are never held', async () => {
		await open();
		expect(await sr('Slot A')).to.equal('@viewer_vic requested Slot A (#1 in the queue)');
		clock += 29_000;
		expect(await sr('Slot B')).to.equal('(silent: cooldown)');
		clock += 1_000;
		expect(await sr('Slot B')).to.equal('@viewer_vic requested Slot B (#2 in the queue)');
		expect(await sr('Slot C', { user: 'mod_mia', moderator: true })).to.equal('@mod_mia requested Slot C (#3 in the queue)');
		expect(await sr('Slot D', { user: 'mod_mia', moderator: true })).to.equal('@mod_mia requested Slot D (#4 in the queue)');
		settings.get(ALPHA)!.slot_request_cooldown_seconds = 0;
		expect(await sr('Slot E')).to.equal('@viewer_vic requested Slot E (#5 in the queue)');
	});

	it('caps a viewer’s open requests, counting again once one is picked; the cooldown comes before the cap', async () => {
		await open();
		settings.get(ALPHA)!.slot_max_requests_per_user = 2;
		expect(await sr('Slot A')).to.equal('@viewer_vic requested Slot A (#1 in the queue)');
		clock += 30_000;
		expect(await sr('Slot B')).to.equal('@viewer_vic requested Slot B (#2 in the queue)');
		expect(await sr('Slot C'), 'still cooling down').to.equal('(silent: cooldown)');
		clock += 30_000;
		expect(await sr('Slot C')).to.equal('@viewer_vic you already have 2 open requests (the most per viewer)');
		await migrated.database.forGuild(ALPHA).slotRequests.pick(null);
		clock += 30_000;
		expect(await sr('Slot C')).to.equal('@viewer_vic requested Slot C (#2 in the queue)');
	});

	it('refuses a slot already in the open queue when duplicates are prevented, whatever its spelling', async () => {
		await open();
		settings.get(ALPHA)!.slot_prevent_duplicates = true;
		expect(await sr('Sweet Bonanza', { user: 'amy' })).to.equal('@amy requested Sweet Bonanza (#1 in the queue)');
		expect(await sr('sweet-bonanza', { user: 'ben' })).to.equal('@ben Sweet Bonanza is already in the queue');
		settings.get(ALPHA)!.slot_prevent_duplicates = false;
		// The refused use started ben's cooldown too: every use past the blacklist does.
		expect(await sr('sweet-bonanza', { user: 'ben' })).to.equal('(silent: cooldown)');
		clock += 30_000;
		expect(await sr('sweet-bonanza', { user: 'ben' })).to.equal('@ben requested sweet-bonanza (#2 in the queue)');
	});

	it('lets no two requests at once slip under the cap or past a duplicate', async () => {
		await open();
		settings.get(ALPHA)!.slot_max_requests_per_user = 1;
		settings.get(ALPHA)!.slot_request_cooldown_seconds = 0;
		const answers = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((slot) => sr(`Slot ${slot}`)));
		expect(answers.filter((answer) => answer.includes('requested'))).to.have.length(1);
		expect(await queue()).to.have.length(1);
		settings.get(ALPHA)!.slot_max_requests_per_user = 0;
		settings.get(ALPHA)!.slot_prevent_duplicates = true;
		const same = await Promise.all(['amy', 'ben', 'cid', 'dan'].map((user) => sr('Big Bass', { user })));
		expect(same.filter((answer) => answer.includes('requested'))).to.have.length(1);
	});

	it('keeps two servers with the same slots and viewers apart', async () => {
		await open(ALPHA);
		await catalogue(ALPHA, [{ name: 'Gates of Olympus', banned: true }]);
		await catalogue(BETA, [{ name: 'Gates of Olympus' }]);
		expect(await sr('Gates of Olympus', { guildId: BETA }), 'Beta is closed').to.equal('Slot requests are not open');
		await open(BETA);
		expect(await sr('Gates of Olympus', { guildId: ALPHA })).to.equal('Gates of Olympus is banned');
		expect(await sr('Gates of Olympus', { guildId: BETA }), 'its own cooldown, its own catalogue').to.equal(
			'@viewer_vic requested Gates of Olympus (#1 in the queue)'
		);
		await migrated.database.forGuild(ALPHA).slotRequests.blacklist('amy', null);
		expect(await sr('Anything', { guildId: ALPHA, user: 'amy' })).to.equal('(silent: blacklisted)');
		expect(await sr('Gates of Olympus', { guildId: BETA, user: 'amy' })).to.equal('@amy requested Gates of Olympus (#2 in the queue)');
		expect([await queue(ALPHA), await queue(BETA)]).to.deep.equal([[], ['viewer_vic:Gates of Olympus', 'amy:Gates of Olympus']]);
	});
});
