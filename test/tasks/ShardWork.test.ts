import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ShardWork, type ShardPartPayload } from '#lib/tasks/ShardWork';
import { TEST_REDIS_URL } from '#test/helpers/sharedState';
import { waitUntil } from '#test/helpers/waitUntil';

// Two bot processes of one deployment on the shared Redis, each with the shards of its own, without Discord.

describe('ShardWork (repeating runs spread over the processes by shard), on a real Redis', function () {
	this.timeout(20_000);

	let keyPrefix: string;
	const opened: ShardWork[] = [];
	const warnings: string[] = [];
	const redis = new Redis(TEST_REDIS_URL);

	/** A process running `ids` of 3 shards; `parts` records the parts it did from its queues. */
	const processOf = (owner: string, ids: readonly number[], markLastsMs = 30_000) => {
		const parts: [string, ShardPartPayload][] = [];
		const work = new ShardWork({
			redisUrl: TEST_REDIS_URL,
			keyPrefix,
			shards: { ids, count: 3 },
			run: async (taskName, payload) => parts.push([taskName, payload]),
			logger: { warn: (...values) => warnings.push(values.map(String).join(' ')) },
			owner,
			markLastsMs
		});
		opened.push(work);
		return { work, parts };
	};
	const runsHere = () => {
		const shards: number[] = [];
		return { shards, runHere: async (shard: number, count: number) => void shards.push(shard * 10 + count) };
	};

	beforeEach(() => {
		keyPrefix = `test-shard-work-${randomBytes(4).toString('hex')}`;
		warnings.length = 0;
	});

	afterEach(async () => {
		await Promise.all(opened.splice(0).map((work) => work.close()));
		const keys = [...(await redis.keys(`${keyPrefix}:*`)), ...(await redis.keys(`bull:${keyPrefix}-*`))];
		if (keys.length > 0) await redis.del(...keys);
	});

	after(() => redis.disconnect());

	it('hands each shard’s part to the process running it, with the run’s data, once', async () => {
		const a = processOf('a', [0]);
		const b = processOf('b', [1, 2]);
		await Promise.all([a.work.start(), b.work.start()]);
		const here = runsHere();
		// Whichever process takes the run spreads it: here a stopped third one with no shard of its own.
		const spreader = processOf('c', []);
		expect(await spreader.work.spread('watchtimeTick', { tickAt: 60_000 }, here.runHere)).to.deep.equal({ queued: [0, 1, 2], here: [] });
		await waitUntil(() => a.parts.length + b.parts.length === 3);
		expect(a.parts).to.deep.equal([['watchtimeTick', { shard: 0, shardCount: 3, data: { tickAt: 60_000 } }]]);
		expect(b.parts.map(([, part]) => part.shard).sort()).to.deep.equal([1, 2]);
		expect(here.shards).to.deep.equal([]);
		expect(b.work.queueName(2)).to.equal(`${keyPrefix}-shard-2-of-3`);
	});

	it('does here, one after another, the parts of shards no process serves', async () => {
		const a = processOf('a', [0]);
		await a.work.start();
		const here = runsHere();
		expect(await a.work.spread('syncRoles', undefined, here.runHere)).to.deep.equal({ queued: [0], here: [1, 2] });
		expect(here.shards).to.deep.equal([13, 23]);
		await waitUntil(() => a.parts.length === 1);
		expect(a.parts).to.deep.equal([['syncRoles', { shard: 0, shardCount: 3 }]]);
	});

	it('at a clean stop takes its marks away at once, leaving another process’s mark of the same shard', async () => {
		const a = processOf('a', [0, 1]);
		const standby = processOf('standby', [1]);
		await Promise.all([a.work.start(), standby.work.start()]);
		await a.work.close();
		const here = runsHere();
		expect(await processOf('c', []).work.spread('raffleSchedule', undefined, here.runHere)).to.deep.equal({ queued: [1], here: [0, 2] });
	});

	it('after a crash, queues the stopped process’s shards until its mark runs out, and the restarted process does what waited', async () => {
		// A process of shard 2 that died: its mark holds 300 ms more, nobody works from its queue.
		const [seconds, micros] = await redis.time();
		await redis.zadd(`${keyPrefix}:shard-work:3`, Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) + 300, '2:crashed');
		const other = processOf('other', [0, 1]);
		await other.work.start();
		const waiting = runsHere();
		expect(await other.work.spread('timedMessagesTick', { at: 1 }, waiting.runHere)).to.deep.equal({ queued: [0, 1, 2], here: [] });
		await waitUntil(async () => {
			const [now] = await redis.time();
			return Number((await redis.zscore(`${keyPrefix}:shard-work:3`, '2:crashed')) ?? 0) <= Number(now) * 1000;
		});
		const takenOver = runsHere();
		expect(await other.work.spread('timedMessagesTick', { at: 2 }, takenOver.runHere)).to.deep.equal({ queued: [0, 1], here: [2] });
		expect(takenOver.shards).to.deep.equal([23]);

		const restarted = processOf('restarted', [2]);
		await restarted.work.start();
		await waitUntil(() => restarted.parts.length === 1);
		expect(restarted.parts).to.deep.equal([['timedMessagesTick', { shard: 2, shardCount: 3, data: { at: 1 } }]]);
	});

	it('renews its marks while it runs, so they outlast their time to live', async () => {
		const a = new ShardWork({
			redisUrl: TEST_REDIS_URL,
			keyPrefix,
			shards: { ids: [0], count: 3 },
			run: async () => undefined,
			logger: { warn: (...values) => warnings.push(values.map(String).join(' ')) },
			owner: 'a',
			markEveryMs: 50,
			markLastsMs: 200
		});
		opened.push(a);
		await a.start();
		const key = `${keyPrefix}:shard-work:3`;
		const started = Date.now();
		// Each renewal puts the mark's end further; five of them take longer than one lifetime.
		let last = 0;
		let renewals = 0;
		await waitUntil(async () => {
			const end = Number(await redis.zscore(key, '0:a'));
			if (end > last) renewals++;
			last = end;
			return renewals >= 6;
		});
		expect(Date.now() - started).to.be.greaterThan(200);
		const [now] = await redis.time();
		expect(Number(await redis.zscore(key, '0:a'))).to.be.greaterThan(Number(now) * 1000);
		expect(warnings).to.deep.equal([]);
	});
});
