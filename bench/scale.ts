import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { connectPostgres } from '#lib/database/connection';
import { projectRoot } from '#lib/paths';
import { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { GuildSeed } from '#test/discord-standin/seed';
import { ProcessOutput } from '#test/helpers/ProcessOutput';
import type { MemoryFigures, ProbeAnswer, ProbeRequest } from './botMemoryProbe.js';
import { createBenchDatabase, migrate } from './database.js';

/**
 * `scale`: the bot as `npm start` runs it (dist/src/index.js with the start script's Node flags),
 * each run in a fresh child process, against the Discord stand-in:
 * - idle with 2 servers: its memory once its commands are registered, and settled;
 * - 10,000 servers: the time from spawning the process to ready (every server recorded), on a
 *   first start (no server rows yet) and on a restart (every row there);
 * - 10,000 servers after a warm-up of commands in 1,000 of them (slash and prefix commands by a
 *   viewer and a moderator): its memory right after, and settled.
 * Memory is the child's own, read by a probe loaded with `--import` (and `--expose-gc`) that
 * answers over IPC: as it is, and after two full garbage collections. "Settled" is read after
 * SETTLE_MS without work from the bench (V8 shrinks its young generation once allocation slows,
 * as in a quiet bot). Kick is configured (webhooks, no server linked) and dashboard messages are
 * on, as in a deployment.
 */

const ENTRY_POINT = join(projectRoot, 'dist', 'src', 'index.js');
const PROBE = pathToFileURL(join(projectRoot, 'dist', 'bench', 'botMemoryProbe.js')).href;
/** Node's flags in `npm start` (package.json's start script) unless BENCH_SCALE_NODE_FLAGS replaces them, then the probe's. */
const NODE_FLAGS = [...(process.env.BENCH_SCALE_NODE_FLAGS?.split(' ').filter((flag) => flag !== '') ?? startFlags()), '--expose-gc', '--import', PROBE];
/** How long the bot is left without work before its memory is read "settled". */
export const SETTLE_MS = 15_000;

function startFlags(): string[] {
	const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
	const flags = /\bnode ((?:--\S+ )*)dist\/src\/index\.js/.exec(scripts.start ?? '')?.[1];
	if (flags === undefined) throw new Error(`scale: cannot read Node's flags from npm start (${scripts.start})`);
	return flags.split(' ').filter((flag) => flag !== '');
}
const READY_TIMEOUT_MS = 180_000;
/** Commands of the warm-up in flight at once (members of different servers, as traffic would be). */
const WARM_UP_IN_FLIGHT = 8;

export interface ScaleOptions {
	readonly redisUrl: string;
	/** Servers of the large runs (10,000), and how many of them the warm-up uses (1,000). */
	readonly servers: number;
	readonly warmServers: number;
	/** A heap snapshot of the bot after the warm-up is summarized by constructor when set. */
	readonly heapSnapshot: boolean;
}

/** Milliseconds from spawning the bot's process to each step of its start. */
export interface StartTimes {
	/** "Plugins: …": the modules imported, the configuration read, Redis reached. */
	readonly modulesMs: number;
	/** "HTTP: listening …", logged when discord.js is ready (every GUILD_CREATE in). */
	readonly clientReadyMs: number;
	/** "Ready as …": every server recorded in the database. */
	readonly readyMs: number;
}

export interface ScaleMemory {
	readonly asIs: MemoryFigures;
	readonly afterGc: MemoryFigures;
}

export interface HeapShare {
	readonly name: string;
	readonly count: number;
	readonly selfBytes: number;
}

export interface ScaleReport {
	readonly servers: number;
	readonly warmServers: number;
	/** Node's flags the bot ran with (npm start's, or BENCH_SCALE_NODE_FLAGS), without the probe's. */
	readonly nodeFlags: readonly string[];
	/** With 2 servers: right after its commands are registered, and settled. */
	readonly idle: { readonly start: StartTimes; readonly ready: ScaleMemory; readonly settled: ScaleMemory };
	readonly firstStart: StartTimes;
	readonly restart: StartTimes;
	readonly warmUp: { readonly commands: number; readonly seconds: number };
	/** Right after the warm-up, settled, and after the bot's member sweep (which it runs every 10 minutes) was run at once. */
	readonly warm: ScaleMemory;
	readonly warmSettled: ScaleMemory;
	readonly afterMemberSweep: { readonly membersSwept: number; readonly memory: ScaleMemory };
	readonly heap: readonly HeapShare[] | undefined;
}

/** A server of the stand-in: an owner, a moderator (Manage Server) and a viewer, #general, a Moderator role. */
function server(n: number): GuildSeed {
	return {
		name: `Scale ${n}`,
		owner: `s${n}-owner`,
		roles: [{ name: 'Moderator', permissions: ['ManageGuild'] }],
		channels: [{ name: 'general' }],
		members: [{ username: `s${n}-owner` }, { username: `s${n}-moderator`, roles: ['Moderator'] }, { username: `s${n}-viewer` }]
	};
}

/** The bot's process with its output and the probe's channel. */
class BotUnderBench {
	public readonly output: ProcessOutput;
	private readonly child: ChildProcess;
	private readonly folder: string;
	public readonly spawnedAt: number;

	public constructor(environment: Readonly<Record<string, string>>) {
		// A folder of its own, so no developer's .env is read.
		this.folder = mkdtempSync(join(tmpdir(), 'kickbot-scale-'));
		this.spawnedAt = performance.now();
		this.child = spawn(process.execPath, [...NODE_FLAGS, ENTRY_POINT], {
			cwd: this.folder,
			env: { PATH: process.env.PATH ?? '', ...environment },
			stdio: ['ignore', 'pipe', 'pipe', 'ipc']
		});
		this.output = new ProcessOutput(this.child, process.env.BENCH_BOT_OUTPUT ? (line) => process.stderr.write(`    [bot] ${line}\n`) : undefined);
	}

	/** When (ms after the spawn) a line matching `pattern` is printed. */
	public async timeOf(pattern: RegExp): Promise<number> {
		await this.output.waitForLine(pattern, { timeoutMs: READY_TIMEOUT_MS });
		return performance.now() - this.spawnedAt;
	}

	public async started(): Promise<StartTimes> {
		const [modulesMs, clientReadyMs, readyMs] = await Promise.all([
			this.timeOf(/Plugins: /),
			this.timeOf(/HTTP: listening on/),
			this.timeOf(/Ready as .* in \d+ server\(s\)/)
		]);
		return { modulesMs, clientReadyMs, readyMs };
	}

	public ask(request: ProbeRequest): Promise<ProbeAnswer> {
		return new Promise((resolve, reject) => {
			this.child.once('message', (answer: ProbeAnswer) => resolve(answer));
			this.child.send(request, (error) => error && reject(error));
		});
	}

	public async memory(): Promise<ScaleMemory> {
		const answer = await this.ask({ kind: 'memory' });
		if (answer.kind !== 'memory') throw new Error('scale: the probe answered something else');
		return answer;
	}

	public async stop(): Promise<void> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
		const exit = await this.output.exited;
		rmSync(this.folder, { recursive: true, force: true });
		if (exit.code !== 0) throw new Error(`scale: the bot exited with ${exit.code ?? exit.signal}: ${this.output.text().slice(-2000)}`);
	}
}

