import { container } from '@sapphire/framework';
import type { OutboxAcceptance } from '#lib/outbox/Outbox';
import { FRESHNESS_MS } from '#lib/outbox/OutboxMessage';
import { fetchDiscordGuild } from '#lib/guild/discordGuild';

/** What became of an alert to a server's moderators: recorded in the outbox (or already there), nowhere to write it, or the bot is not in the server. */
export type ModeratorAlert = OutboxAcceptance | { readonly status: 'no channel' | 'server not here' };

/**
 * Tells a server's moderators something that needs them, in `kick_alerts_channel_id`, else the
 * server's system channel, through the outbox (so a restart does not lose it). `key` names the
 * occasion: told once per key. `no channel` when neither channel exists or can be written to.
 * @throws when the outbox cannot record it (the database is away).
 */
export async function recordModeratorAlert(guildId: bigint, message: string, key: string): Promise<ModeratorAlert> {
	const { client, settings, outbox } = container;
	// Another process may hold the server (its shard): then it is read from Discord, uncached.
	const guild = await fetchDiscordGuild(client, guildId.toString());
	if (guild === null) return { status: 'server not here' };
	const channelId = (await settings.forGuild(guildId)).get('kick_alerts_channel_id') ?? guild.systemChannelId;
	const channel =
		channelId === null ? null : (guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId, { cache: false }).catch(() => null)));
	if (channel === null || !channel.isSendable()) return { status: 'no channel' };
	return outbox.post({
		guildId,
		destination: 'discord_channel',
		targetId: BigInt(channel.id),
		kind: 'alert',
		dedupeKey: `alert:${key}`,
		content: message,
		expiresAt: new Date(Date.now() + FRESHNESS_MS.alert)
	});
}

/** The Kick connection's alerts (see recordModeratorAlert): logged when they cannot be told, never thrown. */
export async function alertModerators(guildId: bigint, message: string, key: string): Promise<void> {
	const { logger } = container;
	try {
		const alert = await recordModeratorAlert(guildId, message, key);
		if (alert.status === 'no channel')
			logger.warn(`Kick: could not tell the moderators of server ${guildId} (no alerts channel or system channel to write to): ${message}`);
	} catch (error) {
		logger.warn(`Kick: could not record an alert for server ${guildId}:`, error);
	}
}
