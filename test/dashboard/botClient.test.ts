import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { publishDashboardMessage } from '#lib/dashboard/DashboardPublisher';
import { DashboardSubscriber, type DashboardMessage } from '#lib/dashboard/DashboardSubscriber';
import type { MessageToSign } from '#lib/dashboard/protocol';
import { compiledRoot, projectRoot } from '#lib/paths';
import { redisOptionsFromUrl } from '#lib/startup/redis';
import type { BotClientResult } from '#test/dashboard/botClient.child';
import {
	CapturingLogger,
	deeplyNestedData,
	handSignedMessage,
	OutcomeRecorder,
	REDIS_URL,
	TEST_AREAS,
	TEST_SECRET,
	uniqueGuildId
} from '#test/dashboard/helpers';
import { ProcessOutput } from '#test/helpers/ProcessOutput';
import { waitUntil } from '#test/helpers/waitUntil';

const CHILD = fileURLToPath(new URL('./botClient.child.js', import.meta.url));
const fixture = (name: string) => join(compiledRoot, 'test', 'dashboard', 'fixtures', name);
/** The children's REDIS_KEY_PREFIX: a deployment of their own on the shared Redis (and its task queue). */
const KEY_PREFIX = 'kickbot-test-dashboard';
/** A second deployment on the same Redis. */
const OTHER_KEY_PREFIX = 'kickbot-test-dashboard-other';

/** The real KickBotClient in a child process (botClient.child.ts), driven line by line. */
class ChildBot {
	private readonly output: ProcessOutput;
	private readonly child: ChildProcess;

