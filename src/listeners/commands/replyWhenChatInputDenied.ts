import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type ChatInputCommandDeniedPayload, type UserError } from '@sapphire/framework';
import { MessageFlags } from 'discord.js';
import { explainDenial } from '#lib/commands/explainDenial';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/** A slash command stopped by a precondition answers why, to the user only. */
@ApplyOptions<Listener.Options>({ event: Events.ChatInputCommandDenied })
export class ReplyWhenChatInputDenied extends Listener<typeof Events.ChatInputCommandDenied> {
	public override async run(error: UserError, { interaction, command }: ChatInputCommandDeniedPayload): Promise<void> {
		const content = explainDenial(error, `/${command.name}`);
		if (interaction.deferred || interaction.replied) await interaction.editReply(withinDiscordLimits({ content }));
		else await interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}
}
