import { expect } from 'chai';
import * as fc from 'fast-check';
import { isBase64, parseRfc3339 } from '#lib/kick/webhooks/verifyKickWebhook';

/** How the bot read RFC 3339 before the arithmetic month lengths: Date.UTC's own calendar says which days exist. */
function byDateUtc(text: string): Date | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(text);
	if (match === null) return null;
	const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
	const offsetHours = Number(match[10] ?? 0);
	const offsetMinutes = Number(match[11] ?? 0);
	if (offsetHours > 23 || offsetMinutes > 59) return null;
	const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
	const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
	return new Date(Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offset * 60_000);
}

const digits = (count: number, max: number) => fc.integer({ min: 0, max }).map((value) => String(value).padStart(count, '0'));

/** Date-times near and past every limit: leap days, month ends, 24:00, 60 s, offsets up to 24:60, fractions of any length. */
const dateTime = fc
	.tuple(
		fc.oneof(digits(4, 9999), fc.constantFrom('0000', '0004', '0096', '1900', '2000', '2024', '2100')),
		digits(2, 13),
		digits(2, 32),
		fc.constantFrom('T', 't', ' '),
		digits(2, 24),
		digits(2, 60),
		digits(2, 60),
		fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
		fc.oneof(
			fc.constantFrom('Z', 'z'),
			fc.tuple(fc.constantFrom('+', '-'), digits(2, 24), digits(2, 60)).map(([sign, h, m]) => `${sign}${h}:${m}`)
		)
	)
	.map(([y, mo, d, t, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${fraction === undefined ? '' : `.${fraction}`}${zone}`);

/** A date-time with one character inserted, removed or replaced: the near misses a reader must refuse as the pattern does. */
const nearMiss = fc
	.tuple(dateTime, fc.nat(), fc.constantFrom('insert', 'remove', 'replace'), fc.constantFrom(...'0123456789-:.+ TtZz\u0660x'))
	.map(([text, at, edit, character]) => {
		const index = at % (text.length + 1);
		if (edit === 'insert') return text.slice(0, index) + character + text.slice(index);
		if (edit === 'remove') return text.slice(0, index) + text.slice(index + 1);
		return text.slice(0, index) + character + text.slice(index + 1);
	});

describe('Reading webhook header fields in one pass (fast-check)', () => {
	it('reads every date-time as the pattern and Date.UTC’s calendar do, and refuses the same ones', () => {
		fc.assert(
			fc.property(fc.oneof(dateTime, nearMiss, fc.string()), (text) => {
				expect(parseRfc3339(text)?.getTime()).to.equal(byDateUtc(text)?.getTime());
			}),
			{ numRuns: 5000 }
		);
	});

	it('isBase64 takes exactly what the padded-base64 pattern takes', () => {
		const pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
		const alphabet = [...'ABCXYZabcxyz0189+/=-_ .\u00e9'];
		const text = fc.oneof(
			fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')),
			fc.array(fc.constantFrom(...alphabet), { maxLength: 16 }).map((characters) => characters.join('')),
			fc.string()
		);
		fc.assert(
			fc.property(text, (candidate) => {
				expect(isBase64(candidate), JSON.stringify(candidate)).to.equal(pattern.test(candidate));
			}),
			{ numRuns: 5000 }
		);
	});
});
