import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type ContextMenuCommandDeniedPayload, type UserError } from '@sapphire/framework';
import { MessageFlags } from 'discord.js';
import { explainDenial } from '#lib/commands/explainDenial';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/** A context menu (Apps → …) stopped by a precondition answers why, to the member only, naming the menu they chose. */
@ApplyOptions<Listener.Options>({ event: Events.ContextMenuCommandDenied })
export class ReplyWhenContextMenuDenied extends Listener<typeof Events.ContextMenuCommandDenied> {
	public override async run(error: UserError, { interaction }: ContextMenuCommandDeniedPayload): Promise<void> {
		const content = explainDenial(error, interaction.commandName);
		if (interaction.deferred || interaction.replied) await interaction.editReply(withinDiscordLimits({ content }));
		else await interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}
}
