import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '#lib/paths';

const ENTRY_POINT = join(projectRoot, 'dist', 'src', 'index.js');
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

export interface Exit {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
}

/**
 * The bot as `npm start` runs it (the same entry point, configured only through environment
 * variables), in a child process: only one discord.js client works per process, and this
 * also makes restarts real. Its output is kept line by line for tests to wait on.
 */
export class BotProcess {
	public readonly lines: string[] = [];
	public readonly exited: Promise<Exit>;
	private readonly events = new EventEmitter();
	private readonly child: ChildProcess;

	private constructor(environment: Readonly<Record<string, string>>) {
		// A folder of its own, so no developer's .env is read.
		const cwd = mkdtempSync(join(tmpdir(), 'kickbot-e2e-'));
		this.child = spawn(process.execPath, ['--enable-source-maps', ENTRY_POINT], {
			cwd,
			env: { PATH: process.env.PATH ?? '', DATA_DIR: join(cwd, 'data'), ...environment },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		for (const stream of [this.child.stdout!, this.child.stderr!]) {
			let partial = '';
			stream.setEncoding('utf8').on('data', (chunk: string) => {
				const parts = (partial + chunk).split('\n');
				partial = parts.pop()!;
				for (const line of parts) this.push(line);
			});
			stream.on('end', () => partial && this.push(partial));
		}
		this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
		void this.exited.then(() => this.events.emit('line'));
	}

	public static start(environment: Readonly<Record<string, string>>): BotProcess {
		return new BotProcess(environment);
	}

	/** Where the output stands now; pass it as `from` to wait only for lines printed after. */
	public mark(): number {
		return this.lines.length;
	}

	/** Resolves with the first line (from `from` on) that matches; fails with the output when the bot exits or time runs out. */
	public waitForLine(pattern: RegExp, options: { readonly from?: number; readonly timeoutMs?: number } = {}): Promise<string> {
		const { from = 0, timeoutMs = 30_000 } = options;
		let exited = false;
		void this.exited.then(() => (exited = true));
		return new Promise((resolve, reject) => {
			const check = () => {
				const line = this.lines.slice(from).find((candidate) => pattern.test(candidate));
				if (line !== undefined) return finish(() => resolve(line));
				if (exited) return finish(() => reject(new Error(`The bot exited before printing ${pattern}. Its output:\n${this.output(from)}`)));
			};
			const timer = setTimeout(
				() => finish(() => reject(new Error(`The bot did not print ${pattern} within ${timeoutMs} ms. Its output:\n${this.output(from)}`))),
				timeoutMs
			);
			const finish = (settle: () => void) => {
				clearTimeout(timer);
				this.events.off('line', check);
				settle();
			};
			this.events.on('line', check);
			check();
		});
	}

	/** Stops the bot as an operator would (SIGTERM) and resolves with how it exited. */
	public async stop(): Promise<Exit> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
		return this.exited;
	}

	public output(from = 0): string {
		return this.lines.slice(from).join('\n');
	}

	private push(line: string): void {
		this.lines.push(line.replace(ANSI_ESCAPE, ''));
		if (process.env.E2E_BOT_OUTPUT) console.log(`    [bot] ${line}`);
		this.events.emit('line');
	}
}
