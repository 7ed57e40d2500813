import { expect } from 'chai';
import type { RESTOptions } from 'discord.js';
import { connectPostgres } from '#lib/database/connection';
import { countingDatabaseErrors, kindOfDatabaseError } from '#lib/database/countDatabaseErrors';
import { hasBearerToken } from '#lib/http/bearerToken';
import { InFlightLimit } from '#lib/http/InFlightLimit';
import { FixedLabelCounter, metricsRegistry } from '#lib/metrics/metrics';
import { countingDiscordRateLimits, repeatingRunLagMs } from '#lib/metrics/observeBot';
import { createTestDatabase, type TestDatabase } from '#test/helpers/postgres';

/** The value of one series in the registry's text, 0 when absent. */
async function valueOf(series: string): Promise<number> {
	const line = (await metricsRegistry.metrics()).split('\n').find((candidate) => candidate.startsWith(`${series} `));
	return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
	it('FixedLabelCounter counts each fixed value apart and shows every value, 0 included; others are not counted', async () => {
		const counter = new FixedLabelCounter({ name: 'test_fixed_label_total', help: 'A test counter.', label: 'status', values: [200, 503] });
		counter.inc(200);
		counter.inc(200);
		counter.inc(404 as 200);
		expect(counter.count(200)).to.equal(2);
		expect(await valueOf('test_fixed_label_total{status="200"}')).to.equal(2);
		expect(await valueOf('test_fixed_label_total{status="503"}')).to.equal(0);
		expect(await metricsRegistry.metrics())
			.to.include('test_fixed_label_total{status="503"} 0')
			.and.not.include('test_fixed_label_total{status="404"}');
		metricsRegistry.removeSingleMetric('test_fixed_label_total');
	});

	it('counts Discord’s 429 answers by scope, whatever the scope header says', async () => {
		const before = {
			shared: await valueOf('kickbot_discord_rest_rate_limited_total{scope="shared"}'),
			unknown: await valueOf('kickbot_discord_rest_rate_limited_total{scope="unknown"}')
		};
		const answers = [429, 200, 429, 429];
		const scopes = ['shared', null, 'a-scope-discord-made-up', null];
		let call = 0;
		const fake = (async () => {
			const index = call++;
			const headers = new Headers(scopes[index] === null ? {} : { 'x-ratelimit-scope': scopes[index]! });
			return { status: answers[index], headers } as unknown as Response;
		}) as unknown as RESTOptions['makeRequest'];
		const counting = countingDiscordRateLimits(fake);
		for (let index = 0; index < answers.length; index++) expect((await counting('https://discord.test/api', {})).status).to.equal(answers[index]);
		expect(await valueOf('kickbot_discord_rest_rate_limited_total{scope="shared"}')).to.equal(before.shared + 1);
		expect(await valueOf('kickbot_discord_rest_rate_limited_total{scope="unknown"}')).to.equal(before.unknown + 2);
	});

	it('measures how late a repeating run of an interval task started; one-off runs and cron tasks have no lag', () => {
		expect(repeatingRunLagMs({ interval: 60_000 }, undefined, 1_800_000_000_250)).to.equal(1_800_000_000_250 % 60_000);
		expect(repeatingRunLagMs({ interval: 60_000 }, {}, 120_000_400)).to.equal(400);
		expect(repeatingRunLagMs({ interval: 60_000 }, { guildId: '1' }, 120_000_400)).to.equal(undefined);
		expect(repeatingRunLagMs({ interval: null }, undefined, 120_000_400)).to.equal(undefined);
	});

	describe('database errors', () => {
		let database: TestDatabase;
		before(async () => (database = await createTestDatabase('metrics')));
		after(() => database?.drop());

		it('are counted at the driver: a refused statement, and a database that cannot be reached', async () => {
			const statements = await valueOf('kickbot_database_errors_total{kind="statement"}');
			const connections = await valueOf('kickbot_database_errors_total{kind="connection"}');

			const reachable = countingDatabaseErrors(connectPostgres(database.url, { poolSize: 1 }));
			const driver = await reachable.adapter.connect();
			try {
				expect((await driver.queryRaw({ sql: 'SELECT 1 AS one', args: [], argTypes: [] })).rows).to.deep.equal([[1]]);
				const refused = await driver.queryRaw({ sql: 'SELECT 1 / 0', args: [], argTypes: [] }).then(
					() => null,
					(error: unknown) => error
				);
				expect(kindOfDatabaseError(refused)).to.equal('statement');
			} finally {
				await driver.dispose();
			}
			expect(await valueOf('kickbot_database_errors_total{kind="statement"}')).to.equal(statements + 1);

			const away = new URL(database.url);
			away.port = '1';
			const unreachable = countingDatabaseErrors(connectPostgres(away.toString(), { poolSize: 1 }));
			const lost = await unreachable.adapter.connect();
			const error = await lost.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] }).then(
				() => null,
				(failure: unknown) => failure
			);
			await lost.dispose();
			expect(kindOfDatabaseError(error)).to.equal('connection');
			expect(await valueOf('kickbot_database_errors_total{kind="connection"}')).to.equal(connections + 1);
		});
	});

	describe('bearer token', () => {
		const token = 'metrics-token-0123456789';

		it('accepts exactly "Bearer <token>" (any case of the scheme, spaces around)', () => {
			expect(hasBearerToken(`Bearer ${token}`, token)).to.equal(true);
			expect(hasBearerToken(`bearer  ${token} `, token)).to.equal(true);
		});

		it('refuses anything else: none, another scheme, a prefix, a longer token, the token alone', () => {
			for (const header of [
				undefined,
				'',
				`Basic ${token}`,
				`Bearer ${token.slice(0, -1)}`,
				`Bearer ${token}x`,
				token,
				`Bearer ${token} extra`,
				'Bearer '
			])
				expect(hasBearerToken(header, token), String(header)).to.equal(false);
		});
	});

	describe('InFlightLimit', () => {
		it('takes places up to its limit, refuses past it, and takes again once one is given back', () => {
			const limit = new InFlightLimit(2);
			expect([limit.tryEnter(), limit.tryEnter(), limit.tryEnter()]).to.deep.equal([true, true, false]);
			expect(limit.current).to.equal(2);
			limit.leave();
			expect(limit.current).to.equal(1);
			expect(limit.tryEnter()).to.equal(true);
			expect(limit.tryEnter()).to.equal(false);
		});

		it('refuses a limit that is not a whole number from 1', () => {
			for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new InFlightLimit(bad)).to.throw(RangeError);
		});
	});
});
