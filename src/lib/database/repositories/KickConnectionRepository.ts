import type { KickConnection as KickConnectionRow } from '#generated/prisma/client';
import { GuildRepository } from '#lib/database/repositories/GuildRepository';

export type KickEventsVia = 'webhook' | 'socket';

/** This server's link to its Kick channel and the health of that link (`kick_connections`). */
export interface KickConnection {
	readonly broadcasterUserId: bigint;
	readonly channelSlug: string;
	readonly connectedBy: bigint | null;
	readonly connectedAt: Date;
	readonly eventsVia: KickEventsVia;
	/** 'pending', 'subscribed', 'failed' (detail says why) or 'not needed' (socket). */
	readonly subscriptionState: string;
	readonly subscriptionDetail: string | null;
	readonly subscriptionCheckedAt: Date | null;
	readonly needsReauthorizationSince: Date | null;
	readonly reauthorizationReason: string | null;
	/** Null until Kick has said whether the stream is live. */
	readonly isLive: boolean | null;
	readonly liveTitle: string | null;
	readonly liveSince: Date | null;
	readonly lastEventAt: Date | null;
	readonly lastEventType: string | null;
}

export interface LiveStatus {
	readonly isLive: boolean;
	readonly title: string | null;
	readonly startedAt: Date | null;
	/** When Kick said so; an older status than the one stored is ignored (deliveries arrive out of order). */
	readonly at: Date;
}

export class KickConnectionRepository extends GuildRepository {
	public async get(): Promise<KickConnection | null> {
		const row = await this.client.kickConnection.findUnique({ where: { discordServerId: this.guildId } });
		return row && toConnection(row);
	}

	/** Links the server to a channel (again): a fresh link, with no leftover health from an earlier one. */
	public async connect(link: { broadcasterUserId: bigint; channelSlug: string; connectedBy: bigint; eventsVia: KickEventsVia }): Promise<KickConnection> {
		const fresh = {
			broadcasterUserId: link.broadcasterUserId,
			channelSlug: link.channelSlug,
			connectedByDiscordId: link.connectedBy,
			connectedAt: new Date(),
			eventsVia: link.eventsVia,
			subscriptionState: link.eventsVia === 'socket' ? 'not needed' : 'pending',
			subscriptionDetail: null,
			subscriptionCheckedAt: null,
			needsReauthorizationSince: null,
			reauthorizationReason: null,
			isLive: null,
			liveTitle: null,
			liveSince: null,
			liveChangedAt: null,
			lastEventAt: null,
			lastEventType: null
		};
		const row = await this.client.kickConnection.upsert({
			where: { discordServerId: this.guildId },
			create: { discordServerId: this.guildId, ...fresh },
			update: fresh
		});
		return toConnection(row);
	}

	/** @returns whether the server was linked. */
	public async disconnect(): Promise<boolean> {
		const { count } = await this.client.kickConnection.deleteMany({ where: { discordServerId: this.guildId } });
		return count > 0;
	}

	public async setEventsVia(eventsVia: KickEventsVia): Promise<void> {
		await this.client.kickConnection.updateMany({
			where: { discordServerId: this.guildId, eventsVia: { not: eventsVia } },
			data: { eventsVia, subscriptionState: eventsVia === 'socket' ? 'not needed' : 'pending', subscriptionDetail: null }
		});
	}

	public async recordSubscription(state: 'subscribed' | 'failed' | 'not needed', detail: string | null, at = new Date()): Promise<void> {
		await this.client.kickConnection.updateMany({
			where: { discordServerId: this.guildId },
			data: { subscriptionState: state, subscriptionDetail: detail, subscriptionCheckedAt: at }
		});
	}

	/** Kick refused the tokens: moderators must authorise again. @returns whether this is news (first time). */
	public async markNeedsReauthorization(reason: string, at = new Date()): Promise<boolean> {
		const { count } = await this.client.kickConnection.updateMany({
			where: { discordServerId: this.guildId, needsReauthorizationSince: null },
			data: { needsReauthorizationSince: at, reauthorizationReason: reason }
		});
		return count > 0;
	}

	/** @returns whether the status was newer than the stored one and applied. */
	public async recordLiveStatus(status: LiveStatus): Promise<boolean> {
		const { count } = await this.client.kickConnection.updateMany({
			where: { discordServerId: this.guildId, OR: [{ liveChangedAt: null }, { liveChangedAt: { lte: status.at } }] },
			data: {
				isLive: status.isLive,
				liveTitle: status.title,
				liveSince: status.isLive ? (status.startedAt ?? status.at) : null,
				liveChangedAt: status.at
			}
		});
		return count > 0;
	}
}

function toConnection(row: KickConnectionRow): KickConnection {
	return {
		broadcasterUserId: row.broadcasterUserId,
		channelSlug: row.channelSlug,
		connectedBy: row.connectedByDiscordId,
		connectedAt: row.connectedAt,
		eventsVia: row.eventsVia === 'socket' ? 'socket' : 'webhook',
		subscriptionState: row.subscriptionState,
		subscriptionDetail: row.subscriptionDetail,
		subscriptionCheckedAt: row.subscriptionCheckedAt,
		needsReauthorizationSince: row.needsReauthorizationSince,
		reauthorizationReason: row.reauthorizationReason,
		isLive: row.isLive,
		liveTitle: row.liveTitle,
		liveSince: row.liveSince,
		lastEventAt: row.lastEventAt,
		lastEventType: row.lastEventType
	};
}
