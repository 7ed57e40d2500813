import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

export interface Exit {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
}

/** What a child process prints on stdout and stderr, line by line without colours, for tests to wait on. */
export class ProcessOutput {
	public readonly lines: string[] = [];
	public readonly exited: Promise<Exit>;
	private readonly events = new EventEmitter();
	private hasExited = false;

	public constructor(child: ChildProcess, echo?: (line: string) => void) {
		for (const stream of [child.stdout!, child.stderr!]) {
			let partial = '';
			stream.setEncoding('utf8').on('data', (chunk: string) => {
				const parts = (partial + chunk).split('\n');
				partial = parts.pop()!;
				for (const line of parts) this.push(line, echo);
			});
			stream.on('end', () => partial && this.push(partial, echo));
		}
		this.exited = new Promise((resolve) =>
			child.once('exit', (code, signal) => {
				this.hasExited = true;
				this.events.emit('line');
				resolve({ code, signal });
			})
		);
	}

	/** Where the output stands now; pass it as `from` to wait only for lines printed after. */
	public mark(): number {
		return this.lines.length;
	}

	public text(from = 0): string {
		return this.lines.slice(from).join('\n');
	}

	/** Resolves with the first line (from `from` on) that matches; fails with the output when the process exits or time runs out. */
	public waitForLine(pattern: RegExp | string, options: { readonly from?: number; readonly timeoutMs?: number } = {}): Promise<string> {
		const { from = 0, timeoutMs = 30_000 } = options;
		const matches = (line: string) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
		return new Promise((resolve, reject) => {
			const check = () => {
				const line = this.lines.slice(from).find(matches);
				if (line !== undefined) return finish(() => resolve(line));
				if (this.hasExited)
					return finish(() => reject(new Error(`The process exited before printing ${String(pattern)}. Its output:\n${this.text(from)}`)));
			};
			const timer = setTimeout(
				() => finish(() => reject(new Error(`The process did not print ${String(pattern)} within ${timeoutMs} ms. Its output:\n${this.text(from)}`))),
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

	private push(line: string, echo: ((line: string) => void) | undefined): void {
		const plain = line.replace(ANSI_ESCAPE, '');
		this.lines.push(plain);
		echo?.(plain);
		this.events.emit('line');
	}
}
