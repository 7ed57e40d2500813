import { setTimeout as sleep } from 'node:timers/promises';
import { container } from '@sapphire/framework';
import { DiscordAPIError, RESTJSONErrorCodes, type Message, type MessageCreateOptions } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/**
 * How a prefix command answers. It cannot answer the member alone as a slash command can, so:
 * an answer is a reply in the channel; a refusal or a notice is a reply that deletes itself after
 * BRIEF_REPLY_MS; what the slash form shows to the member alone goes to them by DM.
 */
export type PrefixAnswer = Pick<MessageCreateOptions, 'content' | 'embeds' | 'components' | 'files'>;

/** How long a prefix command's refusal or notice stays in the channel. */
export const BRIEF_REPLY_MS = 10_000;

/** A prefix command's answer: a reply in the channel that pings nobody. */
export function replyInChannel(message: Message, answer: PrefixAnswer): Promise<Message> {
	return message.reply(withinDiscordLimits({ ...answer, allowedMentions: { parse: [], repliedUser: false } }));
}

/** A refusal or a notice: a reply that deletes itself after BRIEF_REPLY_MS, long enough for the member who asked to read it. */
export async function replyBriefly(message: Message, content: string): Promise<void> {
	const reply = await replyInChannel(message, { content });
	void deleteLater(reply);
}

/**
 * What the slash form shows to the member alone (a link only they may open, the server's
 * configuration), sent to them by DM with a brief notice in the channel. When their DMs are closed
 * to the bot, the notice says so and points to `slashForm`, and nothing is sent.
 * @param what Names the answer in the notice, e.g. "the settings of this server".
 */
export async function sendByDirectMessage(message: Message, answer: PrefixAnswer, about: { readonly what: string; readonly slashForm: string }): Promise<void> {
	try {
		await message.author.send(withinDiscordLimits({ ...answer, allowedMentions: { parse: [] } }));
	} catch (error) {
		if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser)) throw error;
		await replyBriefly(
			message,
			`I could not send you ${about.what} by DM: your direct messages are closed to me. Use \`${about.slashForm}\`, which shows it to you alone.`
		);
		return;
	}
	await replyBriefly(message, `I sent you ${about.what} by DM.`);
}

async function deleteLater(reply: Message): Promise<void> {
	// Not ref'd: a stopping bot does not wait to tidy up; the reply then stays.
	await sleep(BRIEF_REPLY_MS, undefined, { ref: false });
	await reply.delete().catch((error: unknown) => {
		// Someone deleted it first: nothing left to do.
		if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage) return;
		container.logger.warn(`Could not delete a brief reply (message ${reply.id}):`, error);
	});
}
