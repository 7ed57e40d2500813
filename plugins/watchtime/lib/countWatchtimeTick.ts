import type { GuildContext } from '#core';
import {
	LIVE_CHATTER_WINDOW_MS,
	LIVE_CHATTERS,
	LIVE_KEY,
	LIVE_STATUS_TTL_MS,
	PRESENCE_KEY,
	PRESENCE_WINDOW_MS,
	readLiveStatus,
	readPresenceMember,
	type LiveStatus
} from './presence.js';

/** What a tick needs of a server's context. */
export type TickContext = Pick<GuildContext, 'guildId' | 'db' | 'settings' | 'shared'>;

/** One tick: the minute it counts (its start) and the moment presence is measured at. */
export interface Tick {
	readonly tickAt: Date;
	readonly now: number;
}

/** Why a server's tick counted nothing, or what it counted. */
export type TickResult =
	| { readonly status: 'tracking off' }
	| { readonly status: 'not live'; readonly kick: LiveStatus; readonly chatters: number }
	| { readonly status: 'counted'; readonly viewers: number; readonly credited: number }
	| { readonly status: 'counted already' };

/** The start of the tick of `intervalMs` that `now` falls in: every process that runs the tick then names the same one. */
export function tickOf(now: number, intervalMs: number): Tick {
	return { tickAt: new Date(Math.floor(now / intervalMs) * intervalMs), now };
}

/**
 * Counts one tick for a server: when tracking is on and the stream is live (Kick said so, or,
 * where Kick has not said, at least 2 people chatted in the last 5 minutes, or the server forces
 * it), every person whose last message is under 2 minutes old gains a minute, once per person and
 * tick, in one statement. Reads presence from Redis (one round trip) and trims what is too old to matter.
 */
export async function countWatchtimeTick(context: TickContext, tick: Tick): Promise<TickResult> {
	if (!context.settings.get('tracking_enabled')) return { status: 'tracking off' };
	const [recent, kick] = await Promise.all([
		context.shared.membersScoredFrom(PRESENCE_KEY, tick.now - LIVE_CHATTER_WINDOW_MS),
		liveStatusOf(context),
		context.shared.removeScoredBelow(PRESENCE_KEY, tick.now - LIVE_CHATTER_WINDOW_MS)
	]);
	const sightings = recent.flatMap(({ member, score }) => readPresenceMember(member, score) ?? []);
	const chatters = new Set(sightings.map((sighting) => sighting.person)).size;
	const live = context.settings.get('tracking_force_override') || kick === 'live' || (kick === 'unknown' && chatters >= LIVE_CHATTERS);
	if (!live) return { status: 'not live', kick, chatters };
	const present = sightings.filter((sighting) => tick.now - sighting.at < PRESENCE_WINDOW_MS);
	const counted = await context.db.watchtime.countTick(tick.tickAt, present, context.settings.get('watchtime_daily_cap_minutes'));
	return counted.counted ? { status: 'counted', viewers: counted.viewers, credited: counted.credited } : { status: 'counted already' };
}

/** What Kick last said about the server's stream: from Redis, else from the connection the core records (kept in Redis a while). */
async function liveStatusOf(context: TickContext): Promise<LiveStatus> {
	const shared = readLiveStatus(await context.shared.get(LIVE_KEY));
	if (shared !== null) return shared;
	const connection = await context.db.kickConnection.get();
	const status: LiveStatus = connection?.isLive === true ? 'live' : connection?.isLive === false ? 'offline' : 'unknown';
	await context.shared.set(LIVE_KEY, status, { ttlMs: LIVE_STATUS_TTL_MS });
	return status;
}

/** A tick's result in a log line. */
export function describeTickResult(result: TickResult): string {
	switch (result.status) {
		case 'tracking off':
			return 'tracking is off';
		case 'not live':
			return `not live (Kick: ${result.kick}, ${result.chatters} chatter(s) in 5 minutes)`;
		case 'counted':
			return `${result.credited} of ${result.viewers} viewer(s) gained a minute`;
		case 'counted already':
			return 'counted already';
	}
}
