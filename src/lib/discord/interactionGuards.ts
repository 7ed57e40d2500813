/*
 * What every follow-up (button, select, form) of a server feature checks before it acts, and how it
 * answers privately: shared so that each plugin's refusals behave alike and ping nobody.
 */
import { MessageFlags, type GuildMember, type InteractionReplyOptions } from 'discord.js';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { FollowUpInteraction } from '#lib/guild/GuildInteractionHandler';
import { isModerator } from '#lib/guild/isModerator';

/** Says something to the member alone, with embeds or components if given; nobody is pinged. */
export async function tellPrivately(
	interaction: FollowUpInteraction,
	content: string,
	extra: Pick<InteractionReplyOptions, 'embeds' | 'components'> = {}
): Promise<void> {
	await interaction.reply({ content, ...extra, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

/**
 * Whether the server a custom id names (`guildIdInId`) is the one it was used in; one made in
 * another server is answered with `refusal`, and nothing runs.
 */
export async function ofThisServer(interaction: FollowUpInteraction, guildIdInId: string, context: GuildContext, refusal: string): Promise<boolean> {
	if (guildIdInId === context.guildId.toString()) return true;
	await tellPrivately(interaction, refusal);
	return false;
}

/** Whether the member is one of the server's moderators (the same rule as commands); others are answered with `refusal`. */
export async function byModerator(interaction: FollowUpInteraction, context: GuildContext, refusal: string): Promise<boolean> {
	const member = interaction.member as GuildMember | null;
	if (isModerator({ permissions: interaction.memberPermissions, member }, context.settings.get('moderator_role_id'))) return true;
	await tellPrivately(interaction, refusal);
	return false;
}
