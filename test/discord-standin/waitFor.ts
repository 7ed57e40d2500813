import type { EventEmitter } from 'node:events';

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Resolves with the first non-undefined result of `check`, tried now and after every `event` of
 * `emitter`; rejects after `timeoutMs` with the message `describe()` builds at that moment.
 */
export function waitFor<T>(options: {
	readonly emitter: EventEmitter;
	readonly event: string;
	readonly check: () => T | undefined;
	readonly timeoutMs?: number;
	readonly describe: () => string;
}): Promise<T> {
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	return new Promise<T>((resolve, reject) => {
		const settle = (action: () => void) => {
			clearTimeout(timer);
			options.emitter.off(options.event, onEvent);
			action();
		};
		const onEvent = () => {
			let result: T | undefined;
			try {
				result = options.check();
			} catch (error) {
				settle(() => reject(error as Error));
				return;
			}
			if (result !== undefined) settle(() => resolve(result));
		};
		const timer = setTimeout(() => settle(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${options.describe()}`))), timeoutMs);
		options.emitter.on(options.event, onEvent);
		onEvent();
	});
}
