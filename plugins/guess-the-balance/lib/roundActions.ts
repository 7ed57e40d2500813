import type { GuildContext, SettingKey } from '#core';
import { formatMoney, parseAmount } from './amount.js';
import { closedInChat, closedInDiscord, count, openedInChat, panelMessage, resultInChat, resultInDiscord } from './describeRound.js';
import type { GtbGuess, GtbRound } from './GtbRepository.js';
import { openRounds } from './OpenRounds.js';

/** What the round actions need of their server's context. */
export type GtbContext = Pick<
	GuildContext,
	'guildId' | 'db' | 'settings' | 'postInChannel' | 'editInChannel' | 'sayInKickChat' | 'announceChange' | 'overlayChanged'
>;

/** Where what could not be posted or shown is written; the change itself stands. */
export type Log = (line: string) => void;

/** What a moderator is told: whether it was done, and the sentence. */
export interface ActionAnswer {
	readonly done: boolean;
	readonly line: string;
}

const UNCHANGED = 'Nothing was changed.';

/** Opens the next round (refused while one is open or waits for its result), says so in Kick chat and updates the panel. */
export async function openRound(context: GtbContext, openedBy: bigint | null, log: Log): Promise<ActionAnswer> {
	const outcome = await context.db.gtb.openRound(openedBy);
	const round = outcome.round;
	if (outcome.status === 'unfinished') {
		return {
			done: false,
			line:
				round.status === 'open'
					? `Round #${round.number} is already open. ${UNCHANGED}`
					: `Round #${round.number} is closed and waits for its final balance: enter it first (\`/gtb result <amount>\`). ${UNCHANGED}`
		};
	}
	await roundsChanged(context, round.number);
	const prefix = context.settings.get('prefix');
	await say(context, openedInChat(round, prefix), `gtb:round:${round.number}:open`, log);
	await refreshPanel(context, log);
	return { done: true, line: `Opened round #${round.number}: viewers guess with \`${prefix}gtb <amount>\` in Kick chat.` };
}

/**
 * Closes the open round: guesses stop, and the commitment to the guess list is posted in Kick chat
 * and Discord. Asked again for a closed round, it posts what was missed (nothing more).
 */
export async function closeRound(context: GtbContext, log: Log): Promise<ActionAnswer> {
	const outcome = await context.db.gtb.closeRound();
	if (outcome.status === 'not open') {
		const latest = outcome.round;
		if (latest === null || latest.commitment === null) return { done: false, line: `No round is open. ${UNCHANGED}` };
		await announceClose(context, latest, log);
		return { done: false, line: `Round #${latest.number} is already closed (commitment \`${latest.commitment}\`). ${UNCHANGED}` };
	}
	await roundsChanged(context, null);
	await announceClose(context, outcome.round, log);
	await refreshPanel(context, log);
	const round = outcome.round;
	return { done: true, line: `Closed round #${round.number} with ${count(round.guessCount ?? 0)}. Commitment: \`${round.commitment}\`.` };
}

/**
 * Enters the final balance of the closed round, once: the closest `gtb_winners` guesses win (ties to
 * the earlier guess), announced in Kick chat and Discord. Asked again, it is refused, and posts
 * what was missed of the first announcement (nothing more).
 */
export async function enterResult(context: GtbContext, amountText: string, enteredBy: bigint | null, log: Log): Promise<ActionAnswer> {
	const amount = parseAmount(amountText, { allowZero: true });
	if (!amount.ok) return { done: false, line: `${amount.error} ${UNCHANGED}` };
	const outcome = await context.db.gtb.enterResult(amount.cents, context.settings.get('gtb_winners'), enteredBy);
	if (outcome.status === 'not closed') {
		const latest = outcome.round;
		if (latest === null || latest.status === 'open') {
			const line = latest === null ? 'No round yet.' : `Round #${latest.number} is still open: close it first (\`/gtb close\`).`;
			return { done: false, line: `${line} ${UNCHANGED}` };
		}
		await announceResult(context, latest, await context.db.gtb.winners(latest.number), log);
		return { done: false, line: `Round #${latest.number} already has its final balance (${formatMoney(latest.finalCents ?? 0n)}). ${UNCHANGED}` };
	}
	context.overlayChanged('gtb');
	await announceResult(context, outcome.round, outcome.winners, log);
	await refreshPanel(context, log);
	const winners = outcome.winners.map((winner) => `${winner.place}. ${winner.kickUsername} (${formatMoney(winner.cents)})`).join(', ');
	return {
		done: true,
		line: `Round #${outcome.round.number}: final balance ${formatMoney(amount.cents)}. ${winners === '' ? 'Nobody guessed.' : `Winners: ${winners}.`}`
	};
}

