import { expect } from 'chai';
import * as fc from 'fast-check';
import { z } from 'zod';
import { DashboardSubscriber, type DashboardHandler, type DashboardOutcome } from '#lib/dashboard/DashboardSubscriber';
import { canonicalJson, computeSignature, DEFAULT_KEY_PREFIX, MAX_NESTING_DEPTH, verifyDashboardMessage, type Verification } from '#lib/dashboard/protocol';
import { CapturingLogger, deeplyNestedData, handSignedMessage, REDIS_URL, TEST_AREAS, TEST_SECRET } from '#test/dashboard/helpers';

/*
 * Whatever arrives on a dashboard channel, verification returns a verdict and the subscriber an
 * outcome: nothing throws, nothing rejects, nothing overflows the stack. Valid signatures over
 * hostile data (signed with the test secret) get past the signature check into dispatch.
 */

const GUILD = '1100000000000000001';
const CHANNEL = 'dashboard:bot_settings';
const nowSeconds = () => Math.floor(Date.now() / 1000);
const verifyOptions = () => ({ secret: TEST_SECRET, keyPrefix: DEFAULT_KEY_PREFIX, areas: TEST_AREAS, maxAgeSeconds: 60, nowMs: Date.now() });

/** Strings of any UTF-16 code units, lone surrogates included. */
const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((codes) => String.fromCharCode(...codes));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const trickyKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then', ''), codeUnits);
const hugeNumberText = fc.oneof(
	fc.constantFrom('1e999', '-1e400', '1e308', '5e-324', '1e-400', '-0', '9007199254740993', '123456789012345678901234567890'),
	fc.stringMatching(/^-?[1-9]\d{20,400}(\.\d{1,50})?(e[+-]?\d{1,4})?$/)
);
const channel = fc.oneof(
	fc.constantFrom(...TEST_AREAS.map((area) => `dashboard:${area}`)),
	fc.constantFrom(
		'dashboard:',
		'dashboard:nope',
		'dashboard:bot_settings:x',
		'Dashboard:bot_settings',
		'kickbot:dashboard:bot_settings',
		'other:dashboard:gtb',
		''
	),
	codeUnits.map((text) => `dashboard:${text}`),
	codeUnits
);

/** An array or object (or a mix) nested `levels` deep, built without recursion. */
function nestedValue(levels: number, kind: 'array' | 'object' | 'mixed'): unknown {
	let value: unknown = 0;
	for (let level = 0; level < levels; level += 1) value = kind === 'array' || (kind === 'mixed' && level % 2 === 0) ? [value] : { k: value };
	return value;
}

/** The same nesting as JSON text (level 0 innermost, as there), built without recursion. */
function nestedText(levels: number, kind: 'array' | 'object' | 'mixed'): string {
	const opens: string[] = [];
	const closes: string[] = [];
	for (let level = levels - 1; level >= 0; level -= 1) {
		const array = kind === 'array' || (kind === 'mixed' && level % 2 === 0);
		opens.push(array ? '[' : '{"k":');
		closes.push(array ? ']' : '}');
	}
	return `${opens.join('')}0${closes.reverse().join('')}`;
}

const depth = fc.integer({ min: 1, max: 100_000 });
const nestingKind = fc.constantFrom('array' as const, 'object' as const, 'mixed' as const);

/** A message signed with the test secret over `dataText` (any JSON object text; the signature covers what JSON.parse makes of it). */
function signedOver(dataText: string, timestamp = nowSeconds()): string {
	const data = JSON.parse(dataText) as unknown;
	const sig = computeSignature(TEST_SECRET, CHANNEL, { action: 'update', discord_server_id: GUILD, data, timestamp });
	return `{"action":"update","discord_server_id":"${GUILD}","data":${dataText},"timestamp":${timestamp},"sig":"${sig}"}`;
}

