/**
 * An error that stops the bot at start with a message meant for the operator: printed as
 * its lines (no stack trace), then the process exits with code 1.
 */
export class StartupError extends Error {
	public readonly lines: readonly string[];

	public constructor(lines: string | readonly string[], options?: ErrorOptions) {
		const all = typeof lines === 'string' ? [lines] : lines;
		super(all.join('\n'), options);
		this.name = 'StartupError';
		this.lines = all;
	}
}
