import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DashboardLogger, DashboardOutcome } from '#lib/dashboard/DashboardSubscriber';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_SECRET = `dashboard-test-secret-${randomBytes(8).toString('hex')}`;
/** The areas the test subscribers handle, as a bot with the dashboard's usual plugins declares them. */
export const TEST_AREAS = ['bot_settings', 'commands', 'timed_messages', 'slot_requests', 'gtb', 'raffle', 'point_shop'] as const;

let issued = 0;

/** An 18-digit server id unique to this run (other test runs may share this Redis). */
export function uniqueGuildId(): string {
	issued += 1;
	return `1${String(Date.now()).slice(-9)}${String(issued).padStart(3, '0')}${String(randomInt(100_000)).padStart(5, '0')}`;
}

export interface LogLine {
	readonly level: 'debug' | 'info' | 'warn' | 'error';
	readonly text: string;
}

/** A logger that keeps every line, for tests to read. */
export class CapturingLogger implements DashboardLogger {
	public readonly lines: LogLine[] = [];
	public debug(...values: readonly unknown[]): void {
		this.push('debug', values);
	}
	public info(...values: readonly unknown[]): void {
		this.push('info', values);
	}
	public warn(...values: readonly unknown[]): void {
		this.push('warn', values);
	}
	public error(...values: readonly unknown[]): void {
		this.push('error', values);
	}
	public find(level: LogLine['level'], fragment: string): LogLine[] {
		return this.lines.filter((line) => line.level === level && line.text.includes(fragment));
	}
	private push(level: LogLine['level'], values: readonly unknown[]): void {
		this.lines.push({ level, text: values.map((value) => (value instanceof Error ? value.message : String(value))).join(' ') });
	}
}

/** Keeps the subscriber's outcomes and lets a test wait for the one of a message it sent. */
export class OutcomeRecorder {
	public readonly outcomes: DashboardOutcome[] = [];
	private readonly events = new EventEmitter();

	public readonly record = (outcome: DashboardOutcome): void => {
		this.outcomes.push(outcome);
		this.events.emit('outcome');
	};

	/** The outcomes of messages whose text is one of `raws` (other processes may publish on dashboard:* too). */
	public of(...raws: string[]): DashboardOutcome[] {
		return this.outcomes.filter((outcome) => raws.includes(outcome.raw));
	}

	/** The outcomes of messages naming this server (every process on this Redis may publish on dashboard:*, not always JSON). */
	public forServer(guildId: string): DashboardOutcome[] {
		return this.outcomes.filter((outcome) => {
			try {
				return (JSON.parse(outcome.raw) as { discord_server_id?: unknown }).discord_server_id === guildId;
			} catch {
				return false;
			}
		});
	}

	public waitFor(raw: string, timeoutMs = 5000): Promise<DashboardOutcome> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const found = this.outcomes.find((outcome) => outcome.raw === raw);
				if (found === undefined) return;
				clearTimeout(timer);
				this.events.off('outcome', check);
				resolve(found);
			};
			const timer = setTimeout(() => {
				this.events.off('outcome', check);
				reject(new Error(`No outcome within ${timeoutMs} ms for ${raw.slice(0, 200)}`));
			}, timeoutMs);
			this.events.on('outcome', check);
			check();
		});
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `{"x":[[[…]]]}`: an object holding arrays nested `levels` deep (the object is one level more), already in canonical form. */
export function deeplyNestedData(levels: number): string {
	return `{"x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

/**
 * The text of a bot_settings `update` whose data is `dataText` (used as is, so it may be nested
 * past any limit), signed with `secret` by hand; `dataText` must be canonical JSON for the
 * signature to match. Without a secret the sig is 64 zeros, as an attacker would send it.
 */
export function handSignedMessage(guildId: string, dataText: string, secret?: string, timestamp = Math.floor(Date.now() / 1000)): string {
	const input = `{"action":"update","channel":"dashboard:bot_settings","data":${dataText},"discord_server_id":"${guildId}","timestamp":${timestamp}}`;
	const sig = secret === undefined ? '0'.repeat(64) : createHmac('sha256', secret).update(input, 'utf8').digest('hex');
	return `{"action":"update","discord_server_id":"${guildId}","data":${dataText},"timestamp":${timestamp},"sig":"${sig}"}`;
}
