import { expect } from 'chai';
import { inspect } from 'node:util';

/** The error a promise rejects with; fails the test when it resolves instead. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		(value) => expect.fail(`expected a rejection, got ${inspect(value)}`),
		(error: unknown) => error
	);
}
