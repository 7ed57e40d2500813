/** Headers of every overlay answer: the URL holds a secret, so nothing is cached or sent as a referrer. */
export const OVERLAY_HEADERS: Readonly<Record<string, string>> = {
	'Cache-Control': 'no-store',
	'Referrer-Policy': 'no-referrer',
	'X-Content-Type-Options': 'nosniff'
};
