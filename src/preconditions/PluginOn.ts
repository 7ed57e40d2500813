import { ApplyOptions } from '@sapphire/decorators';
import { AllFlowsPrecondition, type Command } from '@sapphire/framework';
import type { ChatInputCommandInteraction, ContextMenuCommandInteraction, Message } from 'discord.js';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import { boundGuildContext } from '#lib/guild/GuildContext';

/**
 * Global, right after GuildContext: a command of a plugin this server switched off
 * (`plugins_off`) answers so and does nothing. Core commands are always on.
 */
@ApplyOptions<AllFlowsPrecondition.Options>({ position: 11 })
export class PluginOnPrecondition extends AllFlowsPrecondition {
	public override chatInputRun(interaction: ChatInputCommandInteraction, command: Command): AllFlowsPrecondition.Result {
		return this.check(interaction, command, command.name);
	}

	public override contextMenuRun(interaction: ContextMenuCommandInteraction, command: Command): AllFlowsPrecondition.Result {
		// The member chose the menu ("Save as quote"), not the command behind it.
		return this.check(interaction, command, interaction.commandName);
	}

	public override messageRun(message: Message, command: Command): AllFlowsPrecondition.Result {
		return this.check(message, command, command.name);
	}

	private check(event: object, command: Command, label: string): AllFlowsPrecondition.Result {
		const context = boundGuildContext(event);
		const plugin = pluginOfPiece(command);
		if (context === undefined || context.pluginIsOn(plugin)) return this.ok();
		const off = context.settings.get('plugins_off');
		const why = off.includes(plugin)
			? `The ${plugin} plugin is switched off in this server`
			: `The ${plugin} plugin needs ${this.container.plugins.needsOff(plugin, off).join(', ')}, switched off in this server`;
		return this.error({ message: `${why} (setting \`plugins_off\`), so \`${label}\` does nothing here.` });
	}
}

declare module '@sapphire/framework' {
	interface Preconditions {
		PluginOn: never;
	}
}
