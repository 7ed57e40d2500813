import type { GuildRepositories } from '#core';
import type { CreditOutcome, SpendOutcome } from './UserPointsRepository.js';

/**
 * The points API for other plugins (the point shop). Call these with the repositories of your
 * transaction (`context.db.transaction((db) => spendPoints(db, …))`): the points and their ledger
 * rows come and go with it. A viewer (`person`) is a Kick name in this server (any case; held
 * lower-cased); a member counts through the Kick account they linked here (`personOfMember`).
 */
export type PointsDb = Pick<GuildRepositories, 'points'>;

/** Takes `amount` if the balance covers it (one conditional update, one ledger row); never below zero. */
export async function spendPoints(
	db: PointsDb,
	spend: { person: string; amount: number; reason: string; source?: string; ref?: string | null; actorDiscordId?: bigint | null }
): Promise<SpendOutcome> {
	return db.points.spend(spend.person, {
		amount: spend.amount,
		source: spend.source ?? 'shop',
		reason: spend.reason,
		ref: spend.ref ?? null,
		actorDiscordId: spend.actorDiscordId ?? null
	});
}

/**
 * Gives back points spent (a cancelled order): one ledger row with source `refund`. With `ref`, a
 * refund counts once per server and `ref` (refunding the same sale twice adds nothing).
 */
export async function refundPoints(
	db: PointsDb,
	refund: { person: string; amount: number; reason: string; ref?: string | null; actorDiscordId?: bigint | null }
): Promise<CreditOutcome> {
	const ref = refund.ref ?? null;
	return db.points.credit(refund.person, {
		amount: refund.amount,
		source: 'refund',
		reason: refund.reason,
		ref,
		eventKey: ref === null ? null : `refund:${ref}`,
		actorDiscordId: refund.actorDiscordId ?? null
	});
}

/** A viewer's balance (0 when they never had points). */
export async function balanceOf(db: PointsDb, person: string): Promise<number> {
	return db.points.balanceOf(person);
}

/** The viewer a member is here: the Kick name they linked (lower-cased), or null when they linked none. */
export async function personOfMember(db: PointsDb, discordId: bigint): Promise<string | null> {
	return db.points.kickNameOfMember(discordId);
}
