import type { GuildRepositories } from '#core';
import type { Participant } from './participants.js';
import type { TicketChangeOutcome } from './RaffleRepository.js';

/** What became of bonus tickets given to a participant. */
export type BonusOutcome = ({ readonly status: 'added' } & TicketChangeOutcome) | { readonly status: 'no active period' };

/**
 * Adds bonus tickets to a participant in this server's active period, logged with the reason: the
 * one entry point for other plugins (the point shop's "raffle tickets" items). Call it with the
 * repositories of your transaction (`context.db.transaction(async (db) => addBonusTickets(db, …))`)
 * and the tickets come and go with it. A member is `{ discordId, kickName }` (their linked Kick
 * name, or ''), a Kick account nobody linked here `{ discordId: null, kickName }`.
 */
export async function addBonusTickets(
	db: Pick<GuildRepositories, 'raffles'>,
	grant: { participant: Participant; tickets: number; reason: string; actorDiscordId?: bigint | null }
): Promise<BonusOutcome> {
	const period = await db.raffles.activePeriod();
	if (period === null) return { status: 'no active period' };
	const outcome = await db.raffles.changeTickets(period.id, {
		participant: grant.participant,
		source: 'bonus',
		delta: grant.tickets,
		reason: grant.reason,
		actorDiscordId: grant.actorDiscordId ?? null
	});
	return { status: 'added', ...outcome };
}

/** A participant from a Kick name: the member linked to it here, else the Kick account itself. */
export async function participantOfKickName(db: Pick<GuildRepositories, 'raffles'>, kickName: string): Promise<Participant> {
	const member = await db.raffles.memberLinkedTo(kickName);
	return member === null ? { discordId: null, kickName: kickName.toLowerCase() } : { discordId: member.discordId, kickName: member.kickName };
}

/** A participant from a member: through the Kick account they linked here ('' when none). */
export async function participantOfMember(db: Pick<GuildRepositories, 'raffles'>, discordId: bigint): Promise<Participant> {
	return { discordId, kickName: (await db.raffles.kickNameOf(discordId)) ?? '' };
}
