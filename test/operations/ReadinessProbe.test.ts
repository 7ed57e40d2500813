import { expect } from 'chai';
import { ReadinessProbe, type Readiness, type ReadinessChecks } from '#lib/health/ReadinessProbe';

const MIGRATIONS = ['20240101000000_legacy_baseline', '20261124000000_multi_server'];

/** Checks a test sets the answers of, counting how often each is asked. */
function fakeChecks() {
	const state = {
		discord: true,
		pending: [] as string[],
		database: undefined as Error | undefined,
		redis: undefined as Error | undefined,
		redisHangs: false,
		asked: { database: 0, redis: 0 }
	};
	const checks: ReadinessChecks = {
		discordConnected: () => state.discord,
		pendingMigrations: async (names) => {
			expect(names).to.deep.equal(MIGRATIONS);
			state.asked.database += 1;
			if (state.database !== undefined) throw state.database;
			return state.pending;
		},
		pingRedis: () => {
			state.asked.redis += 1;
			if (state.redisHangs) return new Promise(() => undefined);
			return state.redis === undefined ? Promise.resolve('PONG') : Promise.reject(state.redis);
		}
	};
	return { state, checks };
}

describe('ReadinessProbe', () => {
	let now: number;
	let changes: { readiness: Readiness; reasons: readonly string[] }[];
	const probeOf = (checks: ReadinessChecks, options: { timeoutMs?: number } = {}) =>
		new ReadinessProbe({
			checks,
			migrations: MIGRATIONS,
			cacheMs: 1000,
			timeoutMs: options.timeoutMs ?? 1000,
			now: () => now,
			onChange: (readiness, reasons) => changes.push({ readiness, reasons })
		});

	beforeEach(() => {
		now = 1_000_000;
		changes = [];
	});

	it('is ready when every check is ok', async () => {
		const { checks } = fakeChecks();
		expect(await probeOf(checks).check()).to.deep.equal({
			ready: true,
			notReady: [],
			checks: { discord: 'ok', database: 'ok', migrations: 'ok', redis: 'ok' }
		});
		expect(changes, 'being ready from the start is no news').to.deep.equal([]);
	});

	it('names what is not ready, and leaves out the migrations it could not check', async () => {
		const { state, checks } = fakeChecks();
		state.discord = false;
		state.database = new Error('connect ECONNREFUSED 127.0.0.1:5432');
		state.redis = new Error('Connection is closed.');
		const readiness = await probeOf(checks).check();
		expect(readiness).to.deep.equal({
			ready: false,
			notReady: ['discord', 'database', 'redis'],
			checks: { discord: 'not connected', database: 'unreachable', migrations: 'unknown', redis: 'unreachable' }
		});
		expect(JSON.stringify(readiness), 'errors stay in the log').not.to.include('ECONNREFUSED');
		expect(changes).to.have.length(1);
		expect(changes[0]!.reasons).to.deep.equal([
			'database: connect ECONNREFUSED 127.0.0.1:5432',
			'redis: Connection is closed.',
			'discord: not connected (a shard of this process is not ready)'
		]);
	});

	it('is not ready while a migration of this build is not applied', async () => {
		const { state, checks } = fakeChecks();
		state.pending = ['20261124000000_multi_server'];
		const readiness = await probeOf(checks).check();
		expect(readiness.notReady).to.deep.equal(['migrations']);
		expect(readiness.checks.migrations).to.equal('not applied');
		expect(changes[0]!.reasons).to.deep.equal(['migrations: 1 not applied (20261124000000_multi_server)']);
	});

	it('answers from the last check for a second, and shares one check among concurrent askers', async () => {
		const { state, checks } = fakeChecks();
		const probe = probeOf(checks);
		await Promise.all(Array.from({ length: 20 }, () => probe.check()));
		expect(state.asked).to.deep.equal({ database: 1, redis: 1 });

		state.redis = new Error('gone');
		now += 999;
		expect((await probe.check()).ready, 'within the second: the cached answer').to.equal(true);
		expect(state.asked).to.deep.equal({ database: 1, redis: 1 });
		now += 1;
		expect((await probe.check()).notReady).to.deep.equal(['redis']);
		expect(state.asked).to.deep.equal({ database: 2, redis: 2 });
	});

	it('counts a check that does not answer in time as failed', async () => {
		const { state, checks } = fakeChecks();
		state.redisHangs = true;
		const readiness = await probeOf(checks, { timeoutMs: 20 }).check();
		expect(readiness.checks.redis).to.equal('timed out');
		expect(changes[0]!.reasons).to.deep.equal(['redis: no answer within 20 ms']);
	});

	it('reports each change once: not ready, then ready again', async () => {
		const { state, checks } = fakeChecks();
		const probe = probeOf(checks);
		await probe.check();
		state.database = new Error('Connection terminated unexpectedly');
		for (let step = 0; step < 3; step++) {
			now += 1000;
			await probe.check();
		}
		state.database = undefined;
		now += 1000;
		await probe.check();
		now += 1000;
		await probe.check();
		expect(changes.map((change) => change.readiness.ready)).to.deep.equal([false, true]);
		expect(changes[1]!.reasons).to.deep.equal([]);
	});
});
