import { ApplyOptions } from '@sapphire/decorators';
import { AllFlowsPrecondition } from '@sapphire/framework';
import type { ChatInputCommandInteraction, ContextMenuCommandInteraction, Message } from 'discord.js';
import { bindGuildContext, loadGuildContext } from '#lib/guild/GuildContext';

/**
 * Global: before any command runs in a server, loads that server's context (settings,
 * repositories made on first use) and binds it to the event; the command's base class hands it
 * to the method that runs. The one place a command's context is loaded. Outside a server it lets
 * the command's own `runIn` decide.
 */
@ApplyOptions<AllFlowsPrecondition.Options>({ position: 10 })
export class GuildContextPrecondition extends AllFlowsPrecondition {
	public override chatInputRun(interaction: ChatInputCommandInteraction): AllFlowsPrecondition.AsyncResult {
		return this.load(interaction, interaction.guildId, interaction.guild);
	}

	public override contextMenuRun(interaction: ContextMenuCommandInteraction): AllFlowsPrecondition.AsyncResult {
		return this.load(interaction, interaction.guildId, interaction.guild);
	}

	public override messageRun(message: Message): AllFlowsPrecondition.AsyncResult {
		return this.load(message, message.guildId, message.guild);
	}

	private async load(source: object, guildId: string | null, guild: Message['guild']): AllFlowsPrecondition.AsyncResult {
		if (guildId === null) return this.ok();
		try {
			bindGuildContext(source, await loadGuildContext(guildId, guild));
			return this.ok();
		} catch (error) {
			this.container.logger.error(`Could not load the context of server ${guildId}:`, error);
			return this.error({ message: 'This server’s settings could not be loaded just now, so nothing was done. Try again in a moment.' });
		}
	}
}

declare module '@sapphire/framework' {
	interface Preconditions {
		GuildContext: never;
	}
}
