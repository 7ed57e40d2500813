import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { AttachmentBuilder, MessageFlags, type ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer } from '#core';
import { answerImport } from '../lib/slotAnswers.js';
import { FILE_FIELD, IMPORT_MODAL, MODERATORS_ONLY, OTHER_SERVER } from '../lib/slotIds.js';

/** The form of `/slots catalogue import`: the CSV or JSON pasted; the report (and its file) to the moderator alone. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class SlotImportModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, string> {
	protected override match(interaction: ModalSubmitInteraction): Option<string> {
		const match = IMPORT_MODAL.exec(interaction.customId);
		return match === null ? Option.none : Option.some(match[1]!);
	}

	protected override async handle(interaction: ModalSubmitInteraction, guildId: string, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const answer = await answerImport(context, interaction.fields.getTextInputValue(FILE_FIELD));
		await interaction.reply({
			content: answer.content ?? '',
			files: (answer.files ?? []).map((file) => new AttachmentBuilder(file.data, { name: file.name })),
			flags: MessageFlags.Ephemeral,
			allowedMentions: { parse: [] }
		});
	}
}
