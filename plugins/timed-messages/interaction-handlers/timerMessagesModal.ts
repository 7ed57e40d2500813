import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { describeTimer, MODERATORS_ONLY, noSuchTimer, refusalOf } from '../lib/timerAnswers.js';
import { ADD_MODAL, EDIT_MODAL, MESSAGES_FIELD, OTHER_SERVER } from '../lib/timerIds.js';
import { messagesFromLines } from '../lib/timerRules.js';
import type { TimerRecord } from '../lib/TimedMessagesRepository.js';

type Submitted =
	| {
			readonly kind: 'add';
			readonly guildId: string;
			readonly intervalMinutes: number;
			readonly liveOnly: boolean;
			readonly minChatLines: number;
			readonly discordChannelId: string | null;
	  }
	| { readonly kind: 'edit'; readonly guildId: string; readonly timerId: number };

/** The forms of `/timer add` (no message given) and `/timer edit <timer>` (nothing else given): a timer's messages, one per line; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class TimerMessagesModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, Submitted> {
	protected override match(interaction: ModalSubmitInteraction): Option<Submitted> {
		const add = ADD_MODAL.exec(interaction.customId);
		if (add !== null)
			return Option.some({
				kind: 'add',
				guildId: add[1]!,
				intervalMinutes: Number(add[2]),
				liveOnly: add[3] === 'l',
				minChatLines: Number(add[4]),
				discordChannelId: add[5] === '-' ? null : add[5]!
			});
		const edit = EDIT_MODAL.exec(interaction.customId);
		return edit === null ? Option.none : Option.some({ kind: 'edit', guildId: edit[1]!, timerId: Number(edit[2]) });
	}

	protected override async handle(interaction: ModalSubmitInteraction, submitted: Submitted, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, submitted.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		// The form's id came back from the client: its channel must still be one of this server's.
		if (
			submitted.kind === 'add' &&
			submitted.discordChannelId !== null &&
			context.guild?.channels.cache.get(submitted.discordChannelId)?.isTextBased() !== true
		)
			return tellPrivately(interaction, `<#${submitted.discordChannelId}> is not a text channel of this server. Nothing was changed.`);
		const messages = messagesFromLines(interaction.fields.getTextInputValue(MESSAGES_FIELD));
		const timers = context.db.timedMessages;
		let timer: TimerRecord;
		try {
			if (submitted.kind === 'add') {
				const { kind: _kind, guildId: _guildId, ...fields } = submitted;
				timer = await timers.create({ ...fields, messages, createdBy: BigInt(interaction.user.id) });
			} else {
				if ((await timers.get(submitted.timerId)) === null) return tellPrivately(interaction, noSuchTimer(submitted.timerId));
				timer = await timers.update(submitted.timerId, { messages });
			}
		} catch (error) {
			const refusal = refusalOf(error);
			if (refusal === null) throw error;
			return tellPrivately(interaction, refusal);
		}
		await tellPrivately(interaction, `${submitted.kind === 'add' ? 'Added' : 'Changed'} timer #${timer.id}.\n${describeTimer(timer)}`);
	}
}
