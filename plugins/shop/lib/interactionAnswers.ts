import {
	MessageFlags,
	type ButtonInteraction,
	type InteractionReplyOptions,
	type GuildMember,
	type ModalSubmitInteraction,
	type StringSelectMenuInteraction
} from 'discord.js';
import { isModerator, type GuildContext } from '#core';
import { OTHER_SERVER } from './shopButtons.js';

type Answerable = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

/** Says something to the member alone; nobody is pinged. */
export async function tellPrivately(
	interaction: Answerable,
	content: string,
	extra: Pick<InteractionReplyOptions, 'embeds' | 'components'> = {}
): Promise<void> {
	await interaction.reply({ content, ...extra, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

/** A custom id made in another server: refused, nothing runs. True when it is this server's. */
export async function ofThisServer(interaction: Answerable, guildIdInId: string, context: GuildContext): Promise<boolean> {
	if (guildIdInId === context.guildId.toString()) return true;
	await tellPrivately(interaction, OTHER_SERVER);
	return false;
}

/** Only moderators complete and cancel orders and change items; others are told so. */
export async function byModerator(interaction: Answerable, context: GuildContext): Promise<boolean> {
	if (
		isModerator({ permissions: interaction.memberPermissions, member: interaction.member as GuildMember | null }, context.settings.get('moderator_role_id'))
	)
		return true;
	await tellPrivately(interaction, 'Only moderators of this server can do that. Nothing was changed.');
	return false;
}

/** The member's role ids in this server. */
export function roleIdsOf(interaction: Answerable): string[] {
	const member = interaction.member;
	if (member === null) return [];
	return Array.isArray(member.roles) ? [...member.roles] : [...(member as GuildMember).roles.cache.keys()];
}
