import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction, type MessageEditOptions } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { MODERATORS_ONLY, OTHER_SERVER, PANEL_BUTTON, resultModal, type PanelAction } from '../lib/gtbButtons.js';
import { closeRound, openRound, panelNow, refreshPanel } from '../lib/roundActions.js';

interface PanelClick {
	readonly guildId: string;
	readonly action: PanelAction;
}

/** The panel's open, close, result and refresh buttons; moderators only, in the server the panel belongs to. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class GtbPanelButtonHandler extends GuildInteractionHandler<ButtonInteraction, PanelClick> {
	protected override match(interaction: ButtonInteraction): Option<PanelClick> {
		const match = PANEL_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, action: match[2] as PanelAction });
	}

	protected override async handle(interaction: ButtonInteraction, click: PanelClick, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, click.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const log = (line: string) => this.container.logger.warn(line);
		if (click.action === 'result') {
			const latest = await context.db.gtb.latestRound();
			if (latest?.status !== 'closed') return tellPrivately(interaction, 'No round is waiting for its final balance. Nothing was changed.');
			return interaction.showModal(resultModal(context.guildId, latest.number));
		}
		const answer =
			click.action === 'open'
				? await openRound(context, BigInt(interaction.user.id), log)
				: click.action === 'close'
					? await closeRound(context, log)
					: null;
		// The clicked panel is shown as it is now; the stored panel, when it is another message, is edited too.
		await interaction.update({ ...(await panelNow(context)), allowedMentions: { parse: [] } } as MessageEditOptions);
		if (answer !== null) {
			await refreshPanel(context, log, interaction.message.id);
			await interaction.followUp({ content: answer.line, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
		}
	}
}
