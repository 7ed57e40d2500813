import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown, MessageFlags, type ButtonInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { blacklistForm, playedForm } from '../lib/forms.js';
import { panelMessage } from '../lib/panel.js';
import { clearQueue, currentPickLine, pickRequest, setRequestsOpen, skipRequest } from '../lib/slotActions.js';
import { MODERATORS_ONLY, OTHER_SERVER, PANEL_ACTIONS, PANEL_BUTTON, panelButtonId, type PanelAction } from '../lib/slotIds.js';

/** The panel's buttons, for moderators: each acts, then the panel is shown as it is now (edited in place) and the moderator told what happened. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class SlotPanelButtonHandler extends GuildInteractionHandler<ButtonInteraction, { guildId: string; action: PanelAction }> {
	private readonly log = (line: string) => this.container.logger.warn(line);

	protected override match(interaction: ButtonInteraction): Option<{ guildId: string; action: PanelAction }> {
		const match = PANEL_BUTTON.exec(interaction.customId);
		if (match === null || !(PANEL_ACTIONS as readonly string[]).includes(match[2]!)) return Option.none as Option<{ guildId: string; action: PanelAction }>;
		return Option.some({ guildId: match[1]!, action: match[2] as PanelAction });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: { guildId: string; action: PanelAction }, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		switch (parsed.action) {
			case 'played': {
				const current = await currentPickLine(context);
				if (current === null) return tellPrivately(interaction, 'There is no current pick: pick one first (or `/slots played <request>`).');
				return interaction.showModal(playedForm(context.guildId, current.request));
			}
			case 'blacklist':
				return interaction.showModal(blacklistForm(context.guildId));
			case 'clear': {
				const confirm = new ActionRowBuilder<ButtonBuilder>().addComponents(
					new ButtonBuilder().setCustomId(panelButtonId(context.guildId, 'clear-yes')).setLabel('Yes, clear the queue').setStyle(ButtonStyle.Danger)
				);
				return tellPrivately(interaction, 'Remove every open request?', { components: [confirm] });
			}
			case 'clear-yes':
				return tellPrivately(interaction, await clearQueue(context, this.log));
			default:
				break;
		}
		// The panel message itself was clicked: show its new state in place, then say what happened.
		await interaction.deferUpdate();
		const said = await this.act(parsed.action, interaction.user.id, context);
		await interaction.editReply({ ...(await panelMessage(context)), allowedMentions: { parse: [] } } as Parameters<ButtonInteraction['editReply']>[0]);
		if (said !== null) await interaction.followUp({ content: escapeMarkdown(said), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
	}

	private async act(action: PanelAction, userId: string, context: GuildContext): Promise<string | null> {
		switch (action) {
			case 'open':
				return setRequestsOpen(context, true, this.log);
			case 'close':
				return setRequestsOpen(context, false, this.log);
			case 'pick':
				return pickRequest(context, userId, this.log);
			case 'skip':
				return skipRequest(context, null, this.log);
			default:
				return null;
		}
	}
}
