import type { GuildContext, KickCommandArgs } from '#core';
import { describeMinutes } from './describeWatchtime.js';

/** A Kick name as typed in chat, with or without @. */
const NAME = /^@?([A-Za-z0-9_]{1,25})$/;

/**
 * The chat's answer to `!watchtime [name]` in one server: the chatter's own watch time (their
 * linked account's, when they linked one here), or that of the named account; null for an
 * argument that is no Kick name (chat commands refuse silently).
 */
export async function answerChatWatchtime(
	context: Pick<GuildContext, 'db'>,
	chatter: { readonly userId: string; readonly username: string },
	args: KickCommandArgs
): Promise<string | null> {
	const named = args.pick(0);
	let username: string;
	let own = false;
	if (named === undefined) {
		const link = await context.db.links.ofKickAccount({ name: chatter.username, userId: BigInt(chatter.userId) });
		username = (link?.kickName ?? chatter.username).toLowerCase();
		own = true;
	} else {
		const match = NAME.exec(named);
		if (match === null || args.tokens.length > 1) return null;
		username = match[1]!.toLowerCase();
	}
	const [minutes, rank] = await Promise.all([context.db.watchtime.minutesOf(username), context.db.watchtime.rankOf(username)]);
	const who = own ? `@${chatter.username}, you have` : `${username} has`;
	return minutes === 0 ? `${who} no watch time here yet.` : `${who} watched ${describeMinutes(minutes)} here (#${rank}).`;
}
