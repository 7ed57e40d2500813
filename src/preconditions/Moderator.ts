import { AllFlowsPrecondition, Identifiers } from '@sapphire/framework';
import type { ChatInputCommandInteraction, ContextMenuCommandInteraction, Message } from 'discord.js';
import { explainModeratorsOnly } from '#lib/commands/explainModeratorsOnly';
import { boundGuildContext } from '#lib/guild/GuildContext';
import { isModerator, type MemberFacts } from '#lib/guild/isModerator';

/** Moderator commands: Manage Server or this server's moderator role (see isModerator). */
export class ModeratorPrecondition extends AllFlowsPrecondition {
	public override chatInputRun(interaction: ChatInputCommandInteraction): AllFlowsPrecondition.Result {
		return this.check(interaction, { permissions: interaction.memberPermissions, member: interaction.member });
	}

	public override contextMenuRun(interaction: ContextMenuCommandInteraction): AllFlowsPrecondition.Result {
		return this.check(interaction, { permissions: interaction.memberPermissions, member: interaction.member });
	}

	public override messageRun(message: Message): AllFlowsPrecondition.Result {
		return this.check(message, { permissions: message.member?.permissions ?? null, member: message.member });
	}

	private check(source: object, facts: MemberFacts): AllFlowsPrecondition.Result {
		// Sapphire runs a command's own preconditions before its runIn check: answer a DM the same way runIn would.
		if (!('guildId' in source) || source.guildId === null) {
			return this.error({ identifier: Identifiers.PreconditionGuildOnly, message: 'Moderator commands work in a server only.' });
		}
		// The GuildContext precondition (position 10) ran first and bound this server's context.
		const context = boundGuildContext(source);
		const moderatorRoleId = context?.settings.get('moderator_role_id') ?? null;
		const guild = context?.guild ?? null;
		if (isModerator(facts, moderatorRoleId)) return this.ok();
		// Without the bot in the server (an app a user installed) its roles are unknown: the role is named as set.
		const roleExists = moderatorRoleId !== null && (guild === null || guild.roles.cache.has(moderatorRoleId));
		return this.error({ message: explainModeratorsOnly(moderatorRoleId, roleExists) });
	}
}

declare module '@sapphire/framework' {
	interface Preconditions {
		Moderator: never;
	}
}
