import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { GuildInteractionHandler, type GuildContext } from '#core';
import { answerPrivately } from '../lib/answerPrivately.js';
import { answerLinkStart } from '../lib/linkAnswers.js';
import { LINK_BUTTON } from '../lib/linkButtons.js';

/** "Link Kick account" on a link panel: the member's own sign-in link, or that they are linked already, seen by them alone. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class LinkButtonHandler extends GuildInteractionHandler<ButtonInteraction> {
	protected override match(interaction: ButtonInteraction): Option<undefined> {
		return interaction.customId === LINK_BUTTON ? Option.some(undefined) : Option.none;
	}

	protected override async handle(interaction: ButtonInteraction, _parsed: undefined, context: GuildContext): Promise<void> {
		await answerPrivately(interaction, await answerLinkStart(context, interaction.user.id));
	}
}
