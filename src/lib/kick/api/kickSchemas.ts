import { z } from 'zod';

/** A Kick id (JSON number, sometimes a string of digits) as a string of digits. */
export const kickId = z
	.union([
		z
			.number()
			.int()
			.nonnegative()
			// JSON.parse has already rounded a larger number: refuse it rather than keep a wrong id.
			.refine(Number.isSafeInteger, 'an id beyond 2^53 arrived rounded'),
		z.string().regex(/^\d+$/, 'expected an id of digits')
	])
	.transform(String);

/**
 * A Kick timestamp as a Date; null for an empty string and for Go's zero time
 * (`0001-01-01T00:00:00Z`), which Kick sends for a stream that is not live.
 */
export const kickTime = z.string().transform((value, context): Date | null => {
	if (value === '' || value.startsWith('0001-01-01')) return null;
	const time = new Date(value);
	if (Number.isNaN(time.getTime())) {
		context.addIssue({ code: 'custom', message: `expected an RFC 3339 time, got ${JSON.stringify(value)}` });
		return z.NEVER;
	}
	return time;
});

/** A text Kick leaves empty ("") or null when there is none, as null. */
export const optionalText = z
	.string()
	.nullish()
	.transform((value) => (value === undefined || value === null || value === '' ? null : value));

/** Kick's envelope around every API answer: `{ data, message }`. */
export function envelope<T extends z.ZodType>(data: T) {
	return z.object({ data, message: z.string().optional() });
}
