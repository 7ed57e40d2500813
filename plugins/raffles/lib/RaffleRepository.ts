import { ConflictError, GuildRepository, InvalidInputError, NotFoundError, Prisma, assertPositiveInteger, type QueryClient } from '#core';

export type RafflePeriodStatus = 'active' | 'ended' | 'drawn' | 'cancelled';
export type TicketSource = 'watchtime' | 'giftedSub' | 'wager' | 'bonus';

export interface RafflePeriodRecord {
	readonly id: number;
	readonly startDate: Date;
	readonly endDate: Date;
	readonly status: string;
	readonly totalTickets: number;
	readonly createdAt: Date | null;
}

export interface TicketRecord {
	readonly periodId: number;
	readonly discordId: bigint;
	readonly kickName: string;
	readonly watchtimeTickets: number;
	readonly giftedSubTickets: number;
	readonly wagerTickets: number;
	readonly bonusTickets: number;
	readonly totalTickets: number;
}

export interface DrawInput {
	readonly totalTickets: number;
	readonly totalParticipants: number;
	readonly winnerDiscordId: bigint;
	readonly winnerKickName: string;
	readonly winningTicket: number;
	readonly prizeDescription: string | null;
	readonly drawnByDiscordId: bigint | null;
	readonly serverSeed: string;
	readonly clientSeed: string;
	readonly nonce: string;
	readonly proofHash: string;
}

export interface DrawRecord extends DrawInput {
	readonly id: number;
	readonly periodId: number;
	readonly drawnAt: Date | null;
}

const SOURCE_COLUMNS: Record<TicketSource, Prisma.Sql> = {
	watchtime: Prisma.raw('watchtime_tickets'),
	giftedSub: Prisma.raw('gifted_sub_tickets'),
	wager: Prisma.raw('shuffle_wager_tickets'),
	bonus: Prisma.raw('bonus_tickets')
};

interface PeriodRow {
	id: number;
	startDate: Date;
	endDate: Date;
	status: string | null;
	totalTickets: number | null;
	createdAt: Date | null;
}

interface TicketRow {
	periodId: number | null;
	discordId: bigint;
	kickName: string;
	watchtimeTickets: number | null;
	giftedSubTickets: number | null;
	shuffleWagerTickets: number | null;
	bonusTickets: number | null;
	totalTickets: number | null;
}

/**
 * This server's raffle periods, and their tickets and draws. Tickets and draws are reached
 * through a period, which is checked to belong to this server first; their rows also carry
 * the server, and the database ties (period, server) together with a foreign key.
 */
export class RaffleRepository extends GuildRepository {
	public async activePeriod(): Promise<RafflePeriodRecord | null> {
		const row = await this.client.rafflePeriod.findFirst({
			where: { discordServerId: this.guildId, status: 'active' },
			orderBy: { startDate: 'desc' }
		});
		return row && toPeriod(row);
	}

	public async period(id: number): Promise<RafflePeriodRecord | null> {
		const row = await this.client.rafflePeriod.findFirst({ where: { discordServerId: this.guildId, id } });
		return row && toPeriod(row);
	}

	public async periods(): Promise<RafflePeriodRecord[]> {
		const rows = await this.client.rafflePeriod.findMany({ where: { discordServerId: this.guildId }, orderBy: { startDate: 'desc' } });
		return rows.map(toPeriod);
	}