/**
 * Summary of a V8 heap snapshot: self size and count per constructor (objects) or per kind
 * (strings, arrays, compiled code, …), largest first, as DevTools' Summary view groups them.
 */
export function summarizeHeapSnapshot(path: string, top = 25): HeapShare[] {
	const snapshot = JSON.parse(readFileSync(path, 'utf8')) as {
		snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
		nodes: number[];
		strings: string[];
	};
	const fields = snapshot.snapshot.meta.node_fields;
	const types = snapshot.snapshot.meta.node_types[0];
	const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
	const shares = new Map<string, { count: number; selfBytes: number }>();
	for (let at = 0; at < snapshot.nodes.length; at += fields.length) {
		const type = types[snapshot.nodes[at + typeAt]!]!;
		const name =
			type === 'object' || type === 'closure'
				? `${snapshot.strings[snapshot.nodes[at + nameAt]!]}${type === 'closure' ? ' (closure)' : ''}`
				: `(${type})`;
		const share = shares.get(name) ?? { count: 0, selfBytes: 0 };
		share.count += 1;
		share.selfBytes += snapshot.nodes[at + sizeAt]!;
		shares.set(name, share);
	}
	return [...shares]
		.map(([name, share]) => ({ name, ...share }))
		.sort((a, b) => b.selfBytes - a.selfBytes)
		.slice(0, top);
}

