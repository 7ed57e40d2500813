import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { loadConfig } from '#lib/config/environment';
import {
	areaOfChannel,
	canonicalJson,
	computeSignature,
	dashboardChannel,
	dashboardChannelPattern,
	DEFAULT_KEY_PREFIX,
	MAX_MESSAGE_BYTES,
	MAX_NESTING_DEPTH,
	signDashboardMessage,
	signingInput,
	verifyDashboardMessage,
	type Verification
} from '#lib/dashboard/protocol';
import { ReplayGuard } from '#lib/dashboard/ReplayGuard';
import { deeplyNestedData, handSignedMessage, TEST_AREAS } from '#test/dashboard/helpers';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const GUILD = '1100000000000000001';
const NOW_MS = 1_795_000_000_000;
const NOW = NOW_MS / 1000;
const MAX_AGE = 60;
const CHANNEL = 'dashboard:bot_settings';

const options = { secret: SECRET, keyPrefix: DEFAULT_KEY_PREFIX, areas: TEST_AREAS, maxAgeSeconds: MAX_AGE, nowMs: NOW_MS };

/** A signed message as the dashboard would send it, with `change` applied to the parsed payload before it is sent. */
function sent(change: (payload: Record<string, unknown>) => void = () => undefined, timestamp = NOW): string {
	const signed = signDashboardMessage(SECRET, { area: 'bot_settings', action: 'update', guildId: GUILD, data: { key: 'prefix' }, timestamp });
	const payload = JSON.parse(signed.text) as Record<string, unknown>;
	change(payload);
	return JSON.stringify(payload);
}

function refusal(verification: Verification): { reason: string; detail: string } {
	if (verification.ok)
		throw new Error(
			`expected a refusal, the message was accepted: ${JSON.stringify(verification.message, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))}`
		);
	return verification;
}

