import { GuildRepository } from '#lib/database/repositories/GuildRepository';
import { UNDELIVERED_STATUSES, type OutboxDestination, type OutboxStatus } from '#lib/outbox/OutboxMessage';

/** What became of one server's messages to a destination since a moment, for its moderators. */
export interface OutboxSummary {
	/** Ended messages by how they ended. */
	readonly ended: Readonly<Partial<Record<OutboxStatus, number>>>;
	/** Recorded and not yet sent (waiting their turn, or for a process to take them over). */
	readonly waiting: number;
	/** The latest message that did not reach its destination, with why. */
	readonly latestUndelivered: { readonly status: OutboxStatus; readonly error: string | null; readonly at: Date; readonly content: string } | null;
}

/** One server's outbox (`outbox_messages`), as its moderators see it. */
export class OutboxRepository extends GuildRepository {
	public async summary(destination: OutboxDestination, since: Date): Promise<OutboxSummary> {
		const where = { discordServerId: this.guildId, destination };
		const [ended, waiting, latest] = await Promise.all([
			this.client.outboxMessage.groupBy({ by: ['status'], where: { ...where, finishedAt: { gte: since } }, _count: { _all: true } }),
			this.client.outboxMessage.count({ where: { ...where, status: { in: ['pending', 'sending'] } } }),
			this.client.outboxMessage.findFirst({
				where: { ...where, status: { in: [...UNDELIVERED_STATUSES] }, finishedAt: { gte: since } },
				orderBy: { finishedAt: 'desc' },
				select: { status: true, error: true, finishedAt: true, content: true }
			})
		]);
		return {
			ended: Object.fromEntries(ended.map((group) => [group.status, group._count._all])),
			waiting,
			latestUndelivered:
				latest === null ? null : { status: latest.status as OutboxStatus, error: latest.error, at: latest.finishedAt ?? since, content: latest.content }
		};
	}
}
