import { MessageFlags, type APIEmbed, type ButtonInteraction, type GuildMember, type ModalSubmitInteraction } from 'discord.js';
import { isModerator, type GuildContext } from '#core';
import { MODERATORS_ONLY } from './commandAnswers.js';
import { OTHER_SERVER } from './commandIds.js';

type Answerable = ButtonInteraction | ModalSubmitInteraction;

/** Says something to the member alone; nobody is pinged. */
export async function tellPrivately(interaction: Answerable, content: string, embeds: readonly APIEmbed[] = []): Promise<void> {
	await interaction.reply({ content, embeds: [...embeds], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

/** A custom id made in another server: refused, nothing runs. True when it is this server's. */
export async function ofThisServer(interaction: Answerable, guildIdInId: string, context: GuildContext): Promise<boolean> {
	if (guildIdInId === context.guildId.toString()) return true;
	await tellPrivately(interaction, OTHER_SERVER);
	return false;
}

/** Only moderators change the server's commands; others are told so. */
export async function byModerator(interaction: Answerable, context: GuildContext): Promise<boolean> {
	if (
		isModerator({ permissions: interaction.memberPermissions, member: interaction.member as GuildMember | null }, context.settings.get('moderator_role_id'))
	)
		return true;
	await tellPrivately(interaction, MODERATORS_ONLY);
	return false;
}
