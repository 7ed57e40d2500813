/*
 * Presence, as the watchtime plugin keeps it in each server's shared state (Redis): one sorted set
 * per server whose members are `<person> <Kick user id> <name to credit>` and whose scores are when
 * that account last chatted (ms). Every bot process adds its chatters with ZADD GT, so the set holds
 * the latest message of each account whichever process received it.
 */

/** The sorted set of who chatted lately, per server. */
export const PRESENCE_KEY = 'watchtime:presence';
/** What Kick last said about the stream: `live`, `offline`, or `unknown` (Kick has not said). */
export const LIVE_KEY = 'watchtime:live';
/** A viewer is present while their last chat message is under this old. */
export const PRESENCE_WINDOW_MS = 120_000;
/** Where Kick has not said whether the stream is live, it counts as live with this many distinct chatters in this window. */
export const LIVE_CHATTER_WINDOW_MS = 300_000;
export const LIVE_CHATTERS = 2;
/** The presence set outlives the longest window it answers for, then goes away with a quiet chat. */
export const PRESENCE_TTL_MS = LIVE_CHATTER_WINDOW_MS + 60_000;
/** What the tick read about the stream is read again from the database after this long (another process may have missed nothing, Redis may have lost it). */
export const LIVE_STATUS_TTL_MS = 10 * 60_000;

export type LiveStatus = 'live' | 'offline' | 'unknown';

/** One account that chatted: the person it counts as, and the Kick username their minutes go to. */
export interface Sighting {
	/** `m:<Discord id>` for a member who linked the account in this server, else `k:<Kick user id>`. */
	readonly person: string;
	readonly kickUserId: string;
	/** Lower-cased: the linked account's name for a linked member, else the name the account chatted under. */
	readonly username: string;
	/** When the account last chatted, in ms. */
	readonly at: number;
}

export function presenceMember(person: string, kickUserId: string, username: string): string {
	return `${person} ${kickUserId} ${username}`;
}

const MEMBER = /^([mk]:\d{1,20}) (\d{1,20}) (\S{1,64})$/;

/** A member of the presence set read back; null for anything that is not one (never written by this plugin). */
export function readPresenceMember(member: string, at: number): Sighting | null {
	const match = MEMBER.exec(member);
	return match === null ? null : { person: match[1]!, kickUserId: match[2]!, username: match[3]!, at };
}

export function readLiveStatus(value: string | null): LiveStatus | null {
	return value === 'live' || value === 'offline' || value === 'unknown' ? value : null;
}
