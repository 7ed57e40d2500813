import type { GuildContext, KickCommandArgs } from '#core';
import { describePoints } from './describePoints.js';

/** A Kick name as typed in chat, with or without @. */
const NAME = /^@?([A-Za-z0-9_]{1,25})$/;

/**
 * The chat's answer to `!points [name]` in one server: the chatter's own points (their linked
 * account's, when they linked one here), or those of the named account; null for an argument that
 * is no Kick name (chat commands refuse silently).
 */
export async function answerChatPoints(
	context: Pick<GuildContext, 'db'>,
	chatter: { readonly userId: string; readonly username: string },
	args: KickCommandArgs
): Promise<string | null> {
	const named = args.pick(0);
	let name: string;
	let own = false;
	if (named === undefined) {
		const link = await context.db.links.ofKickAccount({ name: chatter.username, userId: BigInt(chatter.userId) });
		name = (link?.kickName ?? chatter.username).toLowerCase();
		own = true;
	} else {
		const match = NAME.exec(named);
		if (match === null || args.tokens.length > 1) return null;
		name = match[1]!.toLowerCase();
	}
	const [balance, rank] = await Promise.all([context.db.points.balanceOf(name), context.db.points.rankOf(name)]);
	const who = own ? `@${chatter.username}, you have` : `${name} has`;
	return rank === null ? `${who} no points here yet.` : `${who} ${describePoints(balance)} here (#${rank}).`;
}
