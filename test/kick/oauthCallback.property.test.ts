import { expect } from 'chai';
import * as fc from 'fast-check';
import { parseKickOAuthCallback } from '#lib/kick/KickAuthorizations';
import { resultPage } from '#lib/kick/resultPage';

const NUM_RUNS = 500;

/** Any UTF-16 text, lone surrogates and NUL included. */
const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 60 }).map((units) => String.fromCharCode(...units));
const hostileText = fc.oneof(
	anyText,
	fc.string(),
	fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='x", '&amp;', '&#60;', 'x'.repeat(5000), '')
);

describe('The OAuth callback’s parameters and page under arbitrary input (fast-check)', () => {
	it('parseKickOAuthCallback: any query gives a bounded callback or a refusal, never a throw', () => {
		const value = fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 }), fc.constant(undefined), fc.integer(), fc.constant(null), fc.object());
		const query = fc.dictionary(fc.oneof(fc.constantFrom('state', 'code', 'error', 'error_description', '__proto__', 'constructor'), hostileText), value, {
			maxKeys: 6
		});
		fc.assert(
			fc.property(query, (parameters) => {
				const parsed = parseKickOAuthCallback(parameters);
				if (!parsed.ok) {
					expect(parsed.reason).to.match(/^This page was opened with a malformed "(state|code|error)" parameter/);
					return;
				}
				const { state, code, error } = parsed.callback;
				if (state !== null) expect(state).to.match(/^[A-Za-z0-9_-]{1,128}$/);
				if (code !== null) expect(code).to.match(/^[\x20-\x7E]{1,2048}$/);
				if (error !== null) expect(error).to.match(/^[\x20-\x7E]{1,128}$/);
			}),
			{ numRuns: NUM_RUNS }
		);
	});

	it('resultPage: whatever the title and message, they appear escaped, with no markup of their own', () => {
		fc.assert(
			fc.property(hostileText, hostileText, (title, message) => {
				const page = resultPage(title, message);
				const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
				expect(page).to.equal(
					`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`
				);
				const text = page.replace(/<\/?(!doctype html|html lang="en"|html|head|meta charset="utf-8"|title|body|h1|p)>/g, '');
				expect(text).to.not.match(/[<>"']/);
				expect(text.replace(/&#\d+;/g, '')).to.not.include('&');
			}),
			{ numRuns: NUM_RUNS }
		);
	});
});
