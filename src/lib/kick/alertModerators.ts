import { container } from '@sapphire/framework';
import type { SendableChannels } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/**
 * Tells a server's moderators about its Kick link: in `kick_alerts_channel_id`, else the
 * server's system channel; logged when neither can be written to, never thrown.
 */
export async function alertModerators(guildId: bigint, message: string): Promise<void> {
	const { client, logger, settings } = container;
	const guild = client.guilds.cache.get(guildId.toString());
	if (guild === undefined) return;
	const configured = (await settings.forGuild(guildId)).get('kick_alerts_channel_id');
	const channel = configured === null ? guild.systemChannel : await guild.channels.fetch(configured).catch(() => null);
	if (channel === null || !channel.isSendable()) {
		logger.warn(`Kick: could not tell the moderators of server ${guildId} (no alerts channel or system channel to write to): ${message}`);
		return;
	}
	await (channel as SendableChannels)
		.send(withinDiscordLimits({ content: message, allowedMentions: { parse: [] } }))
		.catch((error: unknown) => logger.warn(`Kick: could not post an alert in server ${guildId}:`, error));
}
