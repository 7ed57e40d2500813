import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { escapeMarkdown, type ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { blacklistCaller } from '../lib/slotActions.js';
import { BLACKLIST_MODAL, MODERATORS_ONLY, NAME_FIELD, OTHER_SERVER } from '../lib/slotIds.js';

/** The panel's "Blacklist caller…" form: a Kick username whose requests are ignored from now on. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class SlotBlacklistModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, string> {
	protected override match(interaction: ModalSubmitInteraction): Option<string> {
		const match = BLACKLIST_MODAL.exec(interaction.customId);
		return match === null ? Option.none : Option.some(match[1]!);
	}

	protected override async handle(interaction: ModalSubmitInteraction, guildId: string, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const name = interaction.fields.getTextInputValue(NAME_FIELD).trim();
		if (!/^@?[A-Za-z0-9_.-]{1,30}$/.test(name))
			return tellPrivately(interaction, 'A Kick username is 1 to 30 letters, digits, _ . or -. Nothing was changed.');
		await tellPrivately(interaction, escapeMarkdown(await blacklistCaller(context, name, interaction.user.id)));
	}
}
