import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, isModerator, type GuildContext } from '#core';
import { answerButton } from '../lib/answerButton.js';
import { answerHistoryOf, onlyModerators } from '../lib/watchtimeAnswers.js';
import { HISTORY_PAGE_BUTTON } from '../lib/watchtimeButtons.js';

/** Previous and next under /watchtime history (moderators, like the command): the message shows that page as it is now. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class WatchtimeHistoryPageHandler extends GuildInteractionHandler<ButtonInteraction, { username: string; page: number }> {
	protected override match(interaction: ButtonInteraction): Option<{ username: string; page: number }> {
		const match = HISTORY_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ username: match[1]!, page: Number(match[2]) });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: { username: string; page: number }, context: GuildContext): Promise<void> {
		const moderatorRoleId = context.settings.get('moderator_role_id');
		if (!isModerator({ permissions: interaction.memberPermissions, member: interaction.member }, moderatorRoleId)) {
			const { content } = onlyModerators('see watch time history', moderatorRoleId);
			await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
			return;
		}
		await answerButton(interaction, await answerHistoryOf(context.db.watchtime, parsed.username, parsed.page));
	}
}
