import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { openEmbedded } from '#lib/database/connection';
import { readMigrationFiles } from '#lib/database/migrations/MigrationFiles';
import { compiledRoot, migrationsDirectory } from '#lib/paths';
import { StartupError } from '#lib/startup/StartupError';
import { ProcessOutput } from '#test/helpers/ProcessOutput';

const HOLDER = fileURLToPath(new URL('./holdEmbedded.child.js', import.meta.url));
const DATABASE_TOOL = join(compiledRoot, 'scripts', 'database.js');
const BOT = join(compiledRoot, 'src', 'index.js');

interface Run {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs a program of the bot as an operator would, in `cwd`, with exactly this environment (plus PATH). */
function run(entry: string, args: readonly string[], cwd: string, environment: Record<string, string>): Promise<Run> {
	return new Promise((resolve) => {
		execFile(process.execPath, [entry, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...environment }, timeout: 60_000 }, (error, stdout, stderr) =>
			resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr })
		);
	});
}

/** Another process holding the embedded database under `dataDir` (holdEmbedded.child.ts). */
class Holder {
	public readonly child: ChildProcess;
	public readonly output: ProcessOutput;

	public constructor(dataDir: string) {
		this.child = spawn(process.execPath, [HOLDER, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
		this.output = new ProcessOutput(this.child);
	}

	public get pid(): number {
		return this.child.pid!;
	}

	public opened(): Promise<string> {
		return this.output.waitForLine(/^OPEN$/, { timeoutMs: 30_000 });
	}

	/** Closes the database as the process would at its end. */
	public async close(): Promise<void> {
		this.child.stdin!.end();
		await this.output.waitForLine(/^CLOSED$/);
		await this.output.exited;
	}

	/** Kills it outright: no chance to release anything. */
	public async kill(): Promise<void> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
		await this.output.exited;
	}
}

describe('The embedded database is opened by one process at a time', function () {
	this.timeout(120_000);
	this.slow(10_000);

	let cwd: string;
	let dataDir: string;
	let lockFile: string;
	let holder: Holder | undefined;

	beforeEach(() => {
		cwd = mkdtempSync(join(tmpdir(), 'kickbot-lock-'));
		dataDir = join(cwd, 'data');
		lockFile = join(dataDir, 'pglite.lock');
	});

	afterEach(async () => {
		await holder?.kill();
		holder = undefined;
		rmSync(cwd, { recursive: true, force: true });
	});

	it('npm run db:status refuses while the bot (another process) has it open, saying which process and what to do; nothing is changed', async () => {
		holder = new Holder(dataDir);
		await holder.opened();

		const status = await run(DATABASE_TOOL, ['status'], cwd, { DATA_DIR: dataDir });

		expect(status.code, status.stdout + status.stderr).to.equal(1);
		const lines = status.stderr.trim().split('\n');
		expect(lines[0]).to.equal(`The embedded database in ${join(dataDir, 'pglite')} is in use by process ${holder.pid} (${HOLDER} ${dataDir}).`);
		expect(lines[1]).to.equal(
			'One process at a time can open it: stop that process first (the bot, or an npm run db:* command), or set DATABASE_URL to a PostgreSQL server, which several processes can share. ' +
				`If process ${holder.pid} is not one of these, the lock is left over from a crash: delete ${lockFile}.`
		);
		expect(status.stderr, 'no stack trace').to.not.include('    at ');
		expect(JSON.parse(readFileSync(lockFile, 'utf8')), 'the holder keeps its lock').to.include({ pid: holder.pid });
	});

	it('the bot refuses to start while npm run db:* (another process) has it open', async () => {
		holder = new Holder(dataDir);
		await holder.opened();

		const bot = await run(BOT, [], cwd, { DISCORD_TOKEN: 'never-used', DATA_DIR: dataDir });

		expect(bot.code, bot.stdout + bot.stderr).to.equal(1);
		expect(bot.stderr).to.include(`The embedded database in ${join(dataDir, 'pglite')} is in use by process ${holder.pid} (`);
		expect(bot.stdout, 'it stops before logging in').to.not.include('Database: embedded');
	});

	it('opens it once the other process has closed it, and removes its lock when it closes', async () => {
		holder = new Holder(dataDir);
		await holder.opened();
		await holder.close();
		expect(existsSync(lockFile), 'released at close').to.equal(false);

		const status = await run(DATABASE_TOOL, ['status'], cwd, { DATA_DIR: dataDir });
		expect(status.code, status.stdout + status.stderr).to.equal(0);
		expect(existsSync(lockFile), 'released when the tool ends').to.equal(false);
	});

	it('takes over the lock of a process that is gone (killed, crashed), and opens the database', async () => {
		holder = new Holder(dataDir);
		await holder.opened();
		await holder.kill();
		expect(JSON.parse(readFileSync(lockFile, 'utf8')), 'a kill leaves the lock behind').to.include({ pid: holder.pid });

		const status = await run(DATABASE_TOOL, ['status'], cwd, { DATA_DIR: dataDir });
		expect(status.code, status.stdout + status.stderr).to.equal(0);
		expect(status.stdout).to.include(`0 applied, ${readMigrationFiles(migrationsDirectory).length} pending.`);
	});

	it('takes over a lock file that is not readable as one (cut short by a crash)', async () => {
		await openEmbedded(dataDir).then((connection) => connection.close());
		writeFileSync(lockFile, '{"pid":');

		const connection = await openEmbedded(dataDir);
		expect(JSON.parse(readFileSync(lockFile, 'utf8'))).to.include({ pid: process.pid });
		await connection.close();
	});

	it('refuses a second open in the same process, and allows one after the first is closed', async () => {
		const first = await openEmbedded(dataDir);
		try {
			const second = await openEmbedded(dataDir).then(
				() => null,
				(error: unknown) => error
			);
			expect(second).to.be.an.instanceOf(StartupError);
			expect((second as StartupError).lines[0]).to.match(
				new RegExp(`^The embedded database in .* is in use by process ${process.pid} \\(this process\\)\\.$`)
			);
		} finally {
			await first.close();
		}
		const again = await openEmbedded(dataDir);
		await again.close();
	});
});
