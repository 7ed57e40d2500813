import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { type GuildContext, GuildInteractionHandler, ofThisServer } from '#core';
import { answerList } from '../lib/commandAnswers.js';
import { LIST_PAGE_BUTTON, OTHER_SERVER } from '../lib/commandIds.js';

/** Previous and next under /command list: that page of the server's commands as they are now. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class CommandListPageHandler extends GuildInteractionHandler<ButtonInteraction, { guildId: string; page: number }> {
	protected override match(interaction: ButtonInteraction): Option<{ guildId: string; page: number }> {
		const match = LIST_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, page: Number(match[2]) });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: { guildId: string; page: number }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER))) return;
		const page = await answerList(context.db.customCommands, parsed.page, context.settings.get('prefix'));
		await interaction.update({
			content: page.content ?? '',
			embeds: [...(page.embeds ?? [])],
			components: [...(page.components ?? [])],
			allowedMentions: { parse: [] }
		});
	}
}
