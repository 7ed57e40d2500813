import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '#lib/paths';
import { ProcessOutput, type Exit } from '#test/helpers/ProcessOutput';

const ENTRY_POINT = join(projectRoot, 'dist', 'src', 'index.js');
const FIXTURE_ENTRY_POINT = join(projectRoot, 'dist', 'test', 'e2e', 'botWithPlugins.js');

/**
 * The bot as `npm start` runs it (the same entry point, configured only through environment
 * variables), in a child process: only one discord.js client works per process, and this
 * also makes restarts real. Its output is kept line by line for tests to wait on.
 */
export class BotProcess {
	private readonly output: ProcessOutput;
	private readonly child: ChildProcess;

	private constructor(environment: Readonly<Record<string, string>>, pluginsDirectory: string | undefined) {
		// A folder of its own, so no developer's .env is read.
		const cwd = mkdtempSync(join(tmpdir(), 'kickbot-e2e-'));
		const entry = pluginsDirectory === undefined ? [ENTRY_POINT] : [FIXTURE_ENTRY_POINT, pluginsDirectory];
		this.child = spawn(process.execPath, ['--enable-source-maps', ...entry], {
			cwd,
			env: { PATH: process.env.PATH ?? '', DATA_DIR: join(cwd, 'data'), ...environment },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.output = new ProcessOutput(this.child, process.env.E2E_BOT_OUTPUT ? (line) => console.log(`    [bot] ${line}`) : undefined);
	}

	/** `pluginsDirectory` swaps the bot's plugins for a test folder of them; the rest is `npm start`. */
	public static start(environment: Readonly<Record<string, string>>, pluginsDirectory?: string): BotProcess {
		return new BotProcess(environment, pluginsDirectory);
	}

	public get exited(): Promise<Exit> {
		return this.output.exited;
	}

	/** Where the output stands now; pass it as `from` to wait only for lines printed after. */
	public mark(): number {
		return this.output.mark();
	}

	public waitForLine(pattern: RegExp, options: { readonly from?: number; readonly timeoutMs?: number } = {}): Promise<string> {
		return this.output.waitForLine(pattern, options);
	}

	/** Stops the bot as an operator would (SIGTERM) and resolves with how it exited. */
	public async stop(): Promise<Exit> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
		return this.output.exited;
	}

	/** Kills the bot outright (SIGKILL), as a crash or the OOM killer would, and resolves once it is gone. */
	public async kill(): Promise<Exit> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
		return this.output.exited;
	}

	public text(from = 0): string {
		return this.output.text(from);
	}
}
