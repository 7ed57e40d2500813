// The contract between the web dashboard and the bot: signed JSON messages on Redis channels
// `dashboard:<area>` (`<REDIS_KEY_PREFIX>:dashboard:<area>` for a deployment with another prefix).
// Documented for the dashboard's side in docs/dashboard-protocol.md; keep both in step.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { GuildId } from '#lib/database/GuildId';

/**
 * An area the dashboard edits (`bot_settings`, `raffle`, …); each has its channel (see
 * dashboardChannel). Which areas a bot handles is declared by the core and its plugins' manifests.
 */
export type DashboardArea = string;
/** An area's name: lower-case snake_case. */
export const AREA_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** The default REDIS_KEY_PREFIX: its deployment keeps the channel names the dashboard has always used, `dashboard:<area>`. */
export const DEFAULT_KEY_PREFIX = 'kickbot';
/** Larger messages are refused before parsing. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Levels of arrays and objects a message may nest (the payload object is the first, `data` the second); deeper ones are refused before parsing. */
export const MAX_NESTING_DEPTH = 32;
/** An action name: lower-case snake_case, as the dashboard names them. */
export const ACTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Where a deployment's channels start: `dashboard:` for the default REDIS_KEY_PREFIX, `<prefix>:dashboard:` for any
 * other, so deployments sharing one Redis never receive each other's messages (a prefix holds no `:`, `*` or `?`).
 */
export function dashboardChannelPrefix(keyPrefix: string): string {
	return keyPrefix === DEFAULT_KEY_PREFIX ? 'dashboard:' : `${keyPrefix}:dashboard:`;
}

/** What a deployment's bot subscribes to (PSUBSCRIBE); channels of areas it does not handle are refused one by one. */
export function dashboardChannelPattern(keyPrefix: string): string {
	return `${dashboardChannelPrefix(keyPrefix)}*`;
}

export function dashboardChannel(area: DashboardArea, keyPrefix: string): string {
	return `${dashboardChannelPrefix(keyPrefix)}${area}`;
}

/** The area a channel belongs to, or undefined for anything but the deployment's channel of one of `areas`. */
export function areaOfChannel(channel: string, keyPrefix: string, areas: readonly DashboardArea[]): DashboardArea | undefined {
	const prefix = dashboardChannelPrefix(keyPrefix);
	if (!channel.startsWith(prefix)) return undefined;
	const area = channel.slice(prefix.length);
	return areas.includes(area) ? area : undefined;
}

/** A message as it travels on the channel. */
export interface DashboardPayload {
	readonly action: string;
	/** The server's id as a string of digits (a JSON number loses the precision of a BIGINT). */
	readonly discord_server_id: string;
	readonly data: Readonly<Record<string, unknown>>;
	/** Unix time in whole seconds when the message was signed. */
	readonly timestamp: number;
	/** Lower-case hex HMAC-SHA256 of the signing input (see signingInput). */
	readonly sig: string;
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) for values that came out of JSON.parse: no
 * whitespace, object keys sorted by UTF-16 code units, strings escaped and numbers written
 * as ECMAScript's JSON.stringify does (which is what RFC 8785 prescribes).
 * @throws {TypeError} for values JSON cannot carry (undefined, functions, NaN, Infinity, bigint),
 * and for arrays and objects nested deeper than MAX_NESTING_DEPTH levels.
 */
export function canonicalJson(value: unknown): string {
	return canonicalJsonAt(value, 1);
}

function canonicalJsonAt(value: unknown, level: number): string {
	if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
		return JSON.stringify(value);
	}
	if (typeof value !== 'object') throw new TypeError(`a ${typeof value} is not a JSON value`);
	// The recursion is bounded, so no value can overflow the stack (nor loop on a cycle).
	if (level > MAX_NESTING_DEPTH) throw new TypeError(`a value nested deeper than ${MAX_NESTING_DEPTH} levels of arrays and objects`);
	if (Array.isArray(value)) return `[${value.map((item) => canonicalJsonAt(item, level + 1)).join(',')}]`;
	const record = value as Record<string, unknown>;
	// The default sort compares UTF-16 code units, as RFC 8785 §3.2.3 asks.
	const keys = Object.keys(record).sort();
	return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJsonAt(record[key], level + 1)}`).join(',')}}`;
}

