import { createHash } from 'node:crypto';
import type { AnnounceContext } from './announce.js';
import { count, discordTime, leaderboardLine } from './describeRaffle.js';

/** Places the leaderboard message shows. */
export const LEADERBOARD_SIZE = 10;

/** The outbox key of the leaderboard message for a channel and period (a new period posts a new one). */
export function leaderboardKey(channelId: string, periodId: number): string {
	return `raffle:leaderboard:${channelId}:${periodId}`;
}

/**
 * Keeps the server's leaderboard message (`raffle_leaderboard_channel_id`) up to date: the top
 * ten of the active period (else the latest). It is edited only when what it shows changed (the
 * hash of its text is kept), and at most once per run of the schedule; the first message of a
 * period is posted through the outbox, later ones are edits of it.
 */
export async function keepLeaderboard(
	context: AnnounceContext,
	log: (line: string) => void = () => undefined
): Promise<'unchanged' | 'posted' | 'edited' | 'no channel' | 'no period' | 'waiting'> {
	const channelId = context.settings.get('raffle_leaderboard_channel_id');
	if (channelId === null) return 'no channel';
	const raffles = context.db.raffles;
	const period = await raffles.latestPeriod();
	if (period === null) return 'no period';
	const top = await raffles.ticketLeaderboard(period.id, LEADERBOARD_SIZE);
	const participants = await raffles.participantCount(period.id);
	const lines = top.map((ticket, index) => leaderboardLine(index + 1, ticket, period.totalTickets));
	const content = [
		`🎟️ **Raffle leaderboard** · period #${period.id} (${period.status}, ends ${discordTime(period.endDate, 'R')})`,
		`${count(period.totalTickets)} tickets, ${count(participants)} participant(s)`,
		...(lines.length === 0 ? ['No tickets yet.'] : lines)
	].join('\n');
	const hash = createHash('sha256').update(`${channelId}\n${content}`).digest('hex');
	const shown = await raffles.leaderboardShown();
	if (shown !== null && shown.shownHash === hash && shown.periodId === period.id) return 'unchanged';
	const key = leaderboardKey(channelId, period.id);
	const messageId = await raffles.postedMessageId(key);
	if (messageId === null) {
		if (shown !== null && shown.periodId === period.id && shown.channelId === BigInt(channelId)) return 'waiting';
		try {
			await context.postInChannel(channelId, { content }, { key });
		} catch (error) {
			log(`Raffles: server ${context.guildId}: the leaderboard could not be posted in channel ${channelId}: ${String(error)}`);
			return 'no channel';
		}
		await raffles.recordLeaderboardShown(BigInt(channelId), period.id, hash);
		return 'posted';
	}
	if (!(await context.editInChannel(channelId, messageId, { content }))) return 'no channel';
	await raffles.recordLeaderboardShown(BigInt(channelId), period.id, hash);
	return 'edited';
}
