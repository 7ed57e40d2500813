import type { REST } from 'discord.js';
import { Routes } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import type { DeliveryOutcome, OutboxCourier, OutboxRecord } from '#lib/outbox/OutboxMessage';

interface QueuedMessage {
	readonly record: OutboxRecord;
	readonly claim: () => Promise<boolean>;
	readonly settle: (outcome: DeliveryOutcome) => void;
}

/**
 * The courier of the outbox's Discord messages: posted over Discord's REST API (any bot process
 * can, whichever shard holds the server), one at a time per target so they keep their order;
 * discord.js' REST client keeps to Discord's rate limits. Mentions never ping, and the outbox id
 * goes as an enforced nonce, so a request discord.js retries is not posted twice. A channel's
 * messages go to the channel; a user's DMs go to the DM channel Discord opens (or returns) for them.
 */
export class DiscordChannelCourier implements OutboxCourier {
	private readonly channels = new Map<string, { readonly waiting: QueuedMessage[]; drain: Promise<void> | null }>();
	private accepting = true;
	private stopped = false;

	public constructor(
		private readonly rest: REST,
		public readonly destination: 'discord_channel' | 'discord_dm' = 'discord_channel'
	) {}

	public deliver(record: OutboxRecord, claim: () => Promise<boolean>): Promise<DeliveryOutcome> {
		if (!this.accepting) return Promise.resolve({ status: 'released' });
		const key = record.targetId.toString();
		let channel = this.channels.get(key);
		if (channel === undefined) this.channels.set(key, (channel = { waiting: [], drain: null }));
		const outcome = new Promise<DeliveryOutcome>((settle) => channel.waiting.push({ record, claim, settle }));
		channel.drain ??= this.drain(key, channel);
		return outcome;
	}

	public waiting(targetId: bigint): number {
		return this.channels.get(targetId.toString())?.waiting.length ?? 0;
	}

	public async close(graceMs: number): Promise<void> {
		this.accepting = false;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			Promise.all([...this.channels.values()].map((channel) => channel.drain).filter((drain) => drain !== null)),
			new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))
		]);
		clearTimeout(timer);
		this.stopped = true;
		for (const channel of this.channels.values()) for (const message of channel.waiting.splice(0)) message.settle({ status: 'released' });
		await Promise.all([...this.channels.values()].map((channel) => channel.drain).filter((drain) => drain !== null));
	}

	private async drain(key: string, channel: { readonly waiting: QueuedMessage[]; drain: Promise<void> | null }): Promise<void> {
		while (!this.stopped) {
			const message = channel.waiting.shift();
			if (message === undefined) break;
			message.settle(await this.send(message));
		}
		channel.drain = null;
		if (this.channels.get(key) === channel && channel.waiting.length === 0) this.channels.delete(key);
	}

	private async send({ record, claim }: QueuedMessage): Promise<DeliveryOutcome> {
		if (Date.now() >= record.expiresAt.getTime()) return { status: 'expired' };
		const claimed = await claim().catch(() => null);
		if (claimed === null) return { status: 'released' };
		if (!claimed) return { status: 'lost' };
		try {
			const fitted = withinDiscordLimits({ ...record.payload, content: record.content });
			const body = { ...fitted, allowed_mentions: { parse: [] }, nonce: `outbox-${record.id}`, enforce_nonce: true };
			const channelId = this.destination === 'discord_dm' ? await this.directMessageChannel(record.targetId) : record.targetId.toString();
			const message = (await this.rest.post(Routes.channelMessages(channelId), { body })) as { id?: string };
			return { status: 'sent', messageIds: message.id === undefined ? [] : [message.id], attempts: 1 };
		} catch (error) {
			return { status: 'failed', error: error instanceof Error ? error.message : String(error), attempts: 1 };
		}
	}

	/** Discord opens a user's DM channel once and returns the same one after. */
	private async directMessageChannel(userId: bigint): Promise<string> {
		const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId.toString() } })) as { id: string };
		return channel.id;
	}
}
