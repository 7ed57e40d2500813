import type { GuildRepositories } from '#core';

/** Who pays: points are kept per Kick account in a server (a member pays through the account they linked). */
export interface Payer {
	readonly kickUsername: string;
	readonly discordId: bigint | null;
}

export type SpendOutcome = { readonly status: 'spent'; readonly balance: number } | { readonly status: 'insufficient'; readonly balance: number };

type PointsDb = Pick<GuildRepositories, 'points'>;

/*
 * The shop's one door to the points plugin, as its README's "For other plugins" describes it
 * (`spendPoints`, `refundPoints` in plugins/points/lib/ledger.ts, which call these repository
 * methods; a plugin imports no other plugin's files, so the shop reaches them through `db.points`).
 * Called with the repositories of the purchase's transaction: points, ledger rows and the order
 * come and go together.
 */

/** Takes `amount` points (one ledger row, source `shop`, `ref` the item) if the balance covers them; never below zero. */
export async function spend(db: PointsDb, payer: Payer, amount: number, reason: string, ref: string): Promise<SpendOutcome> {
	return db.points.spend(payer.kickUsername, { amount, source: 'shop', reason, ref, actorDiscordId: payer.discordId });
}

/** Gives back the points of a cancelled order (a `refund` ledger row, counted once per order). */
export async function refund(db: PointsDb, payer: Payer, amount: number, reason: string, ref: string, by: bigint | null): Promise<number> {
	return (await db.points.credit(payer.kickUsername, { amount, source: 'refund', reason, ref, eventKey: `refund:${ref}`, actorDiscordId: by })).balance;
}
