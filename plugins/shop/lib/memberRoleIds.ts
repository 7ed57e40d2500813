import type { GuildMember, MessageComponentInteraction, ModalSubmitInteraction } from 'discord.js';

/** The role ids of the member who pressed or submitted, in this server (for items only some roles may buy). */
export function roleIdsOf(interaction: MessageComponentInteraction | ModalSubmitInteraction): string[] {
	const member = interaction.member;
	if (member === null) return [];
	return Array.isArray(member.roles) ? [...member.roles] : [...(member as GuildMember).roles.cache.keys()];
}
