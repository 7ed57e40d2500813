import { RateLimitManager } from '@sapphire/ratelimits';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import type { GuildId } from '#lib/database/GuildId';
import type { GuildContext } from '#lib/guild/GuildContext';
import { KICK_CHAT_MESSAGE_LIMIT } from '#lib/kick/chat/splitChatMessage';
import { KickCommandArgs, type KickCommand, type KickCommandAccess } from '#lib/kick/commands/KickCommand';
import type { KickCommandStore } from '#lib/kick/commands/KickCommandStore';
import type { KickBadge, KickChatMessageEvent } from '#lib/kick/events/KickEvent';

/** What a chatter is in a channel, from the highest of their badges. */
export type ChatterAccess = 'broadcaster' | 'moderator' | 'subscriber' | 'everyone';

const RANK: Readonly<Record<ChatterAccess, number>> = { everyone: 0, subscriber: 1, moderator: 2, broadcaster: 3 };
const REQUIRED_RANK: Readonly<Record<KickCommandAccess, number>> = { everyone: 0, subscribers: 1, moderators: 2, broadcaster: 3 };

/**
 * Kick's badge types (chat.message.sent `sender.identity.badges[].type`) that give access in a
 * channel. VIPs are picked by the streamer and rank above subscribers as on Twitch bots (Nightbot,
 * StreamElements); founders are a channel's first subscribers. Badges not listed give nothing:
 * og (an early Kick account) and verified and staff are Kick-wide, and sub_gifter means gifts
 * given here, not a subscription (a subscribed gifter also carries `subscriber`).
 */
const BADGE_ACCESS = new Map<string, ChatterAccess>([
	['broadcaster', 'broadcaster'],
	['moderator', 'moderator'],
	['vip', 'subscriber'],
	['founder', 'subscriber'],
	['subscriber', 'subscriber']
]);

/** The highest access the badges give. */
export function accessOf(badges: readonly KickBadge[]): ChatterAccess {
	let access: ChatterAccess = 'everyone';
	for (const badge of badges) {
		const given = BADGE_ACCESS.get(badge.type);
		if (given !== undefined && RANK[given] > RANK[access]) access = given;
	}
	return access;
}

/** The sender's access: the channel owner by id is the broadcaster whatever badges came with the message. */
export function accessOfSender(event: KickChatMessageEvent): ChatterAccess {
	return event.sender.userId === event.broadcasterUserId ? 'broadcaster' : accessOf(event.sender.badges);
}

/** Whether a chatter with `access` may use a command restricted to `required`. */
export function mayUse(access: ChatterAccess, required: KickCommandAccess): boolean {
	return RANK[access] >= REQUIRED_RANK[required];
}

function keyOfUser(command: KickCommand, userId: string): string {
	return `user:${command.name}:${userId}`;
}

function keyOfCommand(command: KickCommand): string {
	return `command:${command.name}`;
}

const COOLDOWN_SWEEP_MS = 60_000;

/**
 * The cooldowns of Kick chat commands, per server: one server's never hold anyone in another's,
 * even for the same command and chatter. The caller keeps one for the process.
 */
export class KickCommandCooldowns {
	// Per server, one RateLimitManager per cooldown length (a manager has one duration); it drops expired entries itself.
	private readonly servers = new Map<GuildId, Map<number, RateLimitManager<string>>>();
	/** When servers without a running cooldown were last forgotten (the dispatcher's clock). */
	private sweptAt = Number.NEGATIVE_INFINITY;

	/** How many servers have cooldowns kept. */
	public get serversHeld(): number {
		return this.servers.size;
	}

	/** The cooldown holding `userId` back from `command` in this server at `now` (the longer one when both do), or null. */
	public holding(guildId: GuildId, command: KickCommand, userId: string, now: number): { scope: 'user' | 'command'; remainingMs: number } | null {
		const user = this.remainingMs(guildId, command.userCooldownSeconds, keyOfUser(command, userId), now);
		const whole = this.remainingMs(guildId, command.commandCooldownSeconds, keyOfCommand(command), now);
		if (user === 0 && whole === 0) return null;
		return user >= whole ? { scope: 'user', remainingMs: user } : { scope: 'command', remainingMs: whole };
	}

	/** Starts the cooldowns of `command` for one use by `userId` in this server at `now`. */
	public start(guildId: GuildId, command: KickCommand, userId: string, now: number): void {
		this.forgetEnded(now);
		this.begin(guildId, command.userCooldownSeconds, keyOfUser(command, userId), now);
		this.begin(guildId, command.commandCooldownSeconds, keyOfCommand(command), now);
	}

	/** Forgets every cooldown of one server (its channel was disconnected, or the bot left it). */
	public clear(guildId: GuildId): void {
		for (const manager of this.servers.get(guildId)?.values() ?? []) {
			manager.clear();
			// An empty manager's sweep stops the timer it keeps while it holds entries.
			manager.sweep();
		}
		this.servers.delete(guildId);
	}

	/** At most once a minute: forgets the cooldowns that ended, and the servers left with none, so only servers with a running cooldown are kept. */
	private forgetEnded(now: number): void {
		if (now - this.sweptAt < COOLDOWN_SWEEP_MS) return;
		this.sweptAt = now;
		for (const [guildId, managers] of this.servers) {
			for (const [ms, manager] of managers) {
				for (const [key, held] of manager) if (held.expires <= now) manager.delete(key);
				if (manager.size > 0) continue;
				// An empty manager's sweep stops the timer it keeps while it holds entries.
				manager.sweep();
				managers.delete(ms);
			}
			if (managers.size === 0) this.servers.delete(guildId);
		}
	}