/** Runs `work` over `items`, `inFlight` at a time. */
async function inParallel<T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: inFlight }, async () => {
			for (let index = next++; index < items.length; index = next++) await work(items[index]!);
		})
	);
}

export const WARM_UP_DESCRIPTION = 'in each server `/settings view` by the moderator, `/points show`, `/help` and `!ping` by the viewer, 8 servers at a time';

/** The warm-up in one server (WARM_UP_DESCRIPTION). */
async function warmUp(standIn: DiscordStandIn, n: number): Promise<number> {
	const guild = `Scale ${n}`;
	const [moderator, viewer] = [`s${n}-moderator`, `s${n}-viewer`];
	const answers = [
		await standIn.runSlashCommand({ guild, member: moderator, name: 'settings', subcommand: 'view', options: {}, timeoutMs: 30_000 }),
		await standIn.runSlashCommand({ guild, member: viewer, name: 'points', subcommand: 'show', options: {}, timeoutMs: 30_000 }),
		await standIn.runSlashCommand({ guild, member: viewer, name: 'help', options: {}, timeoutMs: 30_000 })
	];
	if (answers.some((answer) => answer.content === '' && answer.embeds.length === 0)) throw new Error(`scale: an empty answer in ${guild}`);
	const pong = await standIn.sendMessage({ guild, channel: 'general', member: viewer, content: '!ping', timeoutMs: 30_000 });
	if (!pong.content.startsWith('Pinging')) throw new Error(`scale: !ping in ${guild} answered ${pong.content}`);
	return answers.length + 1;
}

async function forgetRedisKeys(redisUrl: string, prefix: string): Promise<void> {
	const redis = new Redis(redisUrl);
	try {
		const keys = [...(await redis.keys(`bull:${prefix}-*`)), ...(await redis.keys(`${prefix}:*`))];
		for (let start = 0; start < keys.length; start += 1000) await redis.del(...keys.slice(start, start + 1000));
	} finally {
		redis.disconnect();
	}
}

/** A migrated database, the stand-in with `servers` servers, and the environment of a bot on them. */
async function world(servers: number, redisUrl: string) {
	const database = await createBenchDatabase();
	const connection = connectPostgres(database.url, { poolSize: 1 });
	try {
		await migrate(connection);
	} finally {
		await connection.close();
	}
	const standIn = await DiscordStandIn.start({ seed: { guilds: Array.from({ length: servers }, (_, n) => server(n + 1)) }, timeoutMs: 30_000 });
	const redisKeyPrefix = `bench-scale-${randomBytes(3).toString('hex')}`;
	const environment = {
		NODE_ENV: 'production',
		DISCORD_TOKEN: standIn.token,
		DISCORD_API_URL: standIn.apiUrl,
		DATABASE_URL: database.url,
		REDIS_URL: redisUrl,
		REDIS_KEY_PREFIX: redisKeyPrefix,
		HTTP_HOST: '127.0.0.1',
		HTTP_PORT: '0',
		PUBLIC_URL: 'http://127.0.0.1:9',
		TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
		DASHBOARD_SECRET: randomBytes(32).toString('hex'),
		KICK_CLIENT_ID: randomBytes(8).toString('hex'),
		KICK_CLIENT_SECRET: randomBytes(16).toString('hex'),
		KICK_EVENTS_VIA: 'webhook',
		KICK_AUTH_URL: 'http://127.0.0.1:9',
		KICK_API_URL: 'http://127.0.0.1:9',
		LOG_LEVEL: 'info'
	};
	return {
		standIn,
		environment,
		async close() {
			await standIn.stop();
			await database.drop();
			await forgetRedisKeys(redisUrl, redisKeyPrefix);
		}
	};
}

