import { expect } from 'chai';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { SharedState } from '#lib/shared/SharedState';
import { rejection } from '#test/helpers/rejection';
import { TEST_REDIS_URL } from '#test/helpers/sharedState';

const REDIS_URL = TEST_REDIS_URL;
const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;

describe('SharedState (context.shared: a server’s state shared between bot processes, in Redis)', () => {
	const keyPrefix = `kickbot-test-shared-${process.pid}`;
	let shared: SharedState;
	let redis: Redis;

	before(() => {
		redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
	});
	beforeEach(() => {
		shared = new SharedState({ redisUrl: REDIS_URL, keyPrefix });
	});
	afterEach(async () => {
		await shared.close();
		const keys = await redis.keys(`${keyPrefix}:*`);
		if (keys.length > 0) await redis.del(...keys);
	});
	after(() => redis.quit());

	it('keeps each server’s keys under <prefix>:guild:<id>:, so one server’s handle never reads another’s', async () => {
		await shared.forGuild(ALPHA).set('feature:status', 'alpha');
		await shared.forGuild(BETA).set('feature:status', 'beta');

		expect(await redis.get(`${keyPrefix}:guild:${ALPHA}:feature:status`)).to.equal('alpha');
		expect(await shared.forGuild(ALPHA).get('feature:status')).to.equal('alpha');
		expect(await shared.forGuild(BETA).get('feature:status')).to.equal('beta');
		await shared.forGuild(BETA).delete('feature:status');
		expect(await shared.forGuild(ALPHA).get('feature:status')).to.equal('alpha');
		expect(shared.forGuild(ALPHA).guildId).to.equal(ALPHA);
	});

	it('refuses key names that could leave the server’s part or are not plain names', async () => {
		for (const key of ['', ':status', 'a b', 'x'.repeat(101), 'ü', '*']) {
			expect(await rejection(shared.forGuild(ALPHA).get(key)), JSON.stringify(key)).to.be.instanceOf(TypeError);
		}
	});

	it('raises scores only upwards (two processes writing one set keep the latest time of each member) and reads a range', async () => {
		const first = shared.forGuild(ALPHA);
		const other = new SharedState({ redisUrl: REDIS_URL, keyPrefix });
		try {
			await first.raiseScores('presence', ['bob', 'alice'], [1000, 2000], 60_000);
			await other.forGuild(ALPHA).raiseScores('presence', ['bob', 'alice', 'carol'], [3000, 1500, 500], 60_000);
			await shared.forGuild(BETA).raiseScores('presence', ['bob'], [9000], 60_000);

			expect(await first.membersScoredFrom('presence', 0)).to.deep.equal([
				{ member: 'carol', score: 500 },
				{ member: 'alice', score: 2000 },
				{ member: 'bob', score: 3000 }
			]);
			expect(await first.membersScoredFrom('presence', 2000)).to.deep.equal([
				{ member: 'alice', score: 2000 },
				{ member: 'bob', score: 3000 }
			]);
			expect(await first.removeScoredBelow('presence', 2000)).to.equal(1);
			expect((await first.membersScoredFrom('presence', 0)).map(({ member }) => member)).to.deep.equal(['alice', 'bob']);
			expect(await shared.forGuild(BETA).membersScoredFrom('presence', 0)).to.deep.equal([{ member: 'bob', score: 9000 }]);
			expect(await first.membersScoredFrom('nothing-here', 0)).to.deep.equal([]);
		} finally {
			await other.close();
		}
	});

	it('expires a set after its last raise, and a key set with a time to live', async () => {
		await shared.forGuild(ALPHA).raiseScores('presence', ['bob'], [1], 5_000);
		await shared.forGuild(ALPHA).set('status', 'live', { ttlMs: 7_000 });
		await shared.forGuild(ALPHA).set('forever', 'yes');

		expect(await redis.pttl(`${keyPrefix}:guild:${ALPHA}:presence`)).to.be.within(1, 5_000);
		expect(await redis.pttl(`${keyPrefix}:guild:${ALPHA}:status`)).to.be.within(5_001, 7_000);
		expect(await redis.pttl(`${keyPrefix}:guild:${ALPHA}:forever`)).to.equal(-1);
		expect(await rejection(shared.forGuild(ALPHA).raiseScores('presence', ['bob'], [1], 0))).to.be.instanceOf(TypeError);
		expect(await rejection(shared.forGuild(ALPHA).raiseScores('presence', ['bob'], [], 1000))).to.be.instanceOf(TypeError);
	});

	it('adds to a counter in one command, so two processes’ additions sum, per server, with an optional time to live', async () => {
		const other = new SharedState({ redisUrl: REDIS_URL, keyPrefix });
		try {
			expect(await shared.forGuild(ALPHA).increment('lines', 3)).to.equal(3);
			await Promise.all([shared.forGuild(ALPHA).increment('lines', 4), other.forGuild(ALPHA).increment('lines', 5)]);
			expect(await other.forGuild(ALPHA).get('lines')).to.equal('12');
			expect(await shared.forGuild(BETA).increment('lines', 1, { ttlMs: 9_000 })).to.equal(1);
			expect(await redis.pttl(`${keyPrefix}:guild:${BETA}:lines`)).to.be.within(1, 9_000);
			expect(await redis.pttl(`${keyPrefix}:guild:${ALPHA}:lines`)).to.equal(-1);
			expect(await rejection(shared.forGuild(ALPHA).increment('lines', 1.5))).to.be.instanceOf(TypeError);
			expect(await shared.forGuild(ALPHA).get('lines')).to.equal('12');
		} finally {
			await other.close();
		}
	});

	it('sends the calls of one turn of the event loop, for many servers, to Redis together (one write, not one per call)', async () => {
		const counting = await countingProxy(new URL(REDIS_URL));
		const piped = new SharedState({ redisUrl: `redis://127.0.0.1:${counting.port}`, keyPrefix });
		try {
			await piped.forGuild(ALPHA).get('warm-up');
			const before = counting.writes();
			const servers = Array.from({ length: 200 }, (_, index) => BigInt(index + 1));
			await Promise.all(servers.map((guildId) => piped.forGuild(guildId).raiseScores('presence', ['bob'], [1], 60_000)));

			// 400 commands (a ZADD and a PEXPIRE per server); TCP may split one write in a few segments.
			expect(counting.writes() - before).to.be.within(1, 4);
			for (const guildId of [1n, 200n])
				expect(await piped.forGuild(guildId).membersScoredFrom('presence', 0)).to.deep.equal([{ member: 'bob', score: 1 }]);
		} finally {
			await piped.close();
			await counting.close();
		}
	});
});

/** A pass-through to Redis that counts the chunks the client sent. */
async function countingProxy(target: URL): Promise<{ port: number; writes: () => number; close: () => Promise<void> }> {
	let chunks = 0;
	const sockets = new Set<Socket>();
	const server = createServer((client) => {
		const upstream = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('error', () => socket.destroy());
		}
		client.on('data', (chunk) => {
			chunks++;
			upstream.write(chunk);
		});
		upstream.pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		port,
		writes: () => chunks,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