	private remainingMs(guildId: GuildId, seconds: number, key: string, now: number): number {
		if (seconds === 0) return 0;
		const expires = this.servers
			.get(guildId)
			?.get(Math.round(seconds * 1000))
			?.get(key)?.expires;
		return expires === undefined ? 0 : Math.max(expires - now, 0);
	}

	private begin(guildId: GuildId, seconds: number, key: string, now: number): void {
		if (seconds === 0) return;
		const ms = Math.round(seconds * 1000);
		let managers = this.servers.get(guildId);
		if (managers === undefined) this.servers.set(guildId, (managers = new Map<number, RateLimitManager<string>>()));
		let manager = managers.get(ms);
		if (manager === undefined) managers.set(ms, (manager = new RateLimitManager<string>(ms)));
		// A RateLimit times itself with Date.now(); the expiry follows the dispatcher's clock instead, so `now` decides.
		manager.acquire(key).expires = now + ms;
	}
}

export interface DispatchKickCommandOptions {
	readonly store: KickCommandStore;
	readonly context: GuildContext;
	readonly event: KickChatMessageEvent;
	/** The server's prefix (its `prefix` setting), matched case-sensitively. */
	readonly prefix: string;
	/** Answers in the channel's chat as a reply to the message, through the throttled sender. */
	readonly reply: (content: string) => Promise<void>;
	readonly cooldowns: KickCommandCooldowns;
	/** The time the cooldowns count from; now by default. */
	readonly now?: number;
}

export type KickCommandOutcome =
	| { readonly kind: 'not-a-command' }
	| { readonly kind: 'too-long' }
	| { readonly kind: 'unknown'; readonly name: string }
	| { readonly kind: 'denied'; readonly command: KickCommand; readonly reason: 'access' }
	| { readonly kind: 'cooldown'; readonly command: KickCommand; readonly scope: 'user' | 'command'; readonly remainingMs: number }
	| { readonly kind: 'ran'; readonly command: KickCommand }
	| { readonly kind: 'failed'; readonly command: KickCommand; readonly error: unknown };

/**
 * Whether a message is longer than Kick lets anyone type (500 characters, counted as code points,
 * which is never more than the UTF-16 length). Such a message did not come from Kick's chat, and
 * lexing it could take minutes: unbalanced quotes make the lexer quadratic.
 */
function isLongerThanKickAllows(content: string): boolean {
	if (content.length <= KICK_CHAT_MESSAGE_LIMIT) return false;
	if (content.length > 2 * KICK_CHAT_MESSAGE_LIMIT) return true;
	let characters = 0;
	for (const _character of content) if (++characters > KICK_CHAT_MESSAGE_LIMIT) return true;
	return false;
}

/** The name right after the prefix (no space between) and the text after it; null when the message is no command. */
function commandLineOf(content: string, prefix: string): { name: string; rest: string } | null {
	if (!content.startsWith(prefix)) return null;
	const match = /^(?<name>\S+)(?<rest>[\s\S]*)$/u.exec(content.slice(prefix.length));
	return match?.groups?.name === undefined ? null : { name: match.groups.name, rest: match.groups.rest ?? '' };
}

/**
 * Runs the Kick chat command a message of one server's channel calls, if any, and says what
 * happened; it never throws (a failing command comes back as `failed`, for the caller to log).
 * Only a command's own run answers in chat: unknown names, refusals, cooldowns and messages
 * longer than Kick allows stay silent.
 */
export async function dispatchKickCommand(options: DispatchKickCommandOptions): Promise<KickCommandOutcome> {
	const { store, context, event, prefix, reply, cooldowns } = options;
	if (event.content.startsWith(prefix) && isLongerThanKickAllows(event.content)) return { kind: 'too-long' };
	const line = commandLineOf(event.content, prefix);
	if (line === null) return { kind: 'not-a-command' };
	const command = store.get(line.name);
	// A custom command of the server (handled elsewhere) may answer this name; a command of a plugin switched off here is unknown here.
	if (command === undefined || !context.pluginIsOn(pluginOfPiece(command))) return { kind: 'unknown', name: line.name };
	const access = accessOfSender(event);
	// Chat bots do not scold viewers: a refusal for every try would flood the stream's chat.
	if (!mayUse(access, command.access)) return { kind: 'denied', command, reason: 'access' };
	const now = options.now ?? Date.now();
	if (access !== 'broadcaster' && access !== 'moderator') {
		const held = cooldowns.holding(context.guildId, command, event.sender.userId, now);
		// The answer of the previous use is still in chat.
		if (held !== null) return { kind: 'cooldown', command, ...held };
	}
	// The broadcaster's and moderators' uses are never held, but they start the cooldowns: their answer is in chat all the same.
	cooldowns.start(context.guildId, command, event.sender.userId, now);
	try {
		await command.run({ event, commandName: line.name, reply }, new KickCommandArgs(line.rest), context);
		return { kind: 'ran', command };
	} catch (error) {
		return { kind: 'failed', command, error };
	}
}
