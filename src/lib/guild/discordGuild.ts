import { DiscordAPIError, RESTJSONErrorCodes, Routes, type Client, type Guild, type RESTGetAPIChannelResult } from 'discord.js';
import type { ChannelMessage } from '#lib/guild/GuildContext';

/** What Discord answers for a server or channel the bot is not in, or cannot see. */
const NOT_THERE: readonly number[] = [RESTJSONErrorCodes.UnknownGuild, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess];

/**
 * A server as Discord's REST API shows it now (its roles included, not its channels), built for
 * the caller and kept out of the client's cache: its shard's events reach another bot process, so
 * this one would never see it change. The cached one when this process holds the server; null when
 * the bot is not in it.
 */
export async function fetchDiscordGuild(client: Client, guildId: string): Promise<Guild | null> {
	try {
		return await client.guilds.fetch({ guild: guildId, cache: false, withCounts: false });
	} catch (error) {
		if (error instanceof DiscordAPIError && NOT_THERE.includes(Number(error.code))) return null;
		throw error;
	}
}

/** The server a channel belongs to, asked of Discord (null for a DM, or a channel the bot cannot see). */
export async function guildIdOfChannel(client: Client, channelId: string): Promise<string | null> {
	try {
		const channel = (await client.rest.get(Routes.channel(channelId))) as RESTGetAPIChannelResult;
		return 'guild_id' in channel && typeof channel.guild_id === 'string' ? channel.guild_id : null;
	} catch (error) {
		if (error instanceof DiscordAPIError && NOT_THERE.includes(Number(error.code))) return null;
		throw error;
	}
}

/** Edits a message of the bot's through Discord's REST API (whichever process holds its server), mentions pinging nobody. */
export async function editChannelMessage(client: Client, channelId: string, messageId: string, message: ChannelMessage): Promise<void> {
	await client.rest.patch(Routes.channelMessage(channelId, messageId), {
		body: {
			content: message.content,
			...(message.embeds === undefined ? {} : { embeds: message.embeds }),
			...(message.components === undefined ? {} : { components: message.components }),
			allowed_mentions: { parse: [] }
		}
	});
}