describe('Dashboard protocol: canonical form, signing, verification', () => {
	describe('canonicalJson (RFC 8785)', () => {
		it('sorts keys at every depth, writes no whitespace, keeps array order', () => {
			expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: true, y: null }], c: 'x' } })).to.equal('{"a":{"c":"x","d":[3,1,{"y":null,"z":true}]},"b":1}');
		});

		it('sorts keys by UTF-16 code units (integer-like keys are not special) and escapes strings as JSON.stringify does', () => {
			expect(canonicalJson({ b: 1, '10': 2, '2': 3, é: 'ü\n"\u0001' })).to.equal('{"10":2,"2":3,"b":1,"é":"ü\\n\\"\\u0001"}');
		});

		it('writes numbers the ECMAScript way and refuses what JSON cannot carry', () => {
			expect(canonicalJson([1.0, 1.5, -0, 1e21, 1e-7, 2 ** 53])).to.equal('[1,1.5,0,1e+21,1e-7,9007199254740992]');
			expect(() => canonicalJson({ a: undefined })).to.throw(TypeError);
			expect(() => canonicalJson(Number.NaN)).to.throw(TypeError);
			expect(() => canonicalJson(1n)).to.throw(TypeError);
		});
	});

	describe('signing', () => {
		it('signs the canonical form of action, channel, data, discord_server_id and timestamp with HMAC-SHA256 (hex)', () => {
			const signed = signDashboardMessage(SECRET, {
				area: 'bot_settings',
				action: 'update',
				guildId: GUILD,
				data: { keys: ['prefix'], key: 'prefix' },
				timestamp: 1_700_000_000
			});

			const expectedInput =
				'{"action":"update","channel":"dashboard:bot_settings","data":{"key":"prefix","keys":["prefix"]},"discord_server_id":"1100000000000000001","timestamp":1700000000}';
			expect(signed.signingInput).to.equal(expectedInput);
			expect(signed.channel).to.equal(CHANNEL);
			expect(signed.payload.sig).to.equal(createHmac('sha256', SECRET).update(expectedInput).digest('hex'));
			expect(JSON.parse(signed.text)).to.deep.equal({
				action: 'update',
				discord_server_id: GUILD,
				data: { keys: ['prefix'], key: 'prefix' },
				timestamp: 1_700_000_000,
				sig: signed.payload.sig
			});
		});

		it('matches the worked example of docs/dashboard-protocol.md', () => {
			const signed = signDashboardMessage('change-me-to-a-long-random-secret-of-32+-chars', {
				area: 'bot_settings',
				action: 'update',
				guildId: '1234567890123456789',
				data: { key: 'prefix' },
				timestamp: 1767225600
			});
			expect(signed.signingInput).to.equal(
				'{"action":"update","channel":"dashboard:bot_settings","data":{"key":"prefix"},"discord_server_id":"1234567890123456789","timestamp":1767225600}'
			);
			// Also computed independently: Python's hmac over the same text gives this value.
			expect(signed.payload.sig).to.equal('a16a70fa9163b856894be9ee1c3a994587823e4ef849bbd188dc494d4894f9ea');
		});

		it('refuses to sign data nested deeper than receivers accept', () => {
			let data: Record<string, unknown> = {};
			for (let level = 0; level < MAX_NESTING_DEPTH; level += 1) data = { k: data };
			expect(() => signDashboardMessage(SECRET, { area: 'gtb', action: 'open', guildId: GUILD, data })).to.throw(
				TypeError,
				`nested deeper than ${MAX_NESTING_DEPTH} levels`
			);
		});

		it('refuses to sign an unknown area, a bad action, a bad server id or a fractional timestamp', () => {
			expect(() => signDashboardMessage(SECRET, { area: 'Not-An-Area', action: 'update', guildId: GUILD })).to.throw(TypeError, /not an area name/);
			expect(() => signDashboardMessage(SECRET, { area: 'gtb', action: 'Update!', guildId: GUILD })).to.throw(TypeError, /not an action name/);
			expect(() => signDashboardMessage(SECRET, { area: 'gtb', action: 'open', guildId: '012' })).to.throw(TypeError, /not a Discord server id/);
			expect(() => signDashboardMessage(SECRET, { area: 'gtb', action: 'open', guildId: GUILD, timestamp: 1.5 })).to.throw(
				TypeError,
				/whole Unix seconds/
			);
		});
	});

	describe('verifyDashboardMessage', () => {
		it('accepts a message signed with the secret, giving the server id as a bigint and the data', () => {
			const verification = verifyDashboardMessage(CHANNEL, sent(), options);

			if (!verification.ok) throw new Error(`refused: ${verification.reason}: ${verification.detail}`);
			expect(verification.message.guildId).to.equal(BigInt(GUILD));
			expect(verification.message.area).to.equal('bot_settings');
			expect(verification.message.action).to.equal('update');
			expect(verification.message.data).to.deep.equal({ key: 'prefix' });
		});

		it('accepts the same message re-serialised with other key order and whitespace (the signature covers the canonical form)', () => {
			const payload = JSON.parse(sent()) as Record<string, unknown>;
			const reordered = `{ "sig": ${JSON.stringify(payload.sig)}, "timestamp": ${String(payload.timestamp)},\n "data": { "key" : "prefix" }, "discord_server_id": "${GUILD}", "action": "update" }`;

			expect(verifyDashboardMessage(CHANNEL, reordered, options).ok).to.equal(true);
		});

		for (const [field, change] of [
			['action', (payload: Record<string, unknown>) => (payload.action = 'reload')],
			['discord_server_id', (payload: Record<string, unknown>) => (payload.discord_server_id = '1100000000000000002')],
			['data', (payload: Record<string, unknown>) => (payload.data = { key: 'moderator_role_id' })],
			['timestamp', (payload: Record<string, unknown>) => (payload.timestamp = NOW - 1)]
		] as const) {
			it(`refuses a message whose ${field} was changed after signing (bad_signature)`, () => {
				expect(refusal(verifyDashboardMessage(CHANNEL, sent(change), options)).reason).to.equal('bad_signature');
			});
		}

		it('refuses a message signed with another secret (bad_signature)', () => {
			const forged = signDashboardMessage(`${SECRET}-not`, { area: 'bot_settings', action: 'update', guildId: GUILD, timestamp: NOW }).text;
			const result = refusal(verifyDashboardMessage(CHANNEL, forged, options));
			expect(result.reason).to.equal('bad_signature');
			expect(result.detail).to.include('does not match');
		});

		it('refuses a message replayed onto another channel (the channel is signed)', () => {
			expect(refusal(verifyDashboardMessage('dashboard:commands', sent(), options)).reason).to.equal('bad_signature');
		});

		it('refuses a message without sig, or with an empty one, as unsigned', () => {
			expect(
				refusal(
					verifyDashboardMessage(
						CHANNEL,
						sent((payload) => delete payload.sig),
						options
					)
				).reason
			).to.equal('unsigned');
			expect(
				refusal(
					verifyDashboardMessage(
						CHANNEL,
						sent((payload) => (payload.sig = '')),
						options
					)
				).reason
			).to.equal('unsigned');
		});

		it('refuses a sig that is not 64 hex characters', () => {
			const result = refusal(
				verifyDashboardMessage(
					CHANNEL,
					sent((payload) => (payload.sig = 'abc')),
					options
				)
			);
			expect(result.reason).to.equal('bad_signature');
			expect(result.detail).to.equal('sig is not 64 hex characters');
		});

		it('refuses a server id sent as a JSON number past 2^53 (its digits were rounded), naming the fix', () => {
			// What a dashboard writing the BIGINT as a number sends: JSON.parse rounds it to 1100000000000000000.
			const text = sent().replace(`"discord_server_id":"${GUILD}"`, `"discord_server_id":${GUILD}`);
			const result = refusal(verifyDashboardMessage(CHANNEL, text, options));

			expect(result.reason).to.equal('bad_server_id');
			expect(result.detail).to.include('Send it as a string of digits');
		});

		it('accepts a server id sent as a small JSON number when it was signed as that number', () => {
			const fields = { action: 'reload', discord_server_id: 4242, data: {}, timestamp: NOW };
			const text = JSON.stringify({ ...fields, sig: computeSignature(SECRET, CHANNEL, fields) });
			const verification = verifyDashboardMessage(CHANNEL, text, options);

			expect(verification.ok && verification.message.guildId).to.equal(4242n);
		});

		it('refuses server ids that are not Discord ids (leading zero, zero, too large, not digits)', () => {
			for (const id of ['01100000000000000001', '0', '9223372036854775808', '12a', '']) {
				expect(
					refusal(
						verifyDashboardMessage(
							CHANNEL,
							sent((payload) => (payload.discord_server_id = id)),
							options
						)
					).reason,
					id
				).to.equal('bad_server_id');
			}
		});

		it('refuses a stale message (older than the window) and accepts one just inside it', () => {
			const stale = refusal(verifyDashboardMessage(CHANNEL, sent(undefined, NOW - MAX_AGE - 1), options));
			expect(stale.reason).to.equal('stale');
			expect(stale.detail).to.include('61 s ago');
			expect(verifyDashboardMessage(CHANNEL, sent(undefined, NOW - MAX_AGE), options).ok).to.equal(true);
		});

		it('refuses a message from the future (beyond the window), with a hint when the timestamp is in milliseconds', () => {
			expect(refusal(verifyDashboardMessage(CHANNEL, sent(undefined, NOW + MAX_AGE + 1), options)).reason).to.equal('future');
			expect(verifyDashboardMessage(CHANNEL, sent(undefined, NOW + MAX_AGE), options).ok).to.equal(true);
			const milliseconds = refusal(verifyDashboardMessage(CHANNEL, sent(undefined, NOW_MS), options));
			expect(milliseconds.reason).to.equal('future');
			expect(milliseconds.detail).to.include('milliseconds');
		});

		it('refuses malformed messages, saying what is wrong', () => {
			const cases: [string, string][] = [
				['{"action":', 'not JSON'],
				['[1,2]', 'not a JSON object'],
				[sent((payload) => (payload.extra = 1)), 'message: Unrecognized key: "extra"'],
				[sent((payload) => (payload.data = [1])), 'data: expected a JSON object'],
				[sent((payload) => (payload.timestamp = NOW + 0.5)), 'timestamp: expected whole Unix seconds'],
				[sent((payload) => (payload.timestamp = String(NOW))), 'timestamp: expected Unix seconds'],
				[sent((payload) => (payload.action = 'DROP TABLE')), 'action: expected an action name'],
				[sent((payload) => delete payload.data), 'data: expected a JSON object']
			];
			for (const [text, detail] of cases) {
				const result = refusal(verifyDashboardMessage(CHANNEL, text, options));
				expect(result.reason, text).to.equal('malformed');
				expect(result.detail, text).to.include(detail);
			}
		});

		it('refuses channels of unknown areas and messages larger than the limit', () => {
			expect(refusal(verifyDashboardMessage('dashboard:nope', sent(), options)).reason).to.equal('unknown_channel');
			expect(areaOfChannel('dashboardx:bot_settings', DEFAULT_KEY_PREFIX, TEST_AREAS)).to.equal(undefined);
			expect(areaOfChannel('dashboard:bot_settings:extra', DEFAULT_KEY_PREFIX, TEST_AREAS)).to.equal(undefined);
			const huge = sent((payload) => (payload.data = { blob: 'x'.repeat(MAX_MESSAGE_BYTES) }));
			expect(refusal(verifyDashboardMessage(CHANNEL, huge, options)).reason).to.equal('too_large');
		});

		it('refuses a message nesting arrays or objects deeper than the limit as too_deep, naming the limit, even validly signed', () => {
			// The payload object is one level, data ({"x":…}) a second, then the arrays.
			const deepest = handSignedMessage(GUILD, deeplyNestedData(MAX_NESTING_DEPTH - 2), SECRET, NOW);
			expect(verifyDashboardMessage(CHANNEL, deepest, options).ok, 'at the limit').to.equal(true);

			const deeper = handSignedMessage(GUILD, deeplyNestedData(MAX_NESTING_DEPTH - 1), SECRET, NOW);
			const result = refusal(verifyDashboardMessage(CHANNEL, deeper, options));
			expect(result.reason).to.equal('too_deep');
			expect(result.detail).to.equal(`nested more than ${MAX_NESTING_DEPTH} levels of arrays and objects: ${JSON.stringify(deeper.slice(0, 80))}…`);
			expect(refusal(verifyDashboardMessage(CHANNEL, handSignedMessage(GUILD, deeplyNestedData(5000)), options)).reason).to.equal('too_deep');
		});

		it('does not count brackets inside strings (escaped quotes included) as nesting', () => {
			const text = `[[[{{{\\"${'['.repeat(1000)}"{{`;
			const signed = signDashboardMessage(SECRET, { area: 'bot_settings', action: 'update', guildId: GUILD, data: { text }, timestamp: NOW });
			const verification = verifyDashboardMessage(CHANNEL, signed.text, options);

			expect(verification.ok && verification.message.data).to.deep.equal({ text });
		});

		it('signingInput puts the channel in: the same fields on two channels sign differently', () => {
			const fields = { action: 'reload', discord_server_id: GUILD, data: {}, timestamp: NOW };
			expect(signingInput('dashboard:gtb', fields)).to.not.equal(signingInput('dashboard:raffle', fields));
			expect(computeSignature(SECRET, 'dashboard:gtb', fields)).to.not.equal(computeSignature(SECRET, 'dashboard:raffle', fields));
		});
	});

	describe('the channels of a deployment (REDIS_KEY_PREFIX)', () => {
		it('keep the documented names dashboard:<area> for the default prefix, and start with <prefix>: for any other', () => {
			expect(dashboardChannel('bot_settings', DEFAULT_KEY_PREFIX)).to.equal('dashboard:bot_settings');
			expect(dashboardChannelPattern(DEFAULT_KEY_PREFIX)).to.equal('dashboard:*');
			expect(dashboardChannel('bot_settings', 'kickbot-staging')).to.equal('kickbot-staging:dashboard:bot_settings');
			expect(dashboardChannelPattern('kickbot-staging')).to.equal('kickbot-staging:dashboard:*');
			expect(areaOfChannel('kickbot-staging:dashboard:gtb', 'kickbot-staging', TEST_AREAS)).to.equal('gtb');
			expect(areaOfChannel('dashboard:gtb', 'kickbot-staging', TEST_AREAS), 'the default deployment’s channel').to.equal(undefined);
			expect(areaOfChannel('kickbot-staging:dashboard:gtb', DEFAULT_KEY_PREFIX, TEST_AREAS), 'another deployment’s channel').to.equal(undefined);
			expect(areaOfChannel('kickbot:dashboard:gtb', DEFAULT_KEY_PREFIX, TEST_AREAS), 'the default deployment has no prefixed channels').to.equal(
				undefined
			);
		});

		it('the default prefix is the configuration’s default REDIS_KEY_PREFIX', () => {
			expect(loadConfig({ DISCORD_TOKEN: 'never-used' }).redisKeyPrefix).to.equal(DEFAULT_KEY_PREFIX);
		});

		it('a message is signed for its deployment’s channel: another deployment refuses it, with the same secret', () => {
			const signed = signDashboardMessage(SECRET, {
				keyPrefix: 'kickbot-staging',
				area: 'bot_settings',
				action: 'update',
				guildId: GUILD,
				timestamp: NOW
			});
			expect(signed.channel).to.equal('kickbot-staging:dashboard:bot_settings');
			expect(signed.signingInput).to.include('"channel":"kickbot-staging:dashboard:bot_settings"');
			const staging = { ...options, keyPrefix: 'kickbot-staging' };
			expect(verifyDashboardMessage(signed.channel, signed.text, staging).ok).to.equal(true);

			expect(refusal(verifyDashboardMessage(signed.channel, signed.text, options)).reason, 'received on a channel of another deployment').to.equal(
				'unknown_channel'
			);
			expect(refusal(verifyDashboardMessage(CHANNEL, signed.text, options)).reason, 'replayed onto the default deployment’s channel').to.equal(
				'bad_signature'
			);
			expect(
				refusal(verifyDashboardMessage('kickbot-other:dashboard:bot_settings', signed.text, { ...options, keyPrefix: 'kickbot-other' })).reason
			).to.equal('bad_signature');
		});

		it('names the deployment’s channels when refusing an unknown one', () => {
			const result = refusal(verifyDashboardMessage('dashboard:bot_settings', sent(), { ...options, keyPrefix: 'kickbot-staging' }));
			expect(result.detail).to.match(/^not a dashboard channel \(expected kickbot-staging:dashboard:bot_settings, kickbot-staging:dashboard:commands, /);
		});
	});

	describe('ReplayGuard', () => {
		it('refuses a signature seen before, for as long as its timestamp is inside the window, then forgets it', () => {
			const guard = new ReplayGuard(MAX_AGE);
			expect(guard.remember('a', NOW, NOW_MS)).to.equal(true);
			expect(guard.remember('a', NOW, NOW_MS + 1000)).to.equal(false);
			expect(guard.remember('b', NOW, NOW_MS + 1000)).to.equal(true);
			expect(guard.remember('a', NOW, NOW_MS + MAX_AGE * 1000)).to.equal(false);
			// Past the window (the age check refuses the message anyway), the entry is dropped.
			expect(guard.remember('c', NOW + 200, NOW_MS + (MAX_AGE + 2) * 1000)).to.equal(true);
			expect(guard.size).to.equal(1);
		});
	});
});
