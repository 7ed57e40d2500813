import type {
	ActionRowBuilder,
	APIActionRowComponent,
	APIEmbed,
	CommandInteraction,
	JSONEncodable,
	Message,
	MessageActionRowComponentBuilder
} from 'discord.js';
import { AttachmentBuilder, MessageFlags } from 'discord.js';
import { replyBriefly, replyInChannel, sendByDirectMessage } from '#lib/commands/prefixAnswers';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/**
 * Who sees an answer, in each form (a prefix command cannot answer the member alone in the channel):
 * - 'channel': everyone in the channel, in both forms;
 * - 'caller' (the default): the member alone in the slash form (ephemeral); the prefix form answers
 *   in the channel, where it was asked;
 * - 'caller-only': the member alone in both forms: the prefix form sends it by DM, with a notice in
 *   the channel that deletes itself (a link only they may open, the server's configuration);
 * - 'refusal': the member alone in the slash form; in the prefix form a reply that deletes itself.
 */
export type AnswerVisibility = 'channel' | 'caller' | 'caller-only' | 'refusal';

/** What a command answers. */
export interface CommandAnswer {
	readonly content?: string;
	readonly embeds?: readonly (APIEmbed | JSONEncodable<APIEmbed>)[];
	readonly components?: readonly (ActionRowBuilder<MessageActionRowComponentBuilder> | APIActionRowComponent<never>)[];
	readonly visibility?: AnswerVisibility;
	/** Files attached to the answer (a refusal, which deletes itself in the prefix form, carries none). */
	readonly files?: readonly { readonly name: string; readonly data: Buffer }[];
	/** For 'caller-only' in the prefix form: what the DM holds, for the notice ("the settings of this server"). */
	readonly about?: string;
}

/** An answer given, which the command may change once it knows more (e.g. a ping's round trip); a DM or a deleted reply changes nothing. */
export interface AnsweredCall {
	edit(answer: Pick<CommandAnswer, 'content' | 'embeds' | 'components'>): Promise<void>;
}

/** Nobody is pinged by an answer, not even the member it replies to. */
const NO_MENTIONS = { parse: [], repliedUser: false } as const;

function fitted(answer: Pick<CommandAnswer, 'content' | 'embeds' | 'components'>) {
	return withinDiscordLimits({
		content: answer.content,
		embeds: answer.embeds ? [...answer.embeds] : undefined,
		components: answer.components ? [...answer.components] : undefined
	});
}

/**
 * Answers a command in its form (a context menu answers as the slash form), within Discord's
 * limits and pinging nobody, seen by whom `visibility` says.
 */
export async function answerCall(source: CommandInteraction | Message, answer: CommandAnswer, slashForm: string): Promise<AnsweredCall> {
	const visibility = answer.visibility ?? 'caller';
	const files = answer.files?.map((file) => new AttachmentBuilder(file.data, { name: file.name }));
	const payload = { ...fitted(answer), ...(files === undefined ? {} : { files }) };
	if ('commandName' in source) {
		const flags = visibility === 'channel' ? {} : { flags: MessageFlags.Ephemeral as const };
		if (source.deferred || source.replied) await source.followUp({ ...payload, allowedMentions: NO_MENTIONS, ...flags });
		else await source.reply({ ...payload, allowedMentions: NO_MENTIONS, ...flags });
		return { edit: async (change) => void (await source.editReply(fitted(change))) };
	}
	if (visibility === 'refusal') {
		await replyBriefly(source, payload.content ?? '');
		return { edit: async () => undefined };
	}
	if (visibility === 'caller-only') {
		await sendByDirectMessage(source, payload, { what: answer.about ?? 'the answer', slashForm });
		return { edit: async () => undefined };
	}
	const sent = await replyInChannel(source, payload);
	return { edit: async (change) => void (await sent.edit(fitted(change))) };
}
