import type { PrismaClient } from '#generated/prisma/client';

/**
 * Which Kick events were already taken (`kick_event_receipts`), across readers, retries and bot
 * processes. Kick-level: an event is claimed once, before it is routed to its servers.
 */
export class KickEventReceipts {
	public constructor(private readonly client: PrismaClient) {}

	/** Insert-if-absent in one statement, so two racing deliveries cannot both win. @returns whether this caller claimed it. */
	public async claim(eventKey: string): Promise<boolean> {
		const rows = await this.client.$queryRaw<{ event_key: string }[]>`
			INSERT INTO kick_event_receipts (event_key) VALUES (${eventKey}) ON CONFLICT (event_key) DO NOTHING RETURNING event_key`;
		return rows.length === 1;
	}

	/** Forgets receipts older than `before` (Kick stops retrying long before). @returns how many. */
	public async prune(before: Date): Promise<number> {
		return this.client.$executeRaw`DELETE FROM kick_event_receipts WHERE received_at < ${before}`;
	}
}
