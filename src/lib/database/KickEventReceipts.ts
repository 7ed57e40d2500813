import type { PrismaClient } from '#generated/prisma/client';
import type { KickEvent } from '#lib/kick/events/KickEvent';
import { kickEventFromJson, kickEventToJson } from '#lib/kick/events/kickEventJson';

/** An event taken but not yet handed to its servers (the process stopped in between). */
export interface UnhandledKickEvent {
	readonly eventKey: string;
	readonly event: KickEvent;
}

/**
 * Which Kick events were already taken (`kick_event_receipts`), across readers, retries and bot
 * processes. Kick-level: an event is claimed once, before it is routed to its servers, and kept
 * until it has been handed to them, so one taken just before a crash is handled after it.
 */
export class KickEventReceipts {
	public constructor(private readonly client: PrismaClient) {}

	/**
	 * Insert-if-absent in one statement, so two racing deliveries cannot both win. The event is
	 * stored with its key; `deliveryKey` (Kick-Event-Message-Id) is recorded in the same statement
	 * when it differs (a chat message is known by its own id whichever delivery or reader brings it).
	 * @returns whether this caller claimed the event.
	 */
	public async claim(eventKey: string, options: { readonly event?: KickEvent; readonly deliveryKey?: string } = {}): Promise<boolean> {
		const event = options.event === undefined ? null : kickEventToJson(options.event);
		const deliveryKey = options.deliveryKey !== undefined && options.deliveryKey !== eventKey ? options.deliveryKey : null;
		const rows = await this.client.$queryRaw<{ event_key: string }[]>`
			INSERT INTO kick_event_receipts (event_key, event, handled_at)
			SELECT key, payload::jsonb, NULL FROM (VALUES (${eventKey}, ${event}), (${deliveryKey}, NULL)) AS claimed(key, payload) WHERE key IS NOT NULL
			ON CONFLICT (event_key) DO NOTHING RETURNING event_key`;
		return rows.some((row) => row.event_key === eventKey);
	}

	/** Claims a key that needs no handling (the bot's own chat message, so the readers drop its echo). */
	public async claimHandled(eventKey: string): Promise<boolean> {
		const rows = await this.client.$queryRaw<{ event_key: string }[]>`
			INSERT INTO kick_event_receipts (event_key, handled_at) VALUES (${eventKey}, now()) ON CONFLICT (event_key) DO NOTHING RETURNING event_key`;
		return rows.length === 1;
	}

	/** The event has been handed to every server linked to its channel. */
	public async markHandled(eventKey: string): Promise<void> {
		await this.client.$executeRaw`UPDATE kick_event_receipts SET handled_at = now() WHERE event_key = ${eventKey} AND handled_at IS NULL`;
	}

	/**
	 * Takes events received between `after` and `before` and never handed over, oldest first. Taking
	 * one moves its `received_at` to now, so another bot process recovering at the same moment skips
	 * it, and it comes back only if this process stops before handing it over too.
	 */
	public async takeUnhandled(window: { readonly after: Date; readonly before: Date; readonly limit: number }): Promise<UnhandledKickEvent[]> {
		const rows = await this.client.$queryRaw<{ eventKey: string; event: string }[]>`
			UPDATE kick_event_receipts SET received_at = now()
			WHERE event_key IN (
				SELECT event_key FROM kick_event_receipts
				WHERE handled_at IS NULL AND event IS NOT NULL AND received_at > ${window.after} AND received_at < ${window.before}
				ORDER BY received_at LIMIT ${window.limit} FOR UPDATE SKIP LOCKED
			)
			RETURNING event_key AS "eventKey", event::text AS event`;
		return rows.map((row) => ({ eventKey: row.eventKey, event: kickEventFromJson(row.event) })).sort((a, b) => a.event.at.getTime() - b.event.at.getTime());
	}

	/** Gives up on events never handed over that are older than `before` (too late to act on). @returns how many. */
	public async abandon(before: Date): Promise<number> {
		return this.client.$executeRaw`UPDATE kick_event_receipts SET handled_at = now() WHERE handled_at IS NULL AND event IS NOT NULL AND received_at <= ${before}`;
	}

	/** Forgets receipts older than `before` (Kick stops retrying long before). @returns how many. */
	public async prune(before: Date): Promise<number> {
		return this.client.$executeRaw`DELETE FROM kick_event_receipts WHERE received_at < ${before}`;
	}
}