/** Posts this server's panel in a channel, through the outbox; later changes edit it (one panel per server: the newest). */
export async function postPanel(context: GtbContext, channelId: string): Promise<void> {
	const key = `gtb:panel:${channelId}:${Date.now()}`;
	await context.postInChannel(channelId, await panelNow(context), { key, kind: 'announcement' });
	await context.db.gtb.recordPanel(channelId, key);
}

/** The panel as the latest round is now. */
export async function panelNow(context: Pick<GtbContext, 'guildId' | 'db' | 'settings'>) {
	const round = await context.db.gtb.latestRound();
	const guesses = round === null ? 0 : (round.guessCount ?? (await context.db.gtb.guessCount(round.number)));
	const winners = round?.status === 'finished' ? await context.db.gtb.winners(round.number) : [];
	return panelMessage(context.guildId, round, guesses, winners, context.settings.get('prefix'));
}

/** Edits the posted panel to show the round as it is now (nothing when none was posted, or it is not sent yet, or it is `except`). */
export async function refreshPanel(context: GtbContext, log: Log, except?: string): Promise<void> {
	const panel = await context.db.gtb.panel();
	if (panel === null) return;
	const messageId = await context.db.gtb.postedMessageId(panel.postKey);
	if (messageId === null || messageId === except) return;
	try {
		// Through Discord's REST API: a guess may reach a process other than the one holding the server's shard.
		await context.editInChannel(panel.channelId, messageId, await panelNow(context));
	} catch (error) {
		log(`Guess the balance: server ${context.guildId}: the panel could not be updated: ${String(error)}`);
	}
}

/** The open round changed here: this process knows at once, the others are told, the overlay shows it. */
async function roundsChanged(context: GtbContext, openNumber: number | null): Promise<void> {
	openRounds.set(context.guildId, openNumber);
	context.overlayChanged('gtb');
	await context.announceChange('gtb');
}

async function announceClose(context: GtbContext, round: GtbRound, log: Log): Promise<void> {
	const key = `gtb:round:${round.number}:closed`;
	await say(context, closedInChat(round), key, log);
	await post(context, closedInDiscord(round), key, log);
}

async function announceResult(context: GtbContext, round: GtbRound, winners: readonly GtbGuess[], log: Log): Promise<void> {
	const key = `gtb:round:${round.number}:result`;
	await say(context, resultInChat(round, winners), key, log);
	await post(context, resultInDiscord(round, winners), key, log);
}

async function say(context: GtbContext, content: string, key: string, log: Log): Promise<void> {
	const said = await context.sayInKickChat(content, { key, kind: 'announcement' });
	if (said.status === 'not linked') log(`Guess the balance: server ${context.guildId} has no Kick channel linked; "${key}" was not said in chat.`);
}

async function post(context: GtbContext, content: string, key: string, log: Log): Promise<void> {
	const channelId = announcementChannel(context);
	if (channelId === null) return;
	try {
		await context.postInChannel(channelId, { content }, { key, kind: 'announcement' });
	} catch (error) {
		if (!(error instanceof TypeError)) throw error;
		log(`Guess the balance: server ${context.guildId}: "${key}" could not be posted in channel ${channelId}: ${error.message}`);
	}
}

/** The slot calls channel's key, declared by the slot requests plugin when it is installed. */
const SLOT_CALLS_CHANNEL: string = 'slot_calls_channel_id';

/** `gtb_channel_id`, else the slot calls channel when that setting exists and is set, else none. */
export function announcementChannel(context: Pick<GuildContext, 'settings'>): string | null {
	const own = context.settings.get('gtb_channel_id');
	if (own !== null) return own;
	try {
		const slotCalls = context.settings.get(SLOT_CALLS_CHANNEL as SettingKey) as unknown;
		return typeof slotCalls === 'string' ? slotCalls : null;
	} catch (error) {
		if (error instanceof RangeError) return null;
		throw error;
	}
}
