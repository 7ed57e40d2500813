import type { DrawRecord } from './fairness/index.js';
import { chatNameOf, describeParticipantKey } from './participants.js';
import type { RafflePeriodRecord, StoredDraw, TicketRecord } from './RaffleRepository.js';
import { describeRules } from './rules.js';

/** Discord's timestamp markup: shown in each reader's own time zone. */
export function discordTime(moment: Date, style: 'f' | 'R' | 'D' = 'f'): string {
	return `<t:${Math.floor(moment.getTime() / 1000)}:${style}>`;
}

/** A count with thousands separators. */
export function count(value: number | bigint): string {
	return value.toLocaleString('en-US');
}

/** A chance as a percentage with sensible precision. */
export function chance(tickets: number, total: number): string {
	if (tickets <= 0 || total <= 0) return '0%';
	const percent = (tickets / total) * 100;
	return `${percent >= 10 ? percent.toFixed(1) : percent >= 0.01 ? percent.toFixed(2) : '<0.01'}%`;
}

/** The status embed of a period: dates, prize, rules, tickets and the seed's commitment. */
export function periodEmbed(period: RafflePeriodRecord, participants: number): object {
	const lines = [
		`**Period #${period.id}** · ${period.status}`,
		`From ${discordTime(period.startDate)} to ${discordTime(period.endDate)} (${period.status === 'active' ? `ends ${discordTime(period.endDate, 'R')}` : 'closed'})`,
		`Prize: ${period.prize ?? 'not set'}`,
		`Tickets: ${count(period.totalTickets)} held by ${count(participants)} participant(s)`,
		`Rules: ${describeRules(period.rules)}`,
		`Seed commitment (sha256): \`${period.seedCommitment ?? 'none yet'}\``
	];
	return { title: 'Raffle', description: lines.join('\n') };
}

/** A member's tickets by source. */
export function ticketLines(ticket: TicketRecord | null): string {
	if (ticket === null || ticket.totalTickets === 0) return 'No tickets yet.';
	// The carry is in cents × tickets per $1000: 100,000 of it make a ticket.
	const carried = Number(ticket.wagerCarry) / 1000;
	return [
		`Watch time: ${count(ticket.watchtimeTickets)}`,
		`Gifted subs: ${count(ticket.giftedSubTickets)}`,
		`Wagers: ${count(ticket.wagerTickets)} (wagered $${(Number(ticket.wagerCents) / 100).toFixed(2)}${carried > 0 ? `, ${carried.toFixed(1)}% of a ticket carried over` : ''})`,
		`Bonus: ${count(ticket.bonusTickets)}`,
		`**Total: ${count(ticket.totalTickets)}**`
	].join('\n');
}

/** One leaderboard line. */
export function leaderboardLine(rank: number, ticket: TicketRecord, total: number): string {
	return `${rank}. ${describeParticipantKey(ticket.participantKey, ticket.kickName)}: ${count(ticket.totalTickets)} (${chance(ticket.totalTickets, total)})`;
}

/** Who won each slot, for the announcement: the slot's current winner, rerolls noted. */
export function announcementText(period: RafflePeriodRecord, draws: readonly StoredDraw[], names: ReadonlyMap<string, string>, chat: boolean): string {
	const first = draws.find((draw) => draw.drawNumber === 1);
	if (first === undefined) return '';
	const record = first.record as DrawRecord;
	const prize = period.prize === null ? '' : ` for ${period.prize}`;
	if (record.winners.length === 0) return `The raffle of period #${period.id}${prize} was drawn: nobody was eligible, so there is no winner.`;
	const bySlot = new Map<number, { key: string; rerolls: number }>();
	for (const draw of draws) {
		(draw.record as DrawRecord).winners.forEach((winner, index) => {
			const slot = draw.slots[index]!;
			const before = bySlot.get(slot);
			bySlot.set(slot, { key: winner.key, rerolls: before === undefined ? 0 : before.rerolls + 1 });
		});
	}
	const name = (key: string) => (chat ? chatNameOf(key, names.get(key) ?? '') : describeParticipantKey(key, names.get(key) ?? ''));
	const winners = [...bySlot.entries()]
		.sort(([x], [y]) => x - y)
		.map(
			([slot, winner]) =>
				`${bySlot.size > 1 ? `#${slot} ` : ''}${name(winner.key)}${winner.rerolls > 0 ? ` (rerolled${winner.rerolls > 1 ? ` ×${winner.rerolls}` : ''})` : ''}`
		);
	const head = `🎉 Raffle of period #${period.id}${prize}: ${winners.join(', ')} won!`;
	if (chat) return `${head} Out of ${count(record.eligibleTickets)} tickets. Verify: /raffle verify in Discord.`;
	return `${head}\n${count(record.eligibleTickets)} eligible tickets from ${count(record.eligibleParticipants)} participant(s)${record.excluded.length > 0 ? `, ${record.excluded.length} excluded` : ''}. Seed \`${record.serverSeed}\` (commitment \`${record.commitment}\`). Check it with \`/raffle verify\` or \`/raffle export\`.`;
}
