import type { ChannelMessage, GuildContext } from '#core';
import { announcementText } from './describeRaffle.js';
import type { RaffleRepository } from './RaffleRepository.js';

/** What announcing needs of a server's context. */
export type AnnounceContext = Pick<GuildContext, 'guildId' | 'settings' | 'db' | 'sayInKickChat' | 'postInChannel' | 'editInChannel'>;

/** The outbox key of a period's announcement in Discord (the message rerolls edit). */
export function announcementKey(periodId: number): string {
	return `raffle:announce:${periodId}`;
}

/**
 * Delivers the announcements a draw left owed (recorded in its transaction): in the server's
 * `raffle_announcement_channel_id` and in its Kick chat, through the outbox, then marked delivered.
 * The outbox keys name the period and draw, so a crash between handing over and marking announces
 * once. A reroll edits the Discord announcement in place (once it was posted) and says the new
 * winner in Kick chat.
 */
export async function deliverOwedAnnouncements(context: AnnounceContext, log: (line: string) => void = () => undefined): Promise<number> {
	const raffles = context.db.raffles;
	const owed = await raffles.owedAnnouncements();
	for (const { periodId, drawNumber } of owed) {
		const period = (await raffles.period(periodId))!;
		const draws = (await raffles.draws(periodId)).filter((draw) => draw.drawNumber <= drawNumber);
		const names = await namesOf(raffles, periodId, draws);
		const discord: ChannelMessage = { content: announcementText(period, draws, names, false) };
		const channelId = context.settings.get('raffle_announcement_channel_id');
		if (channelId !== null) {
			if (drawNumber === 1 || !(await editAnnouncement(context, channelId, periodId, discord))) {
				await context
					.postInChannel(channelId, discord, { key: drawNumber === 1 ? announcementKey(periodId) : `${announcementKey(periodId)}:${drawNumber}` })
					.catch((error: unknown) => {
						log(
							`Raffles: server ${context.guildId}: the announcement of period #${periodId} could not be posted in channel ${channelId}: ${String(error)}`
						);
					});
			}
		}
		await context.sayInKickChat(announcementText(period, draws, names, true), { key: `raffle:draw:${periodId}:${drawNumber}`, kind: 'announcement' });
		await raffles.markAnnounced(periodId, drawNumber);
	}
	return owed.length;
}

/** Edits the period's Discord announcement to show the rerolls; false when it was not posted (yet), or is gone. */
async function editAnnouncement(context: AnnounceContext, channelId: string, periodId: number, message: ChannelMessage): Promise<boolean> {
	const messageId = await context.db.raffles.postedMessageId(announcementKey(periodId));
	if (messageId === null) return false;
	try {
		// Through Discord's REST API: the process drawing may not be the one holding the server's shard.
		return await context.editInChannel(channelId, messageId, { content: message.content });
	} catch {
		return false;
	}
}

async function namesOf(raffles: RaffleRepository, periodId: number, draws: readonly { record: unknown }[]): Promise<Map<string, string>> {
	const keys = draws.flatMap((draw) => (draw.record as { winners: { key: string }[] }).winners.map((winner) => winner.key));
	const tickets = await raffles.ticketsOfKeys(periodId, keys);
	return new Map([...tickets.entries()].map(([key, ticket]) => [key, ticket.kickName]));
}
