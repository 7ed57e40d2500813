import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerPrivately } from '../lib/answerPrivately.js';
import { answerUnlink } from '../lib/linkAnswers.js';
import { UNLINK_BUTTON } from '../lib/linkButtons.js';
import { announceLinkChange, LinkEvents } from '../lib/linkEvents.js';

/** "Unlink" on a link panel: the member's own link in this server goes, with the linked role. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class UnlinkButtonHandler extends GuildInteractionHandler<ButtonInteraction> {
	protected override match(interaction: ButtonInteraction): Option<undefined> {
		return interaction.customId === UNLINK_BUTTON ? Option.some(undefined) : Option.none;
	}

	protected override async handle(interaction: ButtonInteraction, _parsed: undefined, context: GuildContext): Promise<void> {
		// Role and link-log work can take longer than Discord's 3 seconds.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		await answerPrivately(
			interaction,
			await answerUnlink(context, interaction.user.id, null, (change) => announceLinkChange(this.container.client, LinkEvents.Unlinked, change, context))
		);
	}
}
