import { expect } from 'chai';
import type { GuildSettings, KickChatMessageEvent } from '#core';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { testSharedState, type SharedState } from '#test/helpers/sharedState';
import { ChatPresence } from '../lib/ChatPresence.js';
import { countWatchtimeTick, tickOf, type TickContext } from '../lib/countWatchtimeTick.js';
import { LIVE_KEY } from '../lib/presence.js';
import { recordChatMessage } from '../lib/recordChatMessage.js';

// Ticks with a fake clock over the real PostgreSQL and Redis: presence, live detection, identity, two processes, crashes.

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const CHANNEL = '7001';
/** A minute boundary: the clock starts on it. */
const START = Date.UTC(2030, 0, 1, 20, 0, 0);
const MINUTE = 60_000;

const ACCOUNTS: Record<string, string> = { bob: '501', alice: '502', carol: '503', dave: '504', bot: '999' };

type Settings = Record<string, unknown>;
const DEFAULTS: Settings = { tracking_enabled: true, tracking_force_override: false, watchtime_daily_cap_minutes: 0, plugins_off: [] };

describe('watchtime: presence and ticks (fake clock, PostgreSQL and Redis)', function () {
	this.timeout(60_000);
	const keyPrefix = `kickbot-test-watchtime-${process.pid}`;
	let migrated: MigratedDatabase;
	let shared: SharedState;
	let clock: number;
	let presence: ChatPresence;
	let messageNumber = 0;
	/** Settings per server, changed by the tests. */
	const settingsOf = new Map<bigint, Settings>();

	function contextOf(
		guildId: bigint,
		sharedState = shared,
		own: (event: KickChatMessageEvent) => boolean = () => false
	): TickContext & Parameters<typeof recordChatMessage>[1] {
		const settings = { get: (key: string) => (settingsOf.get(guildId) ?? {})[key] ?? DEFAULTS[key] ?? null } as unknown as GuildSettings;
		return testGuildContext({ guildId, settings, db: migrated.database.forGuild(guildId), shared: sharedState.forGuild(guildId), isOwnKickMessage: own });
	}

	function chat(name: string, options: { readonly userId?: string; readonly content?: string; readonly at?: number } = {}): KickChatMessageEvent {
		messageNumber++;
		return {
			type: 'chat.message.sent',
			broadcasterUserId: CHANNEL,
			eventKey: `m${messageNumber}`,
			messageId: `m${messageNumber}`,
			receivedVia: 'webhook',
			at: new Date(options.at ?? clock),
			sender: { userId: options.userId ?? ACCOUNTS[name.toLowerCase()]!, username: name, channelSlug: null, badges: [] },
			content: options.content ?? 'hello',
			repliesTo: null
		};
	}

	/** A chatter says something in a server's chat, as the listener records it. */
	function say(guildId: bigint, name: string, options?: Parameters<typeof chat>[1]): void {
		recordChatMessage(presence, contextOf(guildId), chat(name, options), clock);
	}

	/** The tick of the minute the clock is in, after this process's flush, as the task runs it. */
	async function tick(guildId: bigint, context: TickContext = contextOf(guildId)) {
		await presence.flush();
		return countWatchtimeTick(context, tickOf(clock, MINUTE));
	}

	const minutesOf = (guildId: bigint, name: string) => migrated.database.forGuild(guildId).watchtime.minutesOf(name);
	const setLive = (guildId: bigint, status: 'live' | 'offline' | 'unknown') => shared.forGuild(guildId).set(LIVE_KEY, status, { ttlMs: 60 * MINUTE });

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'watchtime_tick');
	});
	after(() => migrated.close());

	beforeEach(async () => {
		const session = await migrated.database.connection.openSession();
		try {
			await session.exec(
				'DELETE FROM watchtime_changes; DELETE FROM watchtime_days; DELETE FROM watchtime_ticks; DELETE FROM watchtime; DELETE FROM links; DELETE FROM kick_connections;'
			);
		} finally {
			await session.release();
		}
		clock = START;
		settingsOf.clear();
		shared = testSharedState(keyPrefix);
		presence = new ChatPresence({ now: () => clock, flushEveryMs: 3_600_000, linksTtlMs: 5 * MINUTE });
	});

	afterEach(async () => {
		await presence.close();
		const cleaner = testSharedState(keyPrefix);
		for (const guildId of [ALPHA, BETA]) for (const key of [LIVE_KEY, 'watchtime:presence']) await cleaner.forGuild(guildId).delete(key);
		await cleaner.close();
		await shared.close();
	});

	it('gives each viewer whose last message is under 2 minutes old a minute per tick of a live server', async () => {
		await setLive(ALPHA, 'live');
		say(ALPHA, 'bob');
		clock += 30_000;
		say(ALPHA, 'alice');
		say(ALPHA, 'Alice');

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 2, credited: 2 });
		clock += MINUTE;
		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 2, credited: 2 });
		// Bob's message is now 150 s old, Alice's 120 s: neither is under 2 minutes.
		clock += MINUTE;
		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 0, credited: 0 });
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'alice')]).to.deep.equal([2, 2]);
		expect(await minutesOf(BETA, 'bob'), 'no other server counted').to.equal(0);
	});

	it('counts each minute once, however often the tick runs in it', async () => {
		await setLive(ALPHA, 'live');
		say(ALPHA, 'bob');
		expect((await tick(ALPHA)).status).to.equal('counted');
		clock += 59_000;
		say(ALPHA, 'carol');
		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted already' });
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'carol')]).to.deep.equal([1, 0]);
	});

	it('counts nothing while Kick says the stream is offline, however many chat', async () => {
		await setLive(ALPHA, 'offline');
		for (const name of ['bob', 'alice', 'carol']) say(ALPHA, name);

		expect(await tick(ALPHA)).to.deep.equal({ status: 'not live', kick: 'offline', chatters: 3 });
		expect(await minutesOf(ALPHA, 'bob')).to.equal(0);
		expect(await migrated.database.forGuild(ALPHA).watchtime.tickCounted(new Date(START)), 'no tick recorded either').to.equal(false);
	});

	it('where Kick has not said, counts the stream live with 2 distinct chatters in the last 5 minutes', async () => {
		await setLive(ALPHA, 'unknown');
		say(ALPHA, 'bob');
		say(ALPHA, 'BOB');
		expect(await tick(ALPHA), 'one chatter, twice').to.deep.equal({ status: 'not live', kick: 'unknown', chatters: 1 });

		clock += 4 * MINUTE;
		say(ALPHA, 'alice');
		expect(await tick(ALPHA), 'Bob 4 minutes ago and Alice now').to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect(await minutesOf(ALPHA, 'alice'), 'only Alice is present (Bob spoke 4 minutes ago)').to.equal(1);

		clock += 2 * MINUTE;
		say(ALPHA, 'alice');
		expect(await tick(ALPHA), 'Bob’s message left the 5 minutes').to.deep.equal({ status: 'not live', kick: 'unknown', chatters: 1 });
	});

	it('reads what Kick said from the core’s connection when Redis does not know, and keeps it there', async () => {
		const repositories = migrated.database.forGuild(ALPHA);
		await repositories.kickConnection.connect({ broadcasterUserId: BigInt(CHANNEL), channelSlug: 'alpha', connectedBy: 1n, eventsVia: 'webhook' });
		await repositories.kickConnection.recordLiveStatus({ isLive: true, title: null, startedAt: null, at: new Date(clock) });
		say(ALPHA, 'bob');

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect(await shared.forGuild(ALPHA).get(LIVE_KEY)).to.equal('live');
		expect((await tick(BETA)).status, 'a server without a connection: Kick has not said').to.equal('not live');
		expect(await shared.forGuild(BETA).get(LIVE_KEY)).to.equal('unknown');
	});

	it('counts a server forced live, and nothing where tracking is off', async () => {
		await setLive(ALPHA, 'offline');
		await setLive(BETA, 'live');
		settingsOf.set(ALPHA, { tracking_force_override: true });
		settingsOf.set(BETA, { tracking_enabled: false });
		say(ALPHA, 'bob');
		say(BETA, 'bob');

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect(await tick(BETA)).to.deep.equal({ status: 'tracking off' });
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(BETA, 'bob')]).to.deep.equal([1, 0]);
	});

	it('never counts the bot’s own messages as chat', async () => {
		await setLive(ALPHA, 'unknown');
		const botSays = (event: KickChatMessageEvent) => event.content.startsWith('Quote #');
		recordChatMessage(presence, contextOf(ALPHA, shared, botSays), chat('bot', { content: 'Quote #3: hello' }), clock);
		recordChatMessage(presence, contextOf(ALPHA, shared, botSays), chat('bob'), clock);

		expect(await tick(ALPHA), 'the bot is no second chatter').to.deep.equal({ status: 'not live', kick: 'unknown', chatters: 1 });
		settingsOf.set(ALPHA, { tracking_force_override: true });
		clock += MINUTE;
		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect(await minutesOf(ALPHA, 'bot')).to.equal(0);
	});

	it('counts a message handed over late from when it was sent, and one dated in the future from now', async () => {
		await setLive(ALPHA, 'live');
		say(ALPHA, 'bob', { at: clock - 3 * MINUTE });
		say(ALPHA, 'alice', { at: clock + 10 * MINUTE });
		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		clock += 2 * MINUTE;
		expect(await tick(ALPHA), 'Alice’s message counts as sent at the first tick').to.deep.equal({ status: 'counted', viewers: 0, credited: 0 });
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'alice')]).to.deep.equal([0, 1]);
	});

	it('stops a viewer at the server’s daily cap', async () => {
		await setLive(ALPHA, 'live');
		settingsOf.set(ALPHA, { watchtime_daily_cap_minutes: 2 });
		for (let n = 0; n < 4; n++) {
			say(ALPHA, 'bob');
			await tick(ALPHA);
			clock += MINUTE;
		}
		expect(await minutesOf(ALPHA, 'bob')).to.equal(2);
	});

	it('counts a member who relinked from one Kick account to another within the window once, under the linked account', async () => {
		await setLive(ALPHA, 'live');
		const links = migrated.database.forGuild(ALPHA).links;
		await links.link(11n, { name: 'Carol', userId: 503n });
		say(ALPHA, 'carol');
		await presence.flush();
		await links.link(11n, { name: 'Dave', userId: 504n });
		clock += 10_000;
		say(ALPHA, 'dave');

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect([await minutesOf(ALPHA, 'carol'), await minutesOf(ALPHA, 'dave')]).to.deep.equal([0, 1]);
	});

	it('counts it once too when this process read the links again between the two accounts', async () => {
		presence = new ChatPresence({ now: () => clock, flushEveryMs: 3_600_000, linksTtlMs: 1 });
		await setLive(ALPHA, 'live');
		const links = migrated.database.forGuild(ALPHA).links;
		await links.link(11n, { name: 'Carol', userId: 503n });
		say(ALPHA, 'carol');
		await presence.flush();
		await links.link(11n, { name: 'Dave', userId: 504n });
		clock += 10_000;
		say(ALPHA, 'dave');

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect(await minutesOf(ALPHA, 'dave')).to.equal(1);
	});

	it('counts an account renamed on Kick within the window once (by its Kick user id), under its new name', async () => {
		await setLive(ALPHA, 'live');
		say(ALPHA, 'bob');
		await presence.flush();
		clock += 5_000;
		say(ALPHA, 'bob_renamed', { userId: ACCOUNTS.bob });

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 1, credited: 1 });
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'bob_renamed')]).to.deep.equal([0, 1]);
	});

	it('keeps two servers on one Kick channel apart: each counts its own minutes with its own settings', async () => {
		await setLive(ALPHA, 'live');
		await setLive(BETA, 'live');
		settingsOf.set(BETA, { watchtime_daily_cap_minutes: 1 });
		await migrated.database.forGuild(BETA).links.link(21n, { name: 'Bob', userId: 501n });
		for (let n = 0; n < 3; n++) {
			// One chat message reaches both servers' listeners.
			const message = chat('bob');
			for (const guildId of [ALPHA, BETA]) recordChatMessage(presence, contextOf(guildId), message, clock);
			expect((await tick(ALPHA)).status).to.equal('counted');
			expect((await tick(BETA)).status).to.equal('counted');
			clock += MINUTE;
		}
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(BETA, 'bob')]).to.deep.equal([3, 1]);
	});

	it('with two bot processes receiving one server’s chat, gives every present viewer exactly one minute per tick', async () => {
		await setLive(ALPHA, 'live');
		const otherShared = testSharedState(keyPrefix);
		const otherPresence = new ChatPresence({ now: () => clock, flushEveryMs: 3_600_000 });
		try {
			const otherContext = contextOf(ALPHA, otherShared);
			for (let n = 0; n < 3; n++) {
				// The router hands each message to either process: Bob's reach this one, Alice's the other, Carol's both.
				say(ALPHA, 'bob');
				recordChatMessage(otherPresence, otherContext, chat('alice'), clock);
				say(ALPHA, 'carol');
				recordChatMessage(otherPresence, otherContext, chat('carol'), clock);
				// Each process's flusher has pushed its chatters (it does every second); both run the tick of the minute.
				await Promise.all([presence.flush(), otherPresence.flush()]);
				const [here, there] = await Promise.all([tick(ALPHA), countWatchtimeTick(otherContext, tickOf(clock + 500, MINUTE))]);
				expect([here.status, there.status].sort()).to.deep.equal(['counted', 'counted already']);
				clock += MINUTE;
			}
			expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'alice'), await minutesOf(ALPHA, 'carol')]).to.deep.equal([3, 3, 3]);
		} finally {
			await otherPresence.close();
			await otherShared.close();
		}
	});

	it('counts nothing twice when the tick’s statement is killed mid-way and the tick runs again', async () => {
		await setLive(ALPHA, 'live');
		await migrated.database.forGuild(ALPHA).watchtime.change('carol', 5, 'a row to hold', 1n);
		say(ALPHA, 'bob');
		say(ALPHA, 'carol');
		await presence.flush();

		// Another session holds Carol's row, so the tick's statement stops there, after claiming the tick and crediting Bob.
		const holder = await migrated.database.connection.openSession();
		const killer = await migrated.database.connection.openSession();
		try {
			await holder.exec('BEGIN');
			await holder.query(`SELECT 1 FROM watchtime WHERE discord_server_id = $1 AND username = 'carol' FOR UPDATE`, [String(ALPHA)]);
			const killed = tick(ALPHA).then(
				() => 'finished',
				(error: unknown) => String(error)
			);
			let cancelled = false;
			for (let attempt = 0; attempt < 200 && !cancelled; attempt++) {
				const rows = await killer.query<{ cancelled: boolean }>(
					`SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%watchtime_count_tick%' AND pid <> pg_backend_pid()`
				);
				cancelled = rows.some((row) => row.cancelled);
				if (!cancelled) await new Promise((resolve) => setTimeout(resolve, 25));
			}
			expect(cancelled, 'the tick’s statement was found waiting and cancelled').to.equal(true);
			expect(await killed).to.match(/cancel/i);
		} finally {
			await holder.exec('ROLLBACK');
			await holder.release();
			await killer.release();
		}
		expect(await migrated.database.forGuild(ALPHA).watchtime.tickCounted(new Date(START)), 'the claim went with the statement').to.equal(false);
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'carol')]).to.deep.equal([0, 5]);

		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 2, credited: 2 });
		expect(await tick(ALPHA)).to.deep.equal({ status: 'counted already' });
		expect([await minutesOf(ALPHA, 'bob'), await minutesOf(ALPHA, 'carol')]).to.deep.equal([1, 6]);
	});

	it('keeps the chatters of a flush Redis refused and pushes them with the next one', async () => {
		await setLive(ALPHA, 'live');
		const away = testSharedState(keyPrefix, 'redis://127.0.0.1:1');
		try {
			recordChatMessage(presence, contextOf(ALPHA, away), chat('bob'), clock);
			const refused = await presence.flush().then(
				() => null,
				(error: unknown) => error
			);
			expect(refused, 'the flush failed').to.be.instanceOf(Error);
			// The next message of the server comes with a working connection: both chatters reach Redis.
			say(ALPHA, 'alice');
			expect(await tick(ALPHA)).to.deep.equal({ status: 'counted', viewers: 2, credited: 2 });
		} finally {
			await away.close();
		}
	});
});
