import { expect } from 'chai';
import type { GuildContext, GuildRepositories, GuildSettings } from '#core';
import { deleteRows, everyPluginRepositories, migrate, openDatabaseAt } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { createTestDatabase, sql, type TestDatabase } from '#test/helpers/postgres';
import { testSharedState, type SharedState } from '#test/helpers/sharedState';
import { CHAT_LINES_KEY, ChatLineCounter } from '../lib/ChatLineCounter.js';
import { runDueTimers, type TimerOutcome } from '../lib/runDueTimers.js';

// Timers run by two bot processes (two database pools, two Redis connections, two chat line counters)
// over the real PostgreSQL and Redis, on a fake clock moved minute by minute as the tick runs.

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
/** A minute boundary: the clock starts on it. */
const START = Date.UTC(2030, 0, 1, 20, 0, 0);
const MINUTE = 60_000;
const SETTINGS = { get: () => null } as unknown as GuildSettings;

interface Post {
	readonly process: string;
	readonly where: 'kick' | 'discord';
	readonly text: string;
	readonly key: string;
	readonly minute: number;
}

/** One bot process: its database pool, its Redis connection, its chat line counter. */
interface BotProcess {
	readonly name: string;
	readonly database: ReturnType<typeof openDatabaseAt>;
	readonly shared: SharedState;
	readonly lines: ChatLineCounter;
}