/** JSON object text whose keys may be `__proto__`, `constructor`, lone surrogates…, written as own keys. */
const hostileDataText = fc
	.array(fc.tuple(trickyKey, fc.oneof(fc.jsonValue({ maxDepth: 4 }), loneSurrogate)), { maxLength: 12 })
	.map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`);

/** Every kind of raw text the property tests send: arbitrary, JSON, payload-shaped, deep, huge numbers, validly signed hostile data. */
const rawMessage = fc.oneof(
	codeUnits,
	fc.string({ unit: 'binary', maxLength: 300 }),
	fc.json({ maxDepth: 6 }),
	fc
		.jsonValue({ maxDepth: 6 })
		.map((value) => JSON.stringify({ action: 'update', discord_server_id: GUILD, data: value, timestamp: nowSeconds(), sig: 'a'.repeat(64) })),
	fc
		.record(
			{ action: fc.jsonValue(), discord_server_id: fc.jsonValue(), data: fc.jsonValue(), timestamp: fc.jsonValue(), sig: fc.jsonValue() },
			{ requiredKeys: [] }
		)
		.map((record) => JSON.stringify(record)),
	fc.tuple(depth, nestingKind).map(([levels, kind]) => nestedText(levels, kind)),
	fc.tuple(depth, nestingKind).map(([levels, kind]) => handSignedMessage(GUILD, `{"x":${nestedText(levels, kind)}}`, TEST_SECRET)),
	depth.map((levels) => handSignedMessage(GUILD, deeplyNestedData(levels))),
	hugeNumberText.map((number) => handSignedMessage(GUILD, `{"n":${number}}`, TEST_SECRET)),
	hugeNumberText.map((number) => `{"action":"update","discord_server_id":${number},"data":{},"timestamp":${number},"sig":"${'b'.repeat(64)}"}`),
	hostileDataText.map((text) => signedOver(text))
);

function isVerdict(verification: Verification): boolean {
	return verification.ok ? typeof verification.message === 'object' : typeof verification.reason === 'string' && typeof verification.detail === 'string';
}

describe('Hostile dashboard input (property tests)', function () {
	this.timeout(120_000);

	describe('canonicalJson', () => {
		/** Object keys JSON.stringify would move to the front (array indices), where RFC 8785 sorts them as text. */
		const hasIndexKey = (value: unknown): boolean =>
			typeof value === 'object' &&
			value !== null &&
			(Array.isArray(value) ? value.some(hasIndexKey) : Object.entries(value).some(([key, child]) => /^(0|[1-9]\d*)$/.test(key) || hasIndexKey(child)));
		const sortedKeys = (value: unknown): unknown => {
			if (Array.isArray(value)) return value.map(sortedKeys);
			if (typeof value !== 'object' || value === null) return value;
			return Object.fromEntries(
				Object.keys(value)
					.sort()
					.map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])])
			);
		};

		it('agrees with JSON.stringify of the key-sorted value for ordinary JSON values', () => {
			fc.assert(
				fc.property(
					fc.jsonValue({ maxDepth: 10, stringUnit: 'binary' }).filter((value) => !hasIndexKey(value)),
					(value) => {
						expect(canonicalJson(value)).to.equal(JSON.stringify(sortedKeys(value)));
					}
				)
			);
		});

		it('gives back the same value (JSON.parse) whatever the key order, index-like keys included', () => {
			fc.assert(
				fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
					const reversed = JSON.parse(JSON.stringify(value), (_key, child: unknown) =>
						typeof child === 'object' && child !== null && !Array.isArray(child) ? Object.fromEntries(Object.entries(child).reverse()) : child
					) as unknown;
					expect(canonicalJson(reversed)).to.equal(canonicalJson(value));
					expect(JSON.parse(canonicalJson(value))).to.deep.equal(JSON.parse(JSON.stringify(value)));
				})
			);
		});

		it('never overflows the stack: values nested up to 100,000 levels give a string or a TypeError past the limit', () => {
			fc.assert(
				fc.property(depth, nestingKind, (levels, kind) => {
					const value = nestedValue(levels, kind);
					if (levels <= MAX_NESTING_DEPTH) expect(canonicalJson(value)).to.equal(nestedText(levels, kind));
					else expect(() => canonicalJson(value)).to.throw(TypeError, `nested deeper than ${MAX_NESTING_DEPTH} levels`);
				}),
				{
					examples: [
						[5000, 'array'],
						[100_000, 'object'],
						[MAX_NESTING_DEPTH, 'mixed'],
						[MAX_NESTING_DEPTH + 1, 'array']
					]
				}
			);
		});
	});

	describe('verifyDashboardMessage', () => {
		it('returns a verdict and never throws, for any channel and any text', () => {
			fc.assert(
				fc.property(channel, rawMessage, (on, raw) => {
					expect(isVerdict(verifyDashboardMessage(on, raw, verifyOptions()))).to.equal(true);
				}),
				{ numRuns: 500 }
			);
		});

		it('refuses anything nested deeper than the limit as too_deep (or too_large), signed or not, before parsing it', () => {
			fc.assert(
				fc.property(
					depth.filter((levels) => levels >= MAX_NESTING_DEPTH),
					nestingKind,
					fc.boolean(),
					(levels, kind, signed) => {
						const raw = handSignedMessage(GUILD, `{"x":${nestedText(levels, kind)}}`, signed ? TEST_SECRET : undefined);
						const verification = verifyDashboardMessage(CHANNEL, raw, verifyOptions());
						expect(verification.ok ? 'accepted' : verification.reason).to.be.oneOf(['too_deep', 'too_large']);
					}
				),
				{
					examples: [
						[5000, 'array', false],
						[MAX_NESTING_DEPTH - 1, 'array', true]
					]
				}
			);
		});

		it('accepts validly signed data of any JSON value, __proto__ and constructor keys and lone surrogates included, as JSON.parse reads it', () => {
			fc.assert(
				fc.property(hostileDataText, (dataText) => {
					const verification = verifyDashboardMessage(CHANNEL, signedOver(dataText), verifyOptions());
					if (!verification.ok) throw new Error(`refused: ${verification.reason}: ${verification.detail}`);
					expect(verification.message.data).to.deep.equal(JSON.parse(dataText));
					expect(Object.getPrototypeOf(verification.message.data)).to.equal(Object.prototype);
					expect(({} as Record<string, unknown>).polluted, 'Object.prototype untouched').to.equal(undefined);
				}),
				{ examples: [['{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}']] }
			);
		});

		it('refuses numbers a 64-bit float cannot hold (1e999) as malformed, even validly signed', () => {
			const verification = verifyDashboardMessage(CHANNEL, handSignedMessage(GUILD, '{"n":1e999}', TEST_SECRET), verifyOptions());
			const result = verification.ok ? { reason: 'accepted', detail: '' } : verification;
			expect(result.reason).to.equal('malformed');
			expect(result.detail).to.include('data: Infinity is not a JSON number');
		});
	});

	describe('DashboardSubscriber.receive', () => {
		const handlers: Record<string, DashboardHandler[]> = {
			update: [
				{ name: 'records', run: () => undefined },
				{ name: 'throws', run: () => Promise.reject(new Error('handler exploded')) },
				{
					name: 'schemaThrows',
					dataSchema: z.unknown().transform(() => {
						throw new Error('schema exploded');
					}),
					run: () => undefined
				}
			]
		};
		let subscriber: DashboardSubscriber;
		let logger: CapturingLogger;
		let outcomes: DashboardOutcome[];

		beforeEach(() => {
			logger = new CapturingLogger();
			outcomes = [];
			// Never started: receive() is exercised without Redis.
			subscriber = new DashboardSubscriber({
				redisUrl: REDIS_URL,
				secret: TEST_SECRET,
				keyPrefix: DEFAULT_KEY_PREFIX,
				areas: TEST_AREAS,
				maxAgeSeconds: 60,
				logger,
				handlers: (area, action) => {
					if (action === 'explode') throw new Error('lookup exploded');
					return area === 'bot_settings' ? (handlers[action] ?? []) : [];
				},
				onOutcome: (outcome) => void outcomes.push(outcome)
			});
		});
		afterEach(() => subscriber.close());

		it('resolves with an outcome and never rejects, for any channel and any text; the next valid message is handled', async () => {
			await fc.assert(
				fc.asyncProperty(channel, rawMessage, async (on, raw) => {
					const outcome = await subscriber.receive(on, raw);
					expect(outcome.status).to.be.oneOf(['handled', 'ignored', 'refused', 'failed']);
				}),
				{ numRuns: 300 }
			);
			const valid = signedOver(`{"after":"the storm","at":${Date.now()}}`);
			const outcome = await subscriber.receive(CHANNEL, valid);
			expect(outcome.status === 'handled' && [outcome.handled, outcome.failed]).to.deep.equal([['records'], ['schemaThrows', 'throws']]);
			expect(outcomes.at(-1)).to.equal(outcome);
		});

		it('a 5,000-level message becomes a logged refusal (too_deep), and the message after it is handled', async () => {
			const deep = await subscriber.receive(CHANNEL, handSignedMessage(GUILD, deeplyNestedData(5000)));
			const next = await subscriber.receive(CHANNEL, signedOver('{"key":"prefix"}'));

			expect(deep.status === 'refused' && deep.reason).to.equal('too_deep');
			expect(
				logger.find('warn', `Dashboard message refused on "dashboard:bot_settings": too_deep: nested more than ${MAX_NESTING_DEPTH} levels`)
			).to.have.length(1);
			expect(next.status).to.equal('handled');
		});

		it('something throwing outside the handlers (here the handler lookup) becomes a logged failed outcome; the next message is handled', async () => {
			const fields = { action: 'explode', discord_server_id: GUILD, data: {}, timestamp: nowSeconds() };
			const raw = JSON.stringify({ ...fields, sig: computeSignature(TEST_SECRET, CHANNEL, fields) });
			const failed = await subscriber.receive(CHANNEL, raw);
			const next = await subscriber.receive(CHANNEL, signedOver('{"key":"prefix"}'));

			expect(failed.status === 'failed' && failed.detail).to.equal('lookup exploded');
			expect(logger.find('error', 'Dashboard message on "dashboard:bot_settings" could not be handled: lookup exploded')).to.have.length(1);
			expect(next.status).to.equal('handled');
		});
	});
});