	public constructor(directory: string, secret: string | undefined, keyPrefix = KEY_PREFIX) {
		this.child = spawn(process.execPath, ['--enable-source-maps', CHILD, directory], {
			cwd: projectRoot,
			env: { PATH: process.env.PATH ?? '', REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, ...(secret === undefined ? {} : { DASHBOARD_SECRET: secret }) },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		this.output = new ProcessOutput(this.child);
	}

	public get lines(): readonly string[] {
		return this.output.lines;
	}

	public get pid(): number {
		return this.child.pid!;
	}

	public mark(): number {
		return this.output.mark();
	}

	public send(command: string): void {
		this.child.stdin!.write(`${command}\n`);
	}

	public waitForLine(pattern: RegExp | string, from = 0, timeoutMs = 15_000): Promise<string> {
		return this.output.waitForLine(pattern, { from, timeoutMs });
	}

	public async result(): Promise<BotClientResult> {
		const line = await this.waitForLine(/^RESULT /);
		return JSON.parse(line.slice('RESULT '.length)) as BotClientResult;
	}

	/** Sends `command` and returns the first line matching `answer` printed after it. */
	public async ask(command: string, answer: RegExp | string): Promise<string> {
		const from = this.mark();
		this.send(command);
		return this.waitForLine(answer, from);
	}

	public async loads(guildId: string): Promise<number> {
		const line = await this.ask(`read ${guildId}`, new RegExp(`^LOADS ${guildId} \\d+$`));
		return Number(line.split(' ')[2]);
	}

	public get hasExited(): boolean {
		return this.child.exitCode !== null || this.child.signalCode !== null;
	}

	public kill(): void {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
	}
}

describe('Dashboard messages in the bot (the real KickBotClient in a child process)', function () {
	this.timeout(60_000);
	this.slow(10_000);

	let redis: Redis;
	before(() => {
		redis = new Redis(redisOptionsFromUrl(REDIS_URL));
	});
	after(async () => {
		// The children's task queues leave a few BullMQ keys.
		for (const prefix of [KEY_PREFIX, OTHER_KEY_PREFIX]) {
			const keys = await redis.keys(`bull:${prefix}-scheduled-tasks:*`);
			if (keys.length > 0) await redis.del(...keys);
		}
		redis.disconnect();
	});

	const connectionsOf = async (pid: number): Promise<string[]> => {
		const list = (await redis.client('LIST')) as string;
		return [...list.matchAll(/ name=(kickbot-dashboard-[a-z]+-(\d+)\S*) /g)].filter((match) => Number(match[2]) === pid).map((match) => match[1]!);
	};
	const publish = (message: MessageToSign) => publishDashboardMessage({ secret: TEST_SECRET, redisUrl: REDIS_URL, keyPrefix: KEY_PREFIX, ...message });

	describe('with DASHBOARD_SECRET', () => {
		let bot: ChildBot;
		let result: BotClientResult;
		let logger: CapturingLogger;
		let recorder: OutcomeRecorder;
		let observer: DashboardSubscriber;
		const reloads: DashboardMessage<unknown>[] = [];

		before(async () => {
			// Another bot process, as far as the child can tell: it sees what the child publishes.
			logger = new CapturingLogger();
			recorder = new OutcomeRecorder();
			observer = new DashboardSubscriber({
				redisUrl: REDIS_URL,
				secret: TEST_SECRET,
				keyPrefix: KEY_PREFIX,
				areas: TEST_AREAS,
				maxAgeSeconds: 60,
				logger,
				handlers: (area, action) =>
					area === 'bot_settings' && action === 'reload' ? [{ name: 'observe', run: (message) => void reloads.push(message) }] : [],
				onOutcome: recorder.record
			});
			await observer.start();
			bot = new ChildBot(fixture('plugins-dashboard'), TEST_SECRET);
			result = await bot.result();
			await bot.waitForLine(/^LISTENING$/);
		});

		after(async () => {
			bot.kill();
			await observer.close();
		});

		it('loads the core’s bot_settings actions from src/dashboard-actions and a plugin’s from its dashboard-actions folder', () => {
			if (result.outcome !== 'loaded') throw new Error(`${result.name}: ${result.message}`);
			expect(result.actions).to.deep.equal([
				{ name: 'botSettingsReload', area: 'bot_settings', action: 'reload', file: 'src/dashboard-actions/botSettingsReload.ts' },
				{ name: 'botSettingsSync', area: 'bot_settings', action: 'sync', file: 'src/dashboard-actions/botSettingsSync.ts' },
				{ name: 'botSettingsUpdate', area: 'bot_settings', action: 'update', file: 'src/dashboard-actions/botSettingsUpdate.ts' },
				{ name: 'echoGtbOpen', area: 'gtb', action: 'open', file: 'test/dashboard/fixtures/plugins-dashboard/echo/dashboard-actions/echoGtbOpen.ts' }
			]);
		});

		it('says at start, in one line, that dashboard messages are on, then that it listens on its deployment’s channels', () => {
			expect(bot.lines.filter((line) => line.includes(`Dashboard messages: on (${KEY_PREFIX}:dashboard:* at redis://`))).to.have.length(1);
			expect(bot.lines.filter((line) => line.includes(`Dashboard messages: listening on ${KEY_PREFIX}:dashboard:*`))).to.have.length(1);
		});

		for (const action of ['update', 'sync', 'reload'] as const) {
			it(`bot_settings ${action} for server A drops A’s cached settings and no other server’s`, async () => {
				const [guildA, guildB] = [uniqueGuildId(), uniqueGuildId()];
				expect([await bot.loads(guildA), await bot.loads(guildB)], 'first reads load').to.deep.equal([1, 1]);
				expect([await bot.loads(guildA), await bot.loads(guildB)], 'then the cache answers').to.deep.equal([1, 1]);

				const from = bot.mark();
				await publish({ area: 'bot_settings', action, guildId: guildA, data: action === 'update' ? { key: 'prefix' } : {} });
				await bot.waitForLine(`Dashboard message bot_settings/${action} for server ${guildA}: handled by botSettings`, from);

				expect(await bot.loads(guildA), 'A is read from the database again').to.equal(2);
				expect(await bot.loads(guildB), 'B is still cached').to.equal(1);
			});
		}

		it('update naming keys no plugin declares: logged, and the cache is dropped all the same', async () => {
			const guildA = uniqueGuildId();
			await bot.loads(guildA);
			const from = bot.mark();
			await publish({ area: 'bot_settings', action: 'update', guildId: guildA, data: { keys: ['prefix', 'no_such_key'] } });

			await bot.waitForLine(`Dashboard bot_settings/update for server ${guildA} names setting key(s) no plugin declares: no_such_key;`, from);
			await bot.waitForLine(`Dashboard message bot_settings/update for server ${guildA}: handled by botSettingsUpdate.`, from);
			expect(await bot.loads(guildA)).to.equal(2);
		});

		it('update with a malformed data.keys is refused (logged) and changes nothing', async () => {
			const guildA = uniqueGuildId();
			await bot.loads(guildA);
			const from = bot.mark();
			await publish({ area: 'bot_settings', action: 'update', guildId: guildA, data: { keys: 'prefix' } });

			await bot.waitForLine(`Dashboard message bot_settings/update for server ${guildA} refused by botSettingsUpdate: data.keys:`, from);
			expect(await bot.loads(guildA)).to.equal(1);
		});

		it('a plugin’s dashboard action runs with the message’s server id', async () => {
			const guildA = uniqueGuildId();
			const from = bot.mark();
			await publish({ area: 'gtb', action: 'open', guildId: guildA, data: { round: 7 } });

			await bot.waitForLine(`ECHO gtb/open ${guildA} {"round":7}`, from);
		});

		it('a forged message is refused and logged, and changes nothing', async () => {
			const guildA = uniqueGuildId();
			await bot.loads(guildA);
			const from = bot.mark();
			await publishDashboardMessage({
				secret: `${TEST_SECRET}-forged`,
				redisUrl: REDIS_URL,
				keyPrefix: KEY_PREFIX,
				area: 'bot_settings',
				action: 'reload',
				guildId: guildA
			});

			await bot.waitForLine(
				new RegExp(`Dashboard message refused on "${KEY_PREFIX}:dashboard:bot_settings" \\(server ${guildA}, action "reload"\\): bad_signature`),
				from
			);
			expect(await bot.loads(guildA)).to.equal(1);
		});

		it('a settings change made in this process publishes a signed bot_settings reload for that server, which other processes accept', async () => {
			const guildA = uniqueGuildId();
			await bot.ask(`set ${guildA} prefix ?`, `SET ${guildA}`);

			await waitUntil(() => reloads.some((message) => String(message.guildId) === guildA));
			expect(reloads.filter((message) => String(message.guildId) === guildA)).to.have.length(1);
			expect(logger.find('warn', guildA), 'the observer refused nothing of it').to.deep.equal([]);
		});

		it('three settings changes of one server within a second publish three reloads, and other processes accept all three (none is a replay)', async () => {
			const guildA = uniqueGuildId();
			for (const prefix of ['?', '$', '%']) await bot.ask(`set ${guildA} prefix ${prefix}`, `SET ${guildA}`);

			await waitUntil(() => recorder.forServer(guildA).length === 3);
			expect(recorder.forServer(guildA).map((outcome) => (outcome.status === 'refused' ? outcome.reason : outcome.status))).to.deep.equal([
				'handled',
				'handled',
				'handled'
			]);
			expect(logger.find('warn', guildA), 'the observer refused nothing of it').to.deep.equal([]);
		});

		it('a message nested 5,000 levels deep (no secret needed) is refused as too_deep; the process stays up and handles the next message', async () => {
			const guildA = uniqueGuildId();
			await bot.loads(guildA);
			const from = bot.mark();
			await redis.publish(`${KEY_PREFIX}:dashboard:bot_settings`, handSignedMessage(guildA, deeplyNestedData(5000)));
			await publish({ area: 'bot_settings', action: 'reload', guildId: guildA });

			await bot.waitForLine(`Dashboard message bot_settings/reload for server ${guildA}: handled by botSettingsReload.`, from);
			expect(bot.hasExited).to.equal(false);
			const refused = bot.lines
				.slice(from)
				.filter((line) => line.includes(`Dashboard message refused on "${KEY_PREFIX}:dashboard:bot_settings": too_deep: nested more than 32 levels`));
			expect(
				refused.filter((line) => line.includes(guildA)),
				'its excerpt names the server'
			).to.have.length(1);
			expect(await bot.loads(guildA), 'the reload after it dropped the cache').to.equal(2);
		});

		it('destroy() closes both of its dashboard connections', async () => {
			const open = await connectionsOf(bot.pid);
			expect(
				open.some((name) => name.startsWith('kickbot-dashboard-subscriber-')),
				JSON.stringify(open)
			).to.equal(true);
			expect(
				open.some((name) => name.startsWith('kickbot-dashboard-publisher-')),
				JSON.stringify(open)
			).to.equal(true);

			await bot.ask('exit', /^(CLOSED|DESTROY FAILED .*)$/);
			expect(bot.lines.filter((line) => line.startsWith('DESTROY FAILED'))).to.deep.equal([]);
			await waitUntil(async () => (await connectionsOf(bot.pid)).length === 0);
		});
	});

	describe('two deployments on one Redis (each its own REDIS_KEY_PREFIX, the same DASHBOARD_SECRET)', () => {
		let bot: ChildBot;
		let other: ChildBot;

		before(async () => {
			bot = new ChildBot(fixture('plugins-dashboard'), TEST_SECRET);
			other = new ChildBot(fixture('plugins-dashboard'), TEST_SECRET, OTHER_KEY_PREFIX);
			await Promise.all([bot.waitForLine(/^LISTENING$/), other.waitForLine(/^LISTENING$/)]);
		});

		after(() => {
			bot.kill();
			other.kill();
		});

		it('each listens on its own channels', () => {
			expect(bot.lines.filter((line) => line.includes(`Dashboard messages: listening on ${KEY_PREFIX}:dashboard:* at redis://`))).to.have.length(1);
			expect(other.lines.filter((line) => line.includes(`Dashboard messages: listening on ${OTHER_KEY_PREFIX}:dashboard:* at redis://`))).to.have.length(
				1
			);
		});

		it('a message for one deployment is acted on by its bot only; replayed on the other’s channel it is refused as bad_signature', async () => {
			const guildA = uniqueGuildId();
			expect([await bot.loads(guildA), await other.loads(guildA)]).to.deep.equal([1, 1]);
			const [from, fromOther] = [bot.mark(), other.mark()];

			const sent = await publish({ area: 'bot_settings', action: 'reload', guildId: guildA });
			expect(sent.channel).to.equal(`${KEY_PREFIX}:dashboard:bot_settings`);
			await bot.waitForLine(`Dashboard message bot_settings/reload for server ${guildA}: handled by botSettingsReload.`, from);
			expect(await bot.loads(guildA), 'the deployment it was for dropped its cache').to.equal(2);

			// The same signed text on the other deployment's channel: the signature covers the channel.
			await redis.publish(`${OTHER_KEY_PREFIX}:dashboard:bot_settings`, JSON.stringify(sent.payload));
			await other.waitForLine(
				new RegExp(`Dashboard message refused on "${OTHER_KEY_PREFIX}:dashboard:bot_settings" \\(server ${guildA}, action "reload"\\): bad_signature`),
				fromOther
			);
			expect(
				other.lines.slice(fromOther).filter((line) => line.includes('handled by')),
				'the other deployment acted on nothing'
			).to.deep.equal([]);
			expect(await other.loads(guildA), 'its cache is untouched').to.equal(1);
		});
	});

	describe('without DASHBOARD_SECRET', () => {
		it('says so in one line at start, opens no dashboard connection, and a settings change publishes nothing', async () => {
			const bot = new ChildBot(fixture('plugins-dashboard'), undefined);
			try {
				const result = await bot.result();
				expect(result.outcome).to.equal('loaded');
				await bot.waitForLine(/^LISTENING$/);
				const off = bot.lines.filter((line) => line.includes('Dashboard messages:'));
				expect(off).to.have.length(1);
				expect(off[0]).to.match(
					/Dashboard messages: off \(DASHBOARD_SECRET is not set\); settings changed on the dashboard apply when the cache expires\.$/
				);

				const guildA = uniqueGuildId();
				await bot.ask(`set ${guildA} prefix ?`, `SET ${guildA}`);
				expect(await connectionsOf(bot.pid)).to.deep.equal([]);
			} finally {
				bot.kill();
			}
		});
	});

	it('two plugins’ dashboard actions with the same name stop the start, naming both files', async () => {
		const bot = new ChildBot(fixture('plugins-dashboard-duplicate'), TEST_SECRET);
		try {
			const result = await bot.result();
			if (result.outcome !== 'failed') throw new Error(`expected a failure, loaded ${JSON.stringify(result.actions)}`);
			expect(result.name).to.equal('DuplicatePieceError');
			expect(result.message).to.equal(
				'Two pieces of the dashboard-actions store are named "rollCall": ' +
					'test/dashboard/fixtures/plugins-dashboard-duplicate/one/dashboard-actions/rollCall.ts and test/dashboard/fixtures/plugins-dashboard-duplicate/two/dashboard-actions/rollCall.ts. ' +
					'Rename one of them (a piece is named after its file unless its options say otherwise).'
			);
		} finally {
			bot.kill();
		}
	});
});
