import { container } from '@sapphire/framework';
import { randomBytes } from 'node:crypto';
import { ScheduledTaskHandler, type ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { expect } from 'chai';
import { TEST_REDIS_URL } from '#test/helpers/sharedState';
import type { GuildContext } from '#lib/guild/GuildContext';
import { GuildTask } from '#lib/tasks/GuildTask';

// GuildTask without the bot: the container holds just what a run reads (the servers, their settings, the configuration).

const SERVERS = [1n, 2n, 3n, 4n, 5n, 6n, 7n];

/** Records the servers it ran for, the data each got, and how many ran at once; each run waits a few event-loop turns. */
class RecordingTask extends GuildTask<string> {
	public readonly ran: [bigint, string | undefined][] = [];
	public running = 0;
	public mostAtOnce = 0;

	protected override async runFor(context: GuildContext, data: string | undefined): Promise<void> {
		this.running++;
		this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
		for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
		if (context.guildId === 4n) {
			this.running--;
			throw new Error('server 4 fails');
		}
		this.ran.push([context.guildId, data]);
		this.running--;
	}
}

/** Makes each repeating run's data itself, and counts the times it prepared to work. */
class PreparingTask extends RecordingTask {
	public prepared = 0;

	protected override dataOfRun(): string {
		return `run ${this.prepared}`;
	}

	protected override async beforeWork(): Promise<void> {
		this.prepared++;
	}
}

function taskNamed<Task extends RecordingTask = RecordingTask>(name: string, options: GuildTask.Options, Kind: typeof RecordingTask = RecordingTask): Task {
	const context = {
		name,
		path: `/plugins/demo/scheduled-tasks/${name}.js`,
		root: '/plugins/demo/scheduled-tasks',
		store: undefined
	} as unknown as ScheduledTask.LoaderContext;
	return new Kind(context, options) as Task;
}

describe('GuildTask (serversAtOnce, the data of a repeating run, SCHEDULED_TASK_INTERVALS)', () => {
	const saved = new Map<string, unknown>();
	const errors: unknown[][] = [];
	const infos: unknown[][] = [];

	before(() => {
		const stubs: Record<string, unknown> = {
			// The servers of shard { id, count } here: id % count (the database's rule is tested with the repositories).
			db: {
				system: {
					joinedGuildIds: async (shard?: { id: number; count: number }) =>
						SERVERS.filter((guildId) => shard === undefined || Number(guildId) % shard.count === shard.id)
				}
			},
			client: { guilds: { cache: new Map() } },
			settings: { forGuild: async (guildId: bigint) => ({ guildId, get: (key: string) => (key === 'plugins_off' ? [] : null) }) },
			config: { taskIntervals: new Map([['shortened', 1500]]) },
			logger: { error: (...values: unknown[]) => errors.push(values), info: (...values: unknown[]) => infos.push(values) },
			shardWork: undefined
		};
		for (const [key, value] of Object.entries(stubs)) {
			saved.set(key, (container as unknown as Record<string, unknown>)[key]);
			(container as unknown as Record<string, unknown>)[key] = value;
		}
	});
	after(() => {
		for (const [key, value] of saved) (container as unknown as Record<string, unknown>)[key] = value;
	});
	beforeEach(() => {
		errors.length = 0;
		infos.length = 0;
	});

	it('runs one server after another by default, every server, a failing one logged and not stopping the others', async () => {
		const task = taskNamed('sequential', { interval: 60_000 });
		await task.run(undefined);
		expect(task.mostAtOnce).to.equal(1);
		expect(task.ran.map(([guildId]) => guildId)).to.deep.equal([1n, 2n, 3n, 5n, 6n, 7n]);
		expect(errors).to.have.length(1);
		expect(String(errors[0]![0])).to.match(/sequential failed for server 4/);
	});

	it('runs serversAtOnce servers at a time, and hands a repeating run’s data to every server', async () => {
		const task = taskNamed('concurrent', { interval: 60_000, serversAtOnce: 3 });
		await task.run({ data: 'minute 20:00' });
		expect(task.mostAtOnce).to.equal(3);
		expect(task.ran.map(([guildId]) => guildId).sort()).to.deep.equal([1n, 2n, 3n, 5n, 6n, 7n]);
		expect(new Set(task.ran.map(([, data]) => data))).to.deep.equal(new Set(['minute 20:00']));
	});

	it('runs one server with its data when the payload names it', async () => {
		const task = taskNamed('single', { interval: 60_000, serversAtOnce: 3 });
		await task.run({ guildId: '5', data: 'later' });
		expect(task.ran).to.deep.equal([[5n, 'later']]);
	});

	it('makes a repeating run’s data once with dataOfRun, and prepares before every run (beforeWork)', async () => {
		const task = taskNamed<PreparingTask>('preparing', { interval: 60_000 }, PreparingTask);
		await task.run(undefined);
		expect(new Set(task.ran.map(([, data]) => data))).to.deep.equal(new Set(['run 1']));
		await task.run({ guildId: '2', data: 'given' });
		expect(task.prepared).to.equal(2);
		expect(task.ran.at(-1)).to.deep.equal([2n, 'given']);
	});

	it('runs one shard’s part of a run for the servers of that shard, with the run’s data', async () => {
		const task = taskNamed('part', { interval: 60_000 });
		await task.run({ shard: 1, shardCount: 3, data: 'minute 20:01' });
		expect(task.ran).to.deep.equal([
			[1n, 'minute 20:01'],
			[7n, 'minute 20:01']
		]);
	});

	it('with the shards split over processes, spreads a repeating run and does here the parts nobody serves, saying so', async () => {
		const spreads: [string, unknown][] = [];
		(container as unknown as Record<string, unknown>).shardWork = {
			spread: async (name: string, data: unknown, runHere: (shard: number, count: number) => Promise<void>) => {
				spreads.push([name, data]);
				await runHere(0, 2);
				return { queued: [1], here: [0] };
			}
		};
		try {
			const task = taskNamed<PreparingTask>('spread', { interval: 60_000 }, PreparingTask);
			await task.run(undefined);
			expect(spreads).to.deep.equal([['spread', 'run 1']]);
			expect(task.ran.map(([guildId]) => guildId)).to.deep.equal([2n, 6n]);
			expect(infos.map((line) => String(line[0]))).to.deep.equal([
				'Scheduled task spread: no running process serves shard(s) 0; this process did their servers.'
			]);
		} finally {
			(container as unknown as Record<string, unknown>).shardWork = undefined;
		}
	});

	it('takes its interval from SCHEDULED_TASK_INTERVALS when that names it, and refuses a serversAtOnce below 1', () => {
		expect(taskNamed('shortened', { interval: 60_000 }).interval).to.equal(1500);
		expect(taskNamed('untouched', { interval: 60_000 }).interval).to.equal(60_000);
		expect(() => taskNamed('bad', { interval: 60_000, serversAtOnce: 0 })).to.throw(TypeError, /serversAtOnce/);
	});
});

describe('GuildTask.scheduleFor (one server later, a job id keeping one job), on a real BullMQ queue', () => {
	let handler: ScheduledTaskHandler;
	let saved: unknown;

	before(() => {
		const url = new URL(TEST_REDIS_URL);
		// A queue of its own on the shared Redis, removed at the end.
		handler = new ScheduledTaskHandler({
			queue: `test-guild-task-${randomBytes(4).toString('hex')}`,
			bull: { connection: { host: url.hostname, port: Number(url.port || 6379) } }
		});
		saved = (container as unknown as Record<string, unknown>).tasks;
		(container as unknown as Record<string, unknown>).tasks = handler;
	});
	after(async () => {
		(container as unknown as Record<string, unknown>).tasks = saved;
		await handler.client.obliterate({ force: true });
		await handler.close();
	});

	it('adds one delayed job per job id, however often it is scheduled, and refuses an id BullMQ could misread', async () => {
		const task = taskNamed('wakeLater', { interval: 60_000 });
		await Promise.all([task.scheduleFor(5n, 'end', 60_000, { jobId: '5-1000' }), task.scheduleFor(5n, 'end', 60_000, { jobId: '5-1000' })]);
		await task.scheduleFor(5n, 'end', 60_000, { jobId: '5-1000' });
		await task.scheduleFor(6n, 'end', 60_000, { jobId: '6-1000' });
		await task.scheduleFor(5n, 'again', 60_000);
		const jobs = await handler.client.getDelayed();
		expect(jobs.map((job) => [job.id?.startsWith('wakeLater-') ? job.id : 'generated', job.data]).sort()).to.deep.equal([
			['generated', { guildId: '5', data: 'again' }],
			['wakeLater-5-1000', { guildId: '5', data: 'end' }],
			['wakeLater-6-1000', { guildId: '6', data: 'end' }]
		]);
		let refused: unknown;
		await task.scheduleFor(5n, 'end', 0, { jobId: 'a:b' }).catch((error: unknown) => (refused = error));
		expect(refused).to.be.an.instanceOf(TypeError);
	});
});
