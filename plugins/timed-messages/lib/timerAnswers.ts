import { ActionRowBuilder, escapeMarkdown, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { ConflictError, InvalidInputError, NotFoundError, pageButtons, type CommandAnswer } from '#core';
import { addModalId, editModalId, listPageId, MESSAGES_FIELD } from './timerIds.js';
import { MAX_MESSAGES, MESSAGE_MAX_LENGTH, type TimerFields } from './timerRules.js';
import type { TimedMessagesRepository, TimerRecord } from './TimedMessagesRepository.js';

export const TIMERS_PER_PAGE = 5;
/** Discord's longest text field in a form. */
const FORM_TEXT_MAX = 4000;
/** A message in the list is shown up to this long. */
const LIST_MESSAGE_PREVIEW = 150;

export const MODERATORS_ONLY = 'Only moderators of this server can manage its timers. Nothing was changed.';

/** How a timer posts, in one line: `#3 every 10 min · live only · after 5 chat lines · also in #news · off`. */
export function timerSummary(timer: TimerRecord): string {
	const parts = [`**#${timer.id}** every ${timer.intervalMinutes} min`, timer.liveOnly ? 'live only' : 'live or offline'];
	if (timer.minChatLines > 0) parts.push(`after ${timer.minChatLines} chat line${timer.minChatLines === 1 ? '' : 's'}`);
	if (timer.discordChannelId !== null) parts.push(`also in <#${timer.discordChannelId}>`);
	if (timer.messages.length > 1) parts.push(`${timer.messages.length} messages in turn`);
	if (!timer.enabled) parts.push('**off**');
	return parts.join(' · ');
}

function preview(message: string): string {
	const shown = [...message].length > LIST_MESSAGE_PREVIEW ? `${[...message].slice(0, LIST_MESSAGE_PREVIEW - 1).join('')}…` : message;
	return `> ${escapeMarkdown(shown)}`;
}

/** A timer as the list and the answers show it: its summary, its messages, when it last posted. */
export function describeTimer(timer: TimerRecord): string {
	const last = timer.lastSent === null ? 'never posted yet' : `last posted <t:${Math.floor(timer.lastSent.getTime() / 1000)}:R>`;
	return [timerSummary(timer), ...timer.messages.map(preview), last].join('\n');
}

/** A page of the server's timers (from 1), with Previous and Next. */
export async function answerList(timers: TimedMessagesRepository, page: number): Promise<CommandAnswer> {
	const all = await timers.list();
	if (all.length === 0) return { content: 'This server has no timers yet. Add one with `/timer add`.' };
	const pages = Math.ceil(all.length / TIMERS_PER_PAGE);
	const current = Math.min(Math.max(page, 1), pages);
	const shown = all.slice((current - 1) * TIMERS_PER_PAGE, current * TIMERS_PER_PAGE);
	return {
		embeds: [
			{
				title: `Timers (${all.length})`,
				description: shown.map(describeTimer).join('\n\n'),
				footer: { text: `Page ${current} of ${pages} · posted in Kick chat every interval (checked each minute)` }
			}
		],
		components: pageButtons(listPageId(timers.guildId), current, current < pages)
	};
}

/** The sentence for a refusal a repository gave, or null for an error that is not one. */
export function refusalOf(error: unknown): string | null {
	if (error instanceof InvalidInputError || error instanceof ConflictError) return `${error.message}. Nothing was changed.`;
	if (error instanceof NotFoundError) return `${error.message}. Nothing was changed.`;
	return null;
}

export const noSuchTimer = (id: number) => `This server has no timer #${id}. Nothing was changed.`;

/** The form that takes a timer's messages, one per line (empty for a new timer). */
function messagesModal(customId: string, title: string, messages: readonly string[]): ModalBuilder {
	const field = new TextInputBuilder()
		.setCustomId(MESSAGES_FIELD)
		.setLabel(`Messages, one per line (up to ${MAX_MESSAGES}, ${MESSAGE_MAX_LENGTH} characters each)`.slice(0, 45))
		.setStyle(TextInputStyle.Paragraph)
		.setRequired(true)
		.setMaxLength(FORM_TEXT_MAX)
		.setPlaceholder('Follow the channel!\nJoin our Discord: discord.gg/…');
	if (messages.length > 0) field.setValue(messages.join('\n'));
	return new ModalBuilder().setCustomId(customId).setTitle(title).addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(field));
}

export function addModal(
	guildId: bigint,
	fields: Required<Pick<TimerFields, 'intervalMinutes' | 'liveOnly' | 'minChatLines' | 'discordChannelId'>>
): ModalBuilder {
	return messagesModal(addModalId(guildId, fields), `New timer: every ${fields.intervalMinutes} min`.slice(0, 45), []);
}

/** The form to change a timer's messages; null when they are too long together to show in one (then `message:` changes them). */
export function editModal(guildId: bigint, timer: TimerRecord): ModalBuilder | null {
	if (timer.messages.join('\n').length > FORM_TEXT_MAX) return null;
	return messagesModal(editModalId(guildId, timer.id), `Timer #${timer.id}: messages`.slice(0, 45), timer.messages);
}
