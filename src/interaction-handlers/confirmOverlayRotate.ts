import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { byModerator, ofThisServer, tellPrivately } from '#lib/discord/interactionGuards';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import type { GuildContext } from '#lib/guild/GuildContext';
import { GuildInteractionHandler } from '#lib/guild/GuildInteractionHandler';
import { ROTATE_BUTTON } from '#lib/overlays/rotateButtons';

interface RotateChoice {
	readonly confirmed: boolean;
	readonly guildId: string;
	readonly moderatorId: string;
}

/** The buttons of `/overlay rotate`: only the moderator who asked, still a moderator of the server they were made in, replaces the key. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class ConfirmOverlayRotateHandler extends GuildInteractionHandler<ButtonInteraction, RotateChoice> {
	protected override match(interaction: ButtonInteraction): Option<RotateChoice> {
		const match = ROTATE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ confirmed: match[1] === 'confirm', guildId: match[2]!, moderatorId: match[3]! });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: RotateChoice, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, 'This button belongs to another server; nothing was changed.'))) return;
		if (interaction.user.id !== parsed.moderatorId) {
			await tellPrivately(interaction, 'Only the moderator who asked to replace the overlay key can answer this.');
			return;
		}
		if (!(await byModerator(interaction, context, 'Only moderators of this server can do this.'))) return;
		if (!parsed.confirmed) {
			await interaction.update(withinDiscordLimits({ content: 'Kept: the overlay addresses still work.', components: [] }));
			return;
		}
		const { keyHash } = await context.db.overlayKeys.rotate();
		this.container.overlays?.rotated(context.guildId, keyHash);
		await interaction.update(
			withinDiscordLimits({
				content: 'Replaced: the old overlay addresses no longer work and their open pages went offline. `/overlay urls` shows the new ones.',
				components: []
			})
		);
	}
}
