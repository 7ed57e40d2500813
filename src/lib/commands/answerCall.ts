import { MessageFlags, type ActionRowBuilder, type APIActionRowComponent, type APIEmbed, type ChatInputCommandInteraction, type JSONEncodable, type Message, type MessageActionRowComponentBuilder } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/** What a command answers; `private` answers are for the member alone. */
export interface CommandAnswer {
	readonly content?: string;
	readonly embeds?: readonly (APIEmbed | JSONEncodable<APIEmbed>)[];
	readonly components?: readonly (ActionRowBuilder<MessageActionRowComponentBuilder> | APIActionRowComponent<never>)[];
	readonly private?: boolean;
}

/** An answer given, which the command may change once it knows more (e.g. a ping's round trip). */
export interface AnsweredCall {
	edit(answer: Omit<CommandAnswer, 'private'>): Promise<void>;
}

/** Nobody is pinged by an answer, not even the member it replies to. */
const NO_MENTIONS = { parse: [], repliedUser: false } as const;

/**
 * Answers a command in its form, within Discord's limits and pinging nobody: a slash command
 * with its reply (ephemeral when private; an edit or follow-up when it was already answered);
 * a prefix command with a reply to the member's message.
 */
export async function answerCall(source: ChatInputCommandInteraction | Message, answer: CommandAnswer): Promise<AnsweredCall> {
	const { private: isPrivate = false, ...visible } = answer;
	const payload = withinDiscordLimits({ ...visible, embeds: visible.embeds ? [...visible.embeds] : undefined, components: visible.components ? [...visible.components] : undefined });
	if ('commandName' in source) {
		if (source.deferred || source.replied) await source.followUp({ ...payload, allowedMentions: NO_MENTIONS, ...(isPrivate ? { flags: MessageFlags.Ephemeral } : {}) });
		else await source.reply({ ...payload, allowedMentions: NO_MENTIONS, ...(isPrivate ? { flags: MessageFlags.Ephemeral } : {}) });
		return { edit: async (change) => void (await source.editReply(withinDiscordLimits({ ...change, embeds: change.embeds ? [...change.embeds] : undefined, components: change.components ? [...change.components] : undefined }))) };
	}
	const sent = await source.reply({ ...payload, allowedMentions: NO_MENTIONS });
	return { edit: async (change) => void (await sent.edit(withinDiscordLimits({ ...change, embeds: change.embeds ? [...change.embeds] : undefined, components: change.components ? [...change.components] : undefined }))) };
}
