import { inspect } from 'node:util';
import { LogLevel, type ILogger } from '@sapphire/framework';
import { Logger } from '@sapphire/plugin-logger';
import type { SecretRedactor } from '#lib/logging/SecretRedactor';

/** `text`: Sapphire's readable lines; `json`: one JSON object per line (LOG_FORMAT). */
export type LogFormat = 'text' | 'json';

export interface BotLoggerOptions {
	readonly level: LogLevel;
	readonly format: LogFormat;
	readonly redactor: SecretRedactor;
	readonly stdout?: NodeJS.WritableStream;
	readonly stderr?: NodeJS.WritableStream;
}

/** One log line in JSON: what log collectors index. */
export interface JsonLogRecord {
	readonly time: string;
	readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
	readonly message: string;
	/** The first error logged with the message. */
	readonly error?: JsonLogError;
}

export interface JsonLogError {
	readonly name: string;
	readonly message: string;
	readonly code?: string;
	readonly stack?: string;
	readonly cause?: JsonLogError;
}

const LEVEL_NAMES: Partial<Record<LogLevel, JsonLogRecord['level']>> = {
	[LogLevel.Trace]: 'trace',
	[LogLevel.Debug]: 'debug',
	[LogLevel.Info]: 'info',
	[LogLevel.Warn]: 'warn',
	[LogLevel.Error]: 'error',
	[LogLevel.Fatal]: 'fatal'
};
/** How deep an error's causes are followed. */
const MAX_CAUSES = 3;

/** The bot's logger: Sapphire's, in the format asked for, with every secret taken out of every line. */
export function createBotLogger(options: BotLoggerOptions): ILogger {
	return options.format === 'json' ? new JsonLogger(options) : new RedactingLogger(options);
}

/** Sapphire's readable format (timestamp, level, message), redacted. */
class RedactingLogger extends Logger {
	private readonly redactor: SecretRedactor;

	public constructor(options: BotLoggerOptions) {
		super({
			level: options.level,
			...(options.stdout === undefined ? {} : { stdout: options.stdout }),
			...(options.stderr === undefined ? {} : { stderr: options.stderr })
		});
		this.redactor = options.redactor;
	}

	public override preprocess(values: readonly unknown[]): string {
		return this.redactor.redact(super.preprocess(values));
	}
}

/** One JSON object per line: `time`, `level`, `message`, and `error` when an error is logged; warnings and errors on stderr. */
class JsonLogger extends Logger {
	private readonly redactor: SecretRedactor;
	private readonly out: NodeJS.WritableStream;
	private readonly err: NodeJS.WritableStream;

	public constructor(options: BotLoggerOptions) {
		super({ level: options.level });
		this.redactor = options.redactor;
		this.out = options.stdout ?? process.stdout;
		this.err = options.stderr ?? process.stderr;
	}

	public override write(level: LogLevel, ...values: readonly unknown[]): void {
		if (level < this.level) return;
		const line = JSON.stringify(jsonLogRecord(level, values, this.redactor));
		(level >= LogLevel.Warn ? this.err : this.out).write(`${line}\n`);
	}
}

/** The record of one log call: strings joined as the message, the first error apart, anything else inspected into the message. */
export function jsonLogRecord(level: LogLevel, values: readonly unknown[], redactor: SecretRedactor, now = new Date()): JsonLogRecord {
	let error: JsonLogError | undefined;
	const parts: string[] = [];
	for (const value of values) {
		if (error === undefined && value instanceof Error) error = describeError(value, redactor, MAX_CAUSES);
		else parts.push(typeof value === 'string' ? value : inspect(value, { depth: 2, colors: false, breakLength: Number.POSITIVE_INFINITY }));
	}
	const message = redactor.redact(parts.join(' '));
	const record = { time: now.toISOString(), level: LEVEL_NAMES[level] ?? 'info', message };
	return error === undefined ? record : { ...record, error };
}

function describeError(error: Error, redactor: SecretRedactor, causes: number): JsonLogError {
	const code = (error as { code?: unknown }).code;
	const cause = error.cause;
	return {
		name: error.name,
		message: redactor.redact(error.message),
		...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
		...(error.stack === undefined ? {} : { stack: redactor.redact(error.stack) }),
		...(causes > 0 && cause instanceof Error ? { cause: describeError(cause, redactor, causes - 1) } : {})
	};
}

/**
 * Prints why the start failed, before or without the logger: each line as is in text (the
 * operator reads them), or one JSON error record per line; redacted either way.
 */
export function printStartupFailure(lines: readonly string[], error: unknown, format: LogFormat, redactor: SecretRedactor): void {
	if (format === 'text') {
		for (const line of lines) console.error(redactor.redact(line));
		if (lines.length === 0) console.error(redactor.redact(inspect(error)));
		return;
	}
	const values: unknown[][] = lines.length > 0 ? lines.map((line) => [line]) : [['The bot could not start:', error]];
	for (const record of values) process.stderr.write(`${JSON.stringify(jsonLogRecord(LogLevel.Error, record, redactor))}\n`);
}
