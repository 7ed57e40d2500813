import { container } from '@sapphire/framework';
import { FRESHNESS_MS } from '#lib/outbox/OutboxMessage';

/**
 * Tells a server's moderators about its Kick link: in `kick_alerts_channel_id`, else the
 * server's system channel, through the outbox (so a restart does not lose it); logged when
 * neither channel exists, never thrown. `key` names the occasion: told once per key.
 */
export async function alertModerators(guildId: bigint, message: string, key: string): Promise<void> {
	const { client, logger, settings, outbox } = container;
	const guild = client.guilds.cache.get(guildId.toString());
	if (guild === undefined) return;
	const configured = (await settings.forGuild(guildId)).get('kick_alerts_channel_id');
	const channel = configured === null ? guild.systemChannel : await guild.channels.fetch(configured).catch(() => null);
	if (channel === null || !channel.isSendable()) {
		logger.warn(`Kick: could not tell the moderators of server ${guildId} (no alerts channel or system channel to write to): ${message}`);
		return;
	}
	await outbox
		.post({
			guildId,
			destination: 'discord_channel',
			targetId: BigInt(channel.id),
			kind: 'alert',
			dedupeKey: `alert:${key}`,
			content: message,
			expiresAt: new Date(Date.now() + FRESHNESS_MS.alert)
		})
		.catch((error: unknown) => logger.warn(`Kick: could not record an alert for server ${guildId}:`, error));
}
