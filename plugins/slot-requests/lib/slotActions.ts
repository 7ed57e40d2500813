/*
 * What moderators do to the queue, whether from the panel, a /slots command or the dashboard: each
 * acts on its server, announces what viewers should see (Kick chat and the slot channel, through
 * the outbox, keyed by the work so doing it again posts nothing more), and tells the panel and the
 * overlays. Each returns the sentence to show the moderator.
 */
import type { GuildContext } from '#core';
import { requestLine, resultLine } from './describe.js';
import { slotsChanged } from './panel.js';
import type { SlotRequestRecord } from './SlotRequestsRepository.js';

export type SlotsContext = Pick<GuildContext, 'guildId' | 'guild' | 'db' | 'settings' | 'postInChannel' | 'editInChannel' | 'sayInKickChat' | 'overlayChanged'>;
export type Log = (line: string) => void;

export async function setRequestsOpen(context: SlotsContext, open: boolean, log: Log): Promise<string> {
	if (open && !context.settings.get('slot_requests_enabled'))
		return 'Slot requests are switched off in this server (`slot_requests_enabled`). Nothing was changed.';
	const changed = await context.db.slotRequests.setOpen(open);
	if (!changed) return open ? 'Slot requests are open already.' : 'Slot requests are closed already.';
	slotsChanged(context, log);
	const prefix = context.settings.get('prefix');
	await announce(
		context,
		`slot-requests:${open ? 'open' : 'close'}:${Date.now()}`,
		open ? `🎰 Slot requests are open! Type ${prefix}sr <slot> to request one.` : '🎰 Slot requests are closed.',
		log
	);
	return open ? 'Slot requests are open.' : 'Slot requests are closed.';
}

/** Picks a random open request fairly, announces it, and says which. */
export async function pickRequest(context: SlotsContext, byDiscordId: string | null, log: Log): Promise<string> {
	const picked = await context.db.slotRequests.pick(byDiscordId);
	if (picked === null) return 'The queue is empty: there is nothing to pick.';
	slotsChanged(context, log);
	const { request, pick } = picked;
	await announce(
		context,
		`slot-requests:pick:${pick.nonce}`,
		`🎰 Picked: ${request.slotCall}, requested by @${request.kickUsername} (pick #${pick.nonce})`,
		log,
		`🎰 **Pick #${pick.nonce}**: ${requestLine(request)}, drawn from ${pick.candidateIds.length} open request(s). Verify it with \`/slots verify ${pick.nonce}\`.`
	);
	return `Picked ${requestLine(request)} (pick #${pick.nonce}, from ${pick.candidateIds.length} open).`;
}

/** Records a request's bet and payout, announces the result, and says it. */
export async function playRequest(context: SlotsContext, requestId: number, betCents: bigint, payoutCents: bigint, log: Log): Promise<string> {
	const played = await context.db.slotRequests.markPlayed(requestId, betCents, payoutCents);
	if (played === 'not found') return `There is no request #${requestId} here.`;
	if (played === 'already done') return `Request #${requestId} was played or skipped already. Nothing was changed.`;
	slotsChanged(context, log);
	await announce(context, `slot-requests:played:${played.id}`, `🎰 ${resultLine(played)}`, log, `🎰 **Result**: ${resultLine(played)}`);
	return `Recorded ${resultLine(played)}.`;
}

/** Skips a request: the one given, else the current pick. */
export async function skipRequest(context: SlotsContext, requestId: number | null, log: Log): Promise<string> {
	const id = requestId ?? (await context.db.slotRequests.currentPick())?.request.id ?? null;
	if (id === null) return 'There is no current pick to skip; name a request.';
	const skipped = await context.db.slotRequests.skip(id);
	if (skipped === 'not found') return `There is no request #${id} here.`;
	if (skipped === 'already done') return `Request #${id} was played or skipped already. Nothing was changed.`;
	slotsChanged(context, log);
	return `Skipped ${requestLine(skipped)}.`;
}

export async function clearQueue(context: SlotsContext, log: Log): Promise<string> {
	const cleared = await context.db.slotRequests.clearOpen();
	if (cleared > 0) slotsChanged(context, log);
	return cleared === 0 ? 'The queue was empty.' : `Cleared ${cleared} open request(s).`;
}

export async function blacklistCaller(context: SlotsContext, kickUsername: string, byDiscordId: string | null): Promise<string> {
	const name = kickUsername.trim().replace(/^@/, '');
	return (await context.db.slotRequests.blacklist(name, byDiscordId))
		? `${name} is blacklisted: their slot requests are ignored (their open ones stay; skip or clear them).`
		: `${name} is on the blacklist already.`;
}

/** The current pick's line for moderators, or null. */
export async function currentPickLine(context: Pick<GuildContext, 'db'>): Promise<{ request: SlotRequestRecord; line: string } | null> {
	const current = await context.db.slotRequests.currentPick();
	return current === null ? null : { request: current.request, line: `${requestLine(current.request)} · pick #${current.pick.nonce}` };
}

/** Says it in Kick chat and in the slot channel (when set), each once for `key`; failures are logged, the change stands. */
async function announce(context: SlotsContext, key: string, chatText: string, log: Log, channelText: string = chatText): Promise<void> {
	try {
		await context.sayInKickChat(chatText, { key, kind: 'announcement' });
	} catch (error) {
		log(`Slot requests: server ${context.guildId}: could not say "${key}" in Kick chat: ${String(error)}`);
	}
	const channelId = context.settings.get('slot_calls_channel_id');
	if (channelId === null) return;
	try {
		await context.postInChannel(channelId, { content: channelText }, { key });
	} catch (error) {
		log(`Slot requests: server ${context.guildId}: could not post "${key}" in channel ${channelId}: ${String(error)}`);
	}
}
