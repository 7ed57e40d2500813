import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import type { GuildContext } from '#lib/guild/GuildContext';
import { GuildInteractionHandler } from '#lib/guild/GuildInteractionHandler';
import { isModerator } from '#lib/guild/isModerator';
import { DISCONNECT_BUTTON } from '#lib/kick/disconnectButtons';

interface DisconnectChoice {
	readonly confirmed: boolean;
	readonly moderatorId: string;
}

/** The buttons of `/kick disconnect` and `!kick disconnect`: only the moderator who asked, and still a moderator here, can unlink. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class ConfirmKickDisconnectHandler extends GuildInteractionHandler<ButtonInteraction, DisconnectChoice> {
	protected override match(interaction: ButtonInteraction): Option<DisconnectChoice> {
		const match = DISCONNECT_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ confirmed: match[1] === 'confirm', moderatorId: match[2]! });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: DisconnectChoice, context: GuildContext): Promise<void> {
		const refuse = (content: string) => interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral }));
		if (interaction.user.id !== parsed.moderatorId) {
			await refuse('Only the moderator who asked to unlink can answer this.');
			return;
		}
		if (!isModerator({ permissions: interaction.memberPermissions, member: interaction.member }, context.settings.get('moderator_role_id'))) {
			await refuse('Only moderators of this server can do this.');
			return;
		}
		if (!parsed.confirmed) {
			await interaction.update(withinDiscordLimits({ content: 'Kept: the Kick channel stays linked.', components: [] }));
			return;
		}
		const kick = this.container.kick;
		if (kick === undefined) {
			await interaction.update(
				withinDiscordLimits({ content: 'The Kick connection is off on this bot, so there is nothing to unlink.', components: [] })
			);
			return;
		}
		await interaction.deferUpdate();
		const unlinked = await kick.unlinkServer(context.guildId);
		await interaction.editReply(
			withinDiscordLimits({
				content:
					unlinked === null
						? 'This server was not linked to a Kick channel any more.'
						: `Unlinked **kick.com/${unlinked.channelSlug}**: the bot no longer reads or posts in its chat${unlinked.revoked ? ' and its access is revoked' : '; Kick could not be reached to revoke its access, which was forgotten here'}.`,
				components: []
			})
		);
	}
}