/**
 * Whether JSON text nests arrays and objects more than `limit` levels, found in one pass over
 * the characters without parsing (brackets inside strings do not count). Exact for valid JSON;
 * for anything else JSON.parse decides.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let index = 0; index < text.length; index += 1) {
		const code = text.charCodeAt(index);
		if (inString) {
			// A backslash escapes the next character, a quote among them.
			if (code === 0x5c) index += 1;
			else if (code === 0x22) inString = false;
		} else if (code === 0x22) inString = true;
		else if (code === 0x5b || code === 0x7b) {
			depth += 1;
			if (depth > limit) return true;
		} else if (code === 0x5d || code === 0x7d) depth -= 1;
	}
	return false;
}

export interface SignedFields {
	readonly action: string;
	readonly discord_server_id: string | number;
	readonly data: unknown;
	readonly timestamp: number;
}

/**
 * What the HMAC covers: the canonical JSON (RFC 8785) of the message without `sig`, plus the
 * channel it is published on. Keys sorted, so in this order:
 * `{"action":…,"channel":…,"data":…,"discord_server_id":…,"timestamp":…}`.
 * Including the channel means a message signed for one area, or one deployment, cannot be replayed on another.
 */
export function signingInput(channel: string, fields: SignedFields): string {
	return canonicalJson({
		action: fields.action,
		channel,
		data: fields.data,
		discord_server_id: fields.discord_server_id,
		timestamp: fields.timestamp
	});
}

/** Lower-case hex HMAC-SHA256 of the signing input, keyed with the secret's UTF-8 bytes. */
export function computeSignature(secret: string, channel: string, fields: SignedFields): string {
	return createHmac('sha256', secret).update(signingInput(channel, fields), 'utf8').digest('hex');
}

/** Compares in constant time; false for anything that is not 64 hex characters. */
export function signatureMatches(secret: string, channel: string, fields: SignedFields, sig: string): boolean {
	if (!/^[0-9a-fA-F]{64}$/.test(sig)) return false;
	const expected = Buffer.from(computeSignature(secret, channel, fields), 'hex');
	return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}

export interface MessageToSign {
	/** The REDIS_KEY_PREFIX of the deployment it is for, which names its channel; DEFAULT_KEY_PREFIX when omitted. */
	readonly keyPrefix?: string;
	readonly area: DashboardArea;
	readonly action: string;
	readonly guildId: bigint | string;
	readonly data?: Readonly<Record<string, unknown>>;
	/** Unix seconds; now when omitted. */
	readonly timestamp?: number;
}

export interface SignedMessage {
	readonly channel: string;
	readonly payload: DashboardPayload;
	/** The exact text that was signed, for debugging a dashboard implementation. */
	readonly signingInput: string;
	/** What to PUBLISH: JSON.stringify(payload). */
	readonly text: string;
}

/**
 * Builds and signs a message the way the dashboard must.
 * @throws {TypeError} for a malformed area, action or server id, a timestamp that is not whole seconds,
 * or data nested deeper than receivers accept (MAX_NESTING_DEPTH).
 */
export function signDashboardMessage(secret: string, message: MessageToSign, nowMs: number = Date.now()): SignedMessage {
	if (!AREA_NAME.test(message.area)) throw new TypeError(`"${String(message.area)}" is not an area name (lower-case snake_case)`);
	if (!ACTION_NAME.test(message.action)) throw new TypeError(`"${message.action}" is not an action name (lower-case snake_case)`);
	const guildId = parseGuildIdText(String(message.guildId));
	if (guildId === undefined) throw new TypeError(`${String(message.guildId)} is not a Discord server id`);
	const timestamp = message.timestamp ?? Math.floor(nowMs / 1000);
	if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError(`timestamp ${timestamp} is not whole Unix seconds`);
	// What receivers will parse: the JSON round trip drops undefined values and functions.
	const data = JSON.parse(JSON.stringify(message.data ?? {})) as Record<string, unknown>;
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('data must be a JSON object');
	const channel = dashboardChannel(message.area, message.keyPrefix ?? DEFAULT_KEY_PREFIX);
	const fields = { action: message.action, discord_server_id: guildId.toString(), data, timestamp };
	const input = signingInput(channel, fields);
	const payload: DashboardPayload = { ...fields, sig: createHmac('sha256', secret).update(input, 'utf8').digest('hex') };
	return { channel, payload, signingInput: input, text: JSON.stringify(payload) };
}