describe('timed-messages: due timers across two bot processes (fake clock, PostgreSQL and Redis)', function () {
	this.timeout(60_000);
	const keyPrefix = `kickbot-test-timers-${process.pid}`;
	let testDatabase: TestDatabase;
	let one: BotProcess;
	let two: BotProcess;
	let posts: Post[];
	let clock: number;
	/** Makes the next Kick post fail (the outbox refused it). */
	let kickFails = false;

	const openProcess = async (name: string): Promise<BotProcess> => ({
		name,
		database: openDatabaseAt(testDatabase.url, await everyPluginRepositories()),
		shared: testSharedState(keyPrefix),
		lines: new ChatLineCounter({ flushEveryMs: 3_600_000 })
	});
	const closeProcess = async (bot: BotProcess) => {
		await bot.lines.close();
		await bot.shared.close();
		await bot.database.close();
	};

	function contextOf(bot: BotProcess, guildId: bigint): GuildContext {
		const minute = (clock - START) / MINUTE;
		return {
			...testGuildContext({ guildId, settings: SETTINGS, db: bot.database.database.forGuild(guildId), shared: bot.shared.forGuild(guildId) }),
			sayInKickChat: (text, post) => {
				if (kickFails) return Promise.reject(new Error('the outbox is away'));
				posts.push({ process: bot.name, where: 'kick', text, key: post.key, minute });
				return Promise.resolve({ status: 'queued' } as never);
			},
			postInChannel: (channelId, message, post) => {
				posts.push({ process: bot.name, where: 'discord', text: `${channelId}: ${message.content}`, key: post.key, minute });
				return Promise.resolve({ status: 'queued' } as never);
			}
		};
	}

	/** The tick of the clock's minute, run by both processes at once for a server, each after flushing its chat lines. */
	async function tickBoth(guildId: bigint = ALPHA): Promise<TimerOutcome[][]> {
		await Promise.all([one.lines.flush(), two.lines.flush()]);
		return Promise.all([one, two].map((bot) => runDueTimers(contextOf(bot, guildId), new Date(clock))));
	}

	const timersOf = (guildId: bigint): GuildRepositories['timedMessages'] => one.database.database.forGuild(guildId).timedMessages;
	const setLive = (guildId: bigint, isLive: boolean) =>
		one.database.database.forGuild(guildId).kickConnection.recordLiveStatus({ isLive, title: null, startedAt: null, at: new Date(clock) });

	before(async () => {
		testDatabase = await createTestDatabase('timed_messages_run');
		one = await openProcess('one');
		await migrate(one.database.database.connection);
		two = await openProcess('two');
	});
	after(async () => {
		await closeProcess(two);
		await closeProcess(one);
		await testDatabase.drop();
	});
	beforeEach(async () => {
		await deleteRows(one.database.database, ['timed_messages', 'kick_connections']);
		for (const guildId of [ALPHA, BETA]) {
			await one.shared.forGuild(guildId).delete(CHAT_LINES_KEY);
			await one.database.database
				.forGuild(guildId)
				.kickConnection.connect({ broadcasterUserId: guildId % 1000n, channelSlug: `c${guildId % 1000n}`, connectedBy: 1n, eventsVia: 'webhook' });
		}
		posts = [];
		clock = START;
		kickFails = false;
	});

	it('posts once per interval with two processes running every tick at once, cycling its messages', async () => {
		await setLive(ALPHA, true);
		const timer = await timersOf(ALPHA).create({ messages: ['Follow!', 'Join the Discord', 'Hydrate'], intervalMinutes: 10 });
		for (let minute = 0; minute <= 40; minute++) {
			await tickBoth();
			clock += MINUTE;
		}
		expect(posts.map((post) => [post.minute, post.text])).to.deep.equal([
			[0, 'Follow!'],
			[10, 'Join the Discord'],
			[20, 'Hydrate'],
			[30, 'Follow!'],
			[40, 'Join the Discord']
		]);
		expect(new Set(posts.map((post) => post.key)).size, 'each post under a key of its own').to.equal(5);
		expect(new Set(posts.map((post) => post.process)), 'both processes took some').to.have.length.within(1, 2);
		expect((await timersOf(ALPHA).get(timer.id))?.timesSent).to.equal(5);
	});

	it('after downtime posts once, then keeps the interval from then (no burst of missed posts), across a restart', async () => {
		await setLive(ALPHA, true);
		await timersOf(ALPHA).create({ messages: ['Hello'], intervalMinutes: 10 });
		await tickBoth();
		// Both processes stop for 95 minutes; a new process starts in place of the first.
		await closeProcess(one);
		one = await openProcess('one again');
		clock += 95 * MINUTE;
		for (let minute = 95; minute <= 115; minute++) {
			await tickBoth();
			clock += MINUTE;
		}
		expect(posts.map((post) => post.minute)).to.deep.equal([0, 95, 105, 115]);
	});

	it('keeps a live-only timer silent while the stream is offline; one that may post offline posts', async () => {
		await setLive(ALPHA, false);
		const liveOnly = await timersOf(ALPHA).create({ messages: ['Live only'], intervalMinutes: 5 });
		await timersOf(ALPHA).create({ messages: ['Always'], intervalMinutes: 5, liveOnly: false });
		for (let minute = 0; minute < 12; minute++) {
			await tickBoth();
			clock += MINUTE;
		}
		expect(posts.map((post) => post.text)).to.deep.equal(['Always', 'Always', 'Always']);
		expect((await timersOf(ALPHA).get(liveOnly.id))?.lastSent, 'nothing claimed').to.equal(null);
		// A server Kick never said anything about counts as offline too.
		await deleteRows(one.database.database, ['kick_connections']);
		await tickBoth();
		expect(posts.filter((post) => post.text === 'Live only')).to.deep.equal([]);

		await one.database.database.forGuild(ALPHA).kickConnection.connect({ broadcasterUserId: 1n, channelSlug: 'c1', connectedBy: 1n, eventsVia: 'webhook' });
		await setLive(ALPHA, true);
		clock += MINUTE;
		const outcomes = await tickBoth();
		expect(posts.filter((post) => post.text === 'Live only')).to.have.length(1);
		expect(outcomes.flat().filter((outcome) => outcome.status === 'posted')).to.have.length(1);
	});

	it('waits for the minimum of chat lines since the last post, counting the lines of both processes together', async () => {
		await setLive(ALPHA, true);
		await timersOf(ALPHA).create({ messages: ['Chatty'], intervalMinutes: 1, minChatLines: 5 });
		const chat = (bot: BotProcess, lines: number) => {
			for (let line = 0; line < lines; line++) bot.lines.record(contextOf(bot, ALPHA));
		};
		chat(one, 3);
		chat(two, 1);
		// Another server's chat counts for that server only.
		for (let line = 0; line < 10; line++) one.lines.record(contextOf(one, BETA));
		expect((await tickBoth()).flat()).to.deep.include({ timerId: (await timersOf(ALPHA).list())[0]!.id, status: 'quiet chat', lines: 4 });
		expect(posts).to.deep.equal([]);

		clock += MINUTE;
		chat(two, 1);
		await tickBoth();
		expect(posts.map((post) => [post.minute, post.text])).to.deep.equal([[1, 'Chatty']]);

		// The lines before the post count no more: five new ones are needed, from either process.
		for (let minute = 2; minute <= 4; minute++) {
			clock += MINUTE;
			chat(minute % 2 === 0 ? one : two, 2);
			await tickBoth();
		}
		expect(posts.map((post) => post.minute)).to.deep.equal([1, 4]);
		expect(await one.shared.forGuild(ALPHA).get(CHAT_LINES_KEY)).to.equal('11');
	});

	it('gives a post the outbox refused back, and posts it once on the next run under the same key', async () => {
		await setLive(ALPHA, true);
		const timer = await timersOf(ALPHA).create({ messages: ['Retry me'], intervalMinutes: 10, liveOnly: false });
		kickFails = true;
		const failed = (await tickBoth()).flat();
		expect(failed.filter((outcome) => outcome.status === 'failed')).to.have.length(1);
		expect((await timersOf(ALPHA).get(timer.id))?.timesSent, 'given back').to.equal(0);

		kickFails = false;
		clock += MINUTE;
		await tickBoth();
		clock += MINUTE;
		await tickBoth();
		expect(posts.map((post) => [post.minute, post.key])).to.deep.equal([[1, `timers:${timer.id}:1`]]);
	});

	it('posts in the timer’s Discord channel as well, and only the server’s own timers', async () => {
		await setLive(ALPHA, true);
		await setLive(BETA, true);
		await timersOf(ALPHA).create({ messages: ['Alpha news'], intervalMinutes: 5, discordChannelId: '1234567890123456789' });
		await timersOf(BETA).create({ messages: ['Beta news'], intervalMinutes: 5 });
		await tickBoth(ALPHA);
		expect(posts.map((post) => [post.where, post.text])).to.deep.equal([
			['kick', 'Alpha news'],
			['discord', '1234567890123456789: Alpha news']
		]);
		expect(
			await sql<{ n: number }>(testDatabase.url, 'SELECT times_sent AS n FROM timed_messages WHERE discord_server_id = $1', [BETA.toString()])
		).to.deep.equal([{ n: 0 }]);
	});
});
