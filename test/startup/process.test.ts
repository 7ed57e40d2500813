import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { compiledRoot } from '#lib/paths';
import { createTestDatabase } from '#test/helpers/postgres';

const ENTRY_POINT = join(compiledRoot, 'src', 'index.js');
/** A port nothing listens on: connecting is refused at once. */
const CLOSED_REDIS = 'redis://127.0.0.1:1';

interface Exit {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	/** stdout and stderr together, as an operator's terminal shows them. */
	readonly lines: string[];
	readonly output: string;
}

/**
 * Runs the bot's entry point as `node dist/src/index.js` would be run by an operator: in `cwd`
 * (where it looks for `.env`), with exactly the environment given (plus PATH).
 */
function runBot(cwd: string, environment: Record<string, string>): Promise<Exit> {
	return new Promise((resolve, reject) => {
		const child = execFile(
			process.execPath,
			[ENTRY_POINT],
			{ cwd, env: { PATH: process.env.PATH ?? '', ...environment }, timeout: 30_000 },
			(error, stdout, stderr) => {
				if (error && error.killed) {
					reject(new Error(`The bot did not exit within 30 s.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
					return;
				}
				const output = `${stdout}${stderr}`;
				resolve({
					code: child.exitCode,
					signal: child.signalCode,
					output,
					lines: output.split('\n').filter((line) => line.trim().length > 0)
				});
			}
		);
	});
}

function expectCleanFailure(exit: Exit, lineCount: number): void {
	expect(exit.code, exit.output).to.equal(1);
	expect(exit.signal).to.equal(null);
	expect(exit.lines, exit.output).to.have.length(lineCount);
	expect(exit.output, 'no stack trace').to.not.include('    at ');
}

describe('Starting the bot (node dist/src/index.js) with a bad environment', function () {
	this.timeout(60_000);
	this.slow(5_000);

	let cwd: string;
	let dataDir: string;

	beforeEach(() => {
		cwd = mkdtempSync(join(tmpdir(), 'kickbot-start-'));
		dataDir = join(cwd, 'data');
	});
	afterEach(() => rmSync(cwd, { recursive: true, force: true }));

	it('without DISCORD_TOKEN: one line saying it is not set and where to get one, exit code 1', async () => {
		const exit = await runBot(cwd, { DATA_DIR: dataDir });

		expectCleanFailure(exit, 1);
		expect(exit.lines[0]).to.match(/^Configuration error: DISCORD_TOKEN is not set\. .*https:\/\/discord\.com\/developers\/applications/);
		expect(existsSync(dataDir), 'nothing created under DATA_DIR').to.equal(false);
	});

	it('with Redis unreachable: one line saying where Redis was expected and how to start it, exit code 1', async () => {
		const exit = await runBot(cwd, { DISCORD_TOKEN: 'never-used', REDIS_URL: CLOSED_REDIS, DATA_DIR: dataDir });

		expectCleanFailure(exit, 1);
		expect(exit.lines[0]).to.match(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:1\/? \(.*ECONNREFUSED.*\)\. /);
		expect(exit.lines[0]).to.include('Start it (for example `redis-server --daemonize yes`) or point REDIS_URL at a running Redis.');
		expect(existsSync(dataDir), 'the database is not opened before Redis is checked').to.equal(false);
	});

	it('with Redis unreachable: the password in REDIS_URL is not printed', async () => {
		const exit = await runBot(cwd, { DISCORD_TOKEN: 'never-used', REDIS_URL: 'redis://:s3cr3t-pass@127.0.0.1:1', DATA_DIR: dataDir });

		expectCleanFailure(exit, 1);
		expect(exit.lines[0]).to.include('Redis is not reachable at redis://:***@127.0.0.1:1');
		expect(exit.output).to.not.include('s3cr3t-pass');
	});

	it('with two configuration problems: two lines, one per variable, exit code 1', async () => {
		const exit = await runBot(cwd, { REDIS_URL: 'http://127.0.0.1:6379', DATA_DIR: dataDir });

		expectCleanFailure(exit, 2);
		expect(exit.lines[0]).to.match(/^Configuration error: DISCORD_TOKEN is not set\. /);
		expect(exit.lines[1]).to.match(/^Configuration error: REDIS_URL is invalid \(expected a redis:\/\/ or rediss:\/\/ URL\)\. /);
	});

	it('reads .env from the working directory; the environment wins over it', async () => {
		writeFileSync(join(cwd, '.env'), `# settings\nDISCORD_TOKEN=from-dotenv\nREDIS_URL=${CLOSED_REDIS}\nDATA_DIR=${dataDir}\n`);

		const fromFile = await runBot(cwd, {});
		expectCleanFailure(fromFile, 1);
		expect(fromFile.lines[0], 'DISCORD_TOKEN came from .env').to.match(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:1\/? /);

		const overridden = await runBot(cwd, { REDIS_URL: 'redis://127.0.0.1:2' });
		expectCleanFailure(overridden, 1);
		expect(overridden.lines[0]).to.match(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:2\/? /);
	});

	it('with an unknown name in DISABLED_PLUGINS (Redis up): one line naming it and the plugins there are, exit code 1', async () => {
		const exit = await runBot(cwd, {
			DISCORD_TOKEN: 'never-used',
			REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
			DISABLED_PLUGINS: 'core-info,no-such-plugin',
			DATA_DIR: dataDir
		});

		expectCleanFailure(exit, 1);
		expect(exit.lines[0]).to.match(/^DISABLED_PLUGINS names "no-such-plugin", which is not a plugin \(plugins: [a-z0-9, -]*core-info[a-z0-9, -]*\)\.$/);
		expect(existsSync(dataDir), 'the database is not opened before the plugins are checked').to.equal(false);
	});

	it('with the HTTP port in use (Redis up): a line naming the address and what to set, exit code 1, before logging in', async () => {
		const taken = createServer();
		await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
		const { port } = taken.address() as { port: number };
		// PostgreSQL: the start gets to the login quickly.
		const database = await createTestDatabase('start');
		try {
			const exit = await runBot(cwd, {
				DISCORD_TOKEN: 'never-used',
				REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
				DATABASE_URL: database.url,
				HTTP_HOST: '127.0.0.1',
				HTTP_PORT: String(port)
			});

			expect(exit.code, exit.output).to.equal(1);
			expect(exit.lines.at(-1)).to.equal(
				`The HTTP server cannot listen on 127.0.0.1:${port} (EADDRINUSE): set HTTP_PORT to a free port (0 picks one) or HTTP_HOST to another address, or stop what uses it.`
			);
			expect(exit.output, 'no stack trace').to.not.include('    at ');
		} finally {
			taken.close();
			await database.drop();
		}
	});
});