/** Why a message was refused; each is logged with details. */
export type RefusalReason =
	'unknown_channel' | 'too_large' | 'too_deep' | 'malformed' | 'unsigned' | 'bad_server_id' | 'bad_signature' | 'stale' | 'future' | 'replayed';

/** A message whose signature, shape and age have been checked (not yet for replay). */
export interface VerifiedDashboardMessage {
	readonly channel: string;
	readonly area: DashboardArea;
	readonly action: string;
	readonly guildId: GuildId;
	readonly data: Readonly<Record<string, unknown>>;
	readonly timestamp: number;
	/** Lower-case; the replay key. */
	readonly sig: string;
}

export type Verification =
	| { readonly ok: true; readonly message: VerifiedDashboardMessage }
	| {
			readonly ok: false;
			readonly reason: RefusalReason;
			readonly detail: string;
			/** What could be read of the message, for the log line. */
			readonly action?: string;
			readonly serverId?: string;
	  };

export interface VerifyOptions {
	readonly secret: string;
	/** The receiving deployment's REDIS_KEY_PREFIX: only its channels are accepted. */
	readonly keyPrefix: string;
	/** The areas the receiving bot handles (the core's and its plugins'): other channels are refused. */
	readonly areas: readonly DashboardArea[];
	readonly maxAgeSeconds: number;
	readonly nowMs: number;
}

const payloadSchema = z.strictObject({
	action: z.string().regex(ACTION_NAME, 'expected an action name (lower-case snake_case)'),
	discord_server_id: z.union([z.string(), z.number()], { error: 'expected the server id as a string of digits' }),
	data: z.record(z.string(), z.unknown(), { error: 'expected a JSON object' }),
	timestamp: z.number({ error: 'expected Unix seconds' }).int('expected whole Unix seconds'),
	sig: z.string()
});

const MAX_GUILD_ID = 2n ** 63n - 1n;

/** A positive 64-bit id written as digits without leading zeros, or undefined. */
function parseGuildIdText(text: string): GuildId | undefined {
	if (!/^[1-9]\d{0,18}$/.test(text)) return undefined;
	const id = BigInt(text);
	return id <= MAX_GUILD_ID ? id : undefined;
}

/**
 * Checks one message received on `channel`: size, nesting, JSON, shape, server id, signature, age.
 * Total: any text gives a verdict, never an exception. Pure: the replay check needs memory and is
 * the subscriber's (ReplayGuard).
 */