	/** Opens a period. @throws {ConflictError} while another period of this server is active. */
	public async createPeriod(period: { startDate: Date; endDate: Date }): Promise<RafflePeriodRecord> {
		if (!(period.endDate > period.startDate)) throw new InvalidInputError('A raffle period ends after it starts');
		return this.scope.transaction(async (client) => {
			await client.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('raffle_periods:' || ${this.guildId}::text, 0))`;
			const active = await client.rafflePeriod.count({ where: { discordServerId: this.guildId, status: 'active' } });
			if (active > 0) throw new ConflictError('This server already has an active raffle period');
			const row = await client.rafflePeriod.create({ data: { discordServerId: this.guildId, ...period, status: 'active' } });
			return toPeriod(row);
		});
	}

	public async setPeriodStatus(id: number, status: RafflePeriodStatus): Promise<RafflePeriodRecord> {
		const rows = await this.client.rafflePeriod.updateManyAndReturn({ where: { discordServerId: this.guildId, id }, data: { status } });
		if (rows[0] === undefined) throw new NotFoundError(`Raffle period #${id}`);
		return toPeriod(rows[0]);
	}

	/** Adds tickets from one source to a person in a period, and to the period's total. */
	public async addTickets(periodId: number, grant: { discordId: bigint; kickName: string; source: TicketSource; amount: number }): Promise<TicketRecord> {
		assertPositiveInteger(grant.amount, 'The tickets to add');
		return this.scope.transaction(async (client) => {
			await this.periodOrThrow(client, periodId);
			const column = SOURCE_COLUMNS[grant.source];
			const rows = await client.$queryRaw<TicketRow[]>`
				INSERT INTO raffle_tickets (period_id, discord_server_id, discord_id, kick_name, ${column}, total_tickets, last_updated)
				VALUES (${periodId}, ${this.guildId}, ${grant.discordId}, ${grant.kickName}, ${grant.amount}, ${grant.amount}, now())
				ON CONFLICT (period_id, discord_id) DO UPDATE SET
					${column} = COALESCE(raffle_tickets.${column}, 0) + EXCLUDED.${column},
					total_tickets = COALESCE(raffle_tickets.total_tickets, 0) + EXCLUDED.total_tickets,
					kick_name = EXCLUDED.kick_name,
					last_updated = now()
				WHERE raffle_tickets.discord_server_id = ${this.guildId}
				RETURNING ${TICKET_COLUMNS}`;
			await client.rafflePeriod.updateMany({
				where: { discordServerId: this.guildId, id: periodId },
				data: { totalTickets: { increment: grant.amount } }
			});
			return toTicket(rows[0]!);
		});
	}

	public async ticketsOf(periodId: number, discordId: bigint): Promise<TicketRecord | null> {
		await this.periodOrThrow(this.client, periodId);
		const row = await this.client.raffleTicket.findFirst({ where: { discordServerId: this.guildId, periodId, discordId } });
		return row && toTicket(row);
	}

	/** Participants with tickets, most tickets first (ties by Discord id). */
	public async ticketLeaderboard(periodId: number, limit: number): Promise<TicketRecord[]> {
		await this.periodOrThrow(this.client, periodId);
		const rows = await this.client.raffleTicket.findMany({
			where: { discordServerId: this.guildId, periodId, totalTickets: { gt: 0 } },
			orderBy: [{ totalTickets: 'desc' }, { discordId: 'asc' }],
			take: limit
		});
		return rows.map(toTicket);
	}

	/** Every participant with tickets, in the stable order a draw assigns ticket ranges (by Discord id). */
	public async participants(periodId: number): Promise<TicketRecord[]> {
		await this.periodOrThrow(this.client, periodId);
		const rows = await this.client.raffleTicket.findMany({
			where: { discordServerId: this.guildId, periodId, totalTickets: { gt: 0 } },
			orderBy: { discordId: 'asc' }
		});
		return rows.map(toTicket);
	}

	public async recordDraw(periodId: number, draw: DrawInput): Promise<DrawRecord> {
		return this.scope.transaction(async (client) => {
			await this.periodOrThrow(client, periodId);
			const row = await client.raffleDraw.create({ data: { ...draw, periodId, discordServerId: this.guildId } });
			return toDraw(row);
		});
	}

	public async draws(periodId: number): Promise<DrawRecord[]> {
		await this.periodOrThrow(this.client, periodId);
		const rows = await this.client.raffleDraw.findMany({ where: { discordServerId: this.guildId, periodId }, orderBy: { id: 'asc' } });
		return rows.map(toDraw);
	}

	private async periodOrThrow(client: QueryClient, periodId: number): Promise<void> {
		const found = await client.rafflePeriod.count({ where: { discordServerId: this.guildId, id: periodId } });
		if (found === 0) throw new NotFoundError(`Raffle period #${periodId}`);
	}
}

const TICKET_COLUMNS = Prisma.raw(
	'period_id AS "periodId", discord_id AS "discordId", kick_name AS "kickName", watchtime_tickets AS "watchtimeTickets", ' +
		'gifted_sub_tickets AS "giftedSubTickets", shuffle_wager_tickets AS "shuffleWagerTickets", bonus_tickets AS "bonusTickets", total_tickets AS "totalTickets"'
);

function toPeriod(row: PeriodRow): RafflePeriodRecord {
	return {
		id: row.id,
		startDate: row.startDate,
		endDate: row.endDate,
		status: row.status ?? 'active',
		totalTickets: row.totalTickets ?? 0,
		createdAt: row.createdAt
	};
}

function toTicket(row: TicketRow): TicketRecord {
	return {
		periodId: row.periodId!,
		discordId: row.discordId,
		kickName: row.kickName,
		watchtimeTickets: row.watchtimeTickets ?? 0,
		giftedSubTickets: row.giftedSubTickets ?? 0,
		wagerTickets: row.shuffleWagerTickets ?? 0,
		bonusTickets: row.bonusTickets ?? 0,
		totalTickets: row.totalTickets ?? 0
	};
}

function toDraw(row: {
	id: number;
	periodId: number | null;
	totalTickets: number;
	totalParticipants: number;
	winnerDiscordId: bigint;
	winnerKickName: string;
	winningTicket: number;
	prizeDescription: string | null;
	drawnAt: Date | null;
	drawnByDiscordId: bigint | null;
	serverSeed: string | null;
	clientSeed: string | null;
	nonce: string | null;
	proofHash: string | null;
}): DrawRecord {
	return {
		id: row.id,
		periodId: row.periodId!,
		totalTickets: row.totalTickets,
		totalParticipants: row.totalParticipants,
		winnerDiscordId: row.winnerDiscordId,
		winnerKickName: row.winnerKickName,
		winningTicket: row.winningTicket,
		prizeDescription: row.prizeDescription,
		drawnAt: row.drawnAt,
		drawnByDiscordId: row.drawnByDiscordId,
		serverSeed: row.serverSeed ?? '',
		clientSeed: row.clientSeed ?? '',
		nonce: row.nonce ?? '',
		proofHash: row.proofHash ?? ''
	};
}
