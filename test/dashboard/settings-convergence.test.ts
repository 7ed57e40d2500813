import { expect } from 'chai';
import { applySettingsReload, applySettingsUpdate, settingsUpdateData } from '#lib/dashboard/botSettingsActions';
import { DashboardPublisher } from '#lib/dashboard/DashboardPublisher';
import { DashboardSubscriber, type DashboardHandler } from '#lib/dashboard/DashboardSubscriber';
import { DEFAULT_KEY_PREFIX } from '#lib/dashboard/protocol';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { BotSettingsManager } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import { CapturingLogger, OutcomeRecorder, REDIS_URL, TEST_AREAS, TEST_SECRET, uniqueGuildId } from '#test/dashboard/helpers';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { waitUntil } from '#test/helpers/waitUntil';

const declared = new Map<string, DeclaredSetting>([['prefix', { key: 'prefix', definition: coreSettings.prefix, declaredBy: 'the core' }]]);
/** Long enough that only a dashboard message can make a process see a change during the test. */
const TTL_MS = 10 * 60_000;

/** One bot process as far as settings go: its cache, its subscriber and its publisher, wired as KickBotClient wires them. */
interface BotProcess {
	readonly settings: BotSettingsManager;
	readonly subscriber: DashboardSubscriber;
	readonly publisher: DashboardPublisher;
	readonly recorder: OutcomeRecorder;
}

describe('Settings of two bot processes converge through dashboard messages (PostgreSQL and Redis)', function () {
	this.timeout(30_000);

	let migrated: MigratedDatabase;
	let processes: BotProcess[];
	const logger = new CapturingLogger();

	/** `now` is the clock its publisher signs with. */
	function startProcess(now?: () => number): BotProcess {
		const publisher = new DashboardPublisher({ redisUrl: REDIS_URL, secret: TEST_SECRET, keyPrefix: DEFAULT_KEY_PREFIX, now });
		const settings = new BotSettingsManager(migrated.database, declared, {
			ttlMs: TTL_MS,
			onChange: (guildId) => void publisher.publishSettingsReload(guildId)
		});
		const actions: Record<string, DashboardHandler> = {
			update: {
				name: 'botSettingsUpdate',
				dataSchema: settingsUpdateData,
				run: (message) => applySettingsUpdate(settings, logger, message.guildId, message.data as never)
			},
			sync: { name: 'botSettingsSync', run: (message) => applySettingsReload(settings, message.guildId) },
			reload: { name: 'botSettingsReload', run: (message) => applySettingsReload(settings, message.guildId) }
		};
		const recorder = new OutcomeRecorder();
		const subscriber = new DashboardSubscriber({
			redisUrl: REDIS_URL,
			secret: TEST_SECRET,
			keyPrefix: DEFAULT_KEY_PREFIX,
			areas: TEST_AREAS,
			maxAgeSeconds: 60,
			logger,
			handlers: (area, action) => (area === 'bot_settings' && actions[action] !== undefined ? [actions[action]] : []),
			onOutcome: recorder.record
		});
		return { settings, subscriber, publisher, recorder };
	}

	const prefixOf = async (process: BotProcess, guildId: string) => (await process.settings.forGuild(guildId)).get('prefix');
	const handledFor = (process: BotProcess, guildId: string) =>
		process.recorder.outcomes.filter((outcome) => outcome.status === 'handled' && String(outcome.message.guildId) === guildId).length;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'dashboard');
		processes = [startProcess(), startProcess()];
		await Promise.all(processes.map((process) => process.subscriber.start()));
	});

	after(async () => {
		for (const process of processes) {
			await process.subscriber.close();
			await process.publisher.close();
		}
		await migrated.close();
	});

	it('a change made in one process reaches the other’s cache for that server only', async () => {
		const [one, two] = processes as [BotProcess, BotProcess];
		const [guildA, guildB] = [uniqueGuildId(), uniqueGuildId()];
		await migrated.database.forGuild(BigInt(guildB)).settings.set({ prefix: '%' });
		expect([await prefixOf(two, guildA), await prefixOf(two, guildB)], 'cached in process two').to.deep.equal(['!', '%']);

		await one.settings.set(guildA, 'prefix', '?');
		await waitUntil(() => handledFor(two, guildA) === 1);

		expect(await prefixOf(two, guildA)).to.equal('?');
		// B's row changes behind both processes' backs: process two still answers from its cache, so B was not dropped.
		await migrated.database.forGuild(BigInt(guildB)).settings.set({ prefix: '$' });
		expect(await prefixOf(two, guildB)).to.equal('%');
	});

	it('the dashboard writing the database and publishing update makes every process read the new value', async () => {
		const guildA = uniqueGuildId();
		expect(await Promise.all(processes.map((process) => prefixOf(process, guildA)))).to.deep.equal(['!', '!']);

		await migrated.database.forGuild(BigInt(guildA)).settings.set({ prefix: '+' });
		expect(await Promise.all(processes.map((process) => prefixOf(process, guildA))), 'not told yet: cached').to.deep.equal(['!', '!']);
		const dashboard = new DashboardPublisher({ redisUrl: REDIS_URL, secret: TEST_SECRET, keyPrefix: DEFAULT_KEY_PREFIX });
		try {
			const { receivers } = await dashboard.publish({ area: 'bot_settings', action: 'update', guildId: guildA, data: { key: 'prefix' } });
			expect(receivers).to.be.at.least(2);
		} finally {
			await dashboard.close();
		}
		await waitUntil(() => processes.every((process) => handledFor(process, guildA) === 1));

		expect(await Promise.all(processes.map((process) => prefixOf(process, guildA)))).to.deep.equal(['+', '+']);
	});

	it('three changes of one server signed within the same second all reach the other process (none is taken for a replay)', async () => {
		const signedAt = Date.now();
		const fast = startProcess(() => signedAt);
		processes.push(fast);
		await fast.subscriber.start();
		const two = processes[1]!;
		const guildA = uniqueGuildId();
		expect(await prefixOf(two, guildA)).to.equal('!');

		for (const prefix of ['?', '$', '%']) {
			await fast.settings.set(guildA, 'prefix', prefix);
			await waitUntil(() => two.recorder.forServer(guildA).length === ['?', '$', '%'].indexOf(prefix) + 1);
			expect(await prefixOf(two, guildA), `process two after the change to ${prefix}`).to.equal(prefix);
		}
		expect(two.recorder.forServer(guildA).map((outcome) => (outcome.status === 'refused' ? outcome.reason : outcome.status))).to.deep.equal([
			'handled',
			'handled',
			'handled'
		]);
	});
});