export function verifyDashboardMessage(channel: string, raw: string, options: VerifyOptions): Verification {
	const area = areaOfChannel(channel, options.keyPrefix, options.areas);
	if (area === undefined) {
		const expected = options.areas.map((known) => dashboardChannel(known, options.keyPrefix)).join(', ');
		return { ok: false, reason: 'unknown_channel', detail: `not a dashboard channel (expected ${expected})` };
	}
	const bytes = Buffer.byteLength(raw, 'utf8');
	if (bytes > MAX_MESSAGE_BYTES) return { ok: false, reason: 'too_large', detail: `${bytes} bytes, more than ${MAX_MESSAGE_BYTES}` };
	// Before anything recursive (parsing, the canonical form, schemas) sees it: 10 KB of brackets would overflow the stack.
	if (nestsDeeperThan(raw, MAX_NESTING_DEPTH)) {
		return { ok: false, reason: 'too_deep', detail: `nested more than ${MAX_NESTING_DEPTH} levels of arrays and objects: ${excerpt(raw)}` };
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch (error) {
		return { ok: false, reason: 'malformed', detail: `not JSON (${(error as Error).message}): ${excerpt(raw)}` };
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		return { ok: false, reason: 'malformed', detail: `not a JSON object: ${excerpt(raw)}` };
	}
	const object = parsed as Record<string, unknown>;
	const known = {
		...(typeof object.action === 'string' ? { action: object.action.slice(0, 64) } : {}),
		...(typeof object.discord_server_id === 'string' || typeof object.discord_server_id === 'number'
			? { serverId: String(object.discord_server_id).slice(0, 24) }
			: {})
	};
	if (object.sig === undefined || object.sig === null || object.sig === '') return { ok: false, reason: 'unsigned', detail: 'no sig field', ...known };

	const result = payloadSchema.safeParse(object);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		const where = issue.path.length > 0 ? issue.path.join('.') : 'message';
		return { ok: false, reason: 'malformed', detail: `${where}: ${issue.message}`, ...known };
	}
	const payload = result.data;

	const serverId = payload.discord_server_id;
	if (typeof serverId === 'number' && !Number.isSafeInteger(serverId)) {
		return {
			ok: false,
			reason: 'bad_server_id',
			detail: `discord_server_id is the JSON number ${serverId}, past 2^53: its digits may have been rounded. Send it as a string of digits.`,
			...known
		};
	}
	const guildId = parseGuildIdText(String(serverId));
	if (guildId === undefined) {
		return {
			ok: false,
			reason: 'bad_server_id',
			detail: `discord_server_id ${JSON.stringify(serverId)} is not a Discord server id (digits, no leading zero)`,
			...known
		};
	}

	if (!/^[0-9a-fA-F]{64}$/.test(payload.sig)) return { ok: false, reason: 'bad_signature', detail: 'sig is not 64 hex characters', ...known };
	// The fields as JSON.parse gave them (zod's copy of data would drop a "__proto__" key, for one).
	const fields = { action: payload.action, discord_server_id: serverId, data: object.data, timestamp: payload.timestamp };
	let signed: boolean;
	try {
		signed = signatureMatches(options.secret, channel, fields, payload.sig);
	} catch (error) {
		// JSON.parse reads 1e999 as Infinity, which has no canonical form; nothing else in parsed JSON lacks one.
		return { ok: false, reason: 'malformed', detail: `data: ${(error as Error).message} (a number beyond the range of 64-bit floating point)`, ...known };
	}
	if (!signed) {
		return { ok: false, reason: 'bad_signature', detail: 'sig does not match (wrong DASHBOARD_SECRET, a changed field, or another channel)', ...known };
	}

	const nowSeconds = options.nowMs / 1000;
	const age = nowSeconds - payload.timestamp;
	if (age > options.maxAgeSeconds) {
		return {
			ok: false,
			reason: 'stale',
			detail: `signed ${Math.round(age)} s ago; the limit is ${options.maxAgeSeconds} s (DASHBOARD_MAX_AGE_SECONDS)`,
			...known
		};
	}
	if (-age > options.maxAgeSeconds) {
		const hint = payload.timestamp > 1e11 ? ' (it looks like milliseconds; send Unix seconds)' : ' (are the clocks in step?)';
		return {
			ok: false,
			reason: 'future',
			detail: `timestamp is ${Math.round(-age)} s ahead of this machine's clock; the limit is ${options.maxAgeSeconds} s${hint}`,
			...known
		};
	}

	return {
		ok: true,
		message: {
			channel,
			area,
			action: payload.action,
			guildId,
			data: object.data as Record<string, unknown>,
			timestamp: payload.timestamp,
			sig: payload.sig.toLowerCase()
		}
	};
}

/** A short, escaped piece of untrusted text for a log line. */
function excerpt(raw: string): string {
	return raw.length > 80 ? `${JSON.stringify(raw.slice(0, 80))}…` : JSON.stringify(raw);
}
