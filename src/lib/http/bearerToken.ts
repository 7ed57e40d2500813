import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header is `Bearer <expected>`. Both tokens are hashed before the
 * constant-time comparison, so neither a wrong length nor a right prefix answers any faster.
 */
export function hasBearerToken(authorization: string | undefined, expected: string): boolean {
	const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
	const given = createHash('sha256')
		.update(match?.[1] ?? '')
		.digest();
	const wanted = createHash('sha256').update(expected).digest();
	return timingSafeEqual(given, wanted) && match !== null;
}