export async function benchScale(options: ScaleOptions, progress: (message: string) => void): Promise<ScaleReport> {
	// (a) Idle with 2 servers.
	const small = await world(2, options.redisUrl);
	let idle: ScaleReport['idle'];
	try {
		const bot = new BotUnderBench(small.environment);
		try {
			const start = await bot.started();
			await bot.timeOf(/ApplicationCommandRegistries: Took .*ms to initialize/);
			const ready = await bot.memory();
			idle = { start, ready, settled: await settled(bot) };
		} finally {
			await bot.stop();
		}
	} finally {
		await small.close();
	}
	progress(`scale / idle with 2 servers: ready in ${Math.round(idle.start.readyMs)} ms; RSS ${mib(idle.settled.afterGc.rss)} MiB settled`);

	// (b) and (c): 10,000 servers.
	const seedStart = performance.now();
	const large = await world(options.servers, options.redisUrl);
	progress(`scale / stand-in with ${options.servers.toLocaleString('en-US')} servers up in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
	try {
		const first = new BotUnderBench(large.environment);
		let firstStart: StartTimes;
		try {
			firstStart = await first.started();
		} finally {
			await first.stop();
		}
		progress(`scale / first start at ${options.servers} servers: ready in ${Math.round(firstStart.readyMs)} ms`);

		const bot = new BotUnderBench(large.environment);
		try {
			const restart = await bot.started();
			await bot.timeOf(/ApplicationCommandRegistries: Took .*ms to initialize/);
			progress(`scale / restart at ${options.servers} servers: ready in ${Math.round(restart.readyMs)} ms; warming up ${options.warmServers} servers`);
			const warmStart = performance.now();
			let commands = 0;
			const warmed = Array.from({ length: options.warmServers }, (_, n) => 1 + Math.floor((n * options.servers) / options.warmServers));
			await inParallel(warmed, WARM_UP_IN_FLIGHT, async (n) => {
				const sent = await warmUp(large.standIn, n);
				commands += sent;
			});
			const warmUpSeconds = (performance.now() - warmStart) / 1000;
			const warm = await bot.memory();
			const warmSettled = await settled(bot);
			const swept = await bot.ask({ kind: 'sweepMembers' });
			if (swept.kind !== 'sweepMembers') throw new Error('scale: the probe answered something else');
			const afterMemberSweep = { membersSwept: swept.swept, memory: await bot.memory() };
			progress(
				`scale / ${commands} commands in ${warmUpSeconds.toFixed(1)} s; RSS ${mib(warm.asIs.rss)} MiB, ${mib(warm.afterGc.rss)} MiB after GC, ${mib(warmSettled.afterGc.rss)} MiB settled, ${mib(afterMemberSweep.memory.afterGc.rss)} MiB after the member sweep`
			);
			let heap: HeapShare[] | undefined;
			if (options.heapSnapshot) {
				const path = join(tmpdir(), `kickbot-scale-${process.pid}.heapsnapshot`);
				await bot.ask({ kind: 'snapshot', path });
				try {
					heap = summarizeHeapSnapshot(path);
				} finally {
					rmSync(path, { force: true });
				}
			}
			return {
				servers: options.servers,
				warmServers: options.warmServers,
				nodeFlags: NODE_FLAGS.slice(0, NODE_FLAGS.indexOf('--expose-gc')),
				idle,
				firstStart,
				restart,
				warmUp: { commands, seconds: warmUpSeconds },
				warm,
				warmSettled,
				afterMemberSweep,
				heap
			};
		} finally {
			await bot.stop();
		}
	} finally {
		await large.close();
	}
}

/** The bot's memory after SETTLE_MS without work from the bench: V8 gives back its young generation once allocation slows. */
async function settled(bot: BotUnderBench): Promise<ScaleMemory> {
	await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
	return bot.memory();
}

export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
