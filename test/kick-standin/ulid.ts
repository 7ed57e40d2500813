import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (26 Crockford base32 characters: 48-bit time in ms, then 80 random bits), as Kick's message and subscription ids. */
export function ulid(time: number): string {
	let timePart = '';
	for (let rest = time, index = 0; index < 10; index++, rest = Math.floor(rest / 32)) timePart = CROCKFORD[rest % 32] + timePart;
	const random = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
	return timePart + random;
}
