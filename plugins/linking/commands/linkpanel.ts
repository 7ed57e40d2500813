import { ApplyOptions } from '@sapphire/decorators';
import { ChannelType } from 'discord.js';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { linkPanel } from '../lib/linkButtons.js';

/** /linkpanel post and !linkpanel post (moderators): posts the link panel, whose buttons let members link their Kick account. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Posts the panel where members link their Kick account (moderators).',
	moderatorsOnly: true,
	guildSubcommands: [
		{
			name: 'post',
			description: 'Posts the link panel in a channel (this one when left out).',
			options: [{ type: 'channel', name: 'channel', description: 'The text channel to post it in' }],
			run: 'post',
			default: true
		}
	]
})
export class LinkPanelCommand extends GuildCommand {
	public async post(call: CommandCall, context: GuildContext): Promise<void> {
		const channel = call.options.channel('channel');
		const channelId = channel?.id ?? call.channelId;
		if (channel !== null && channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
			await call.reply({ content: `<#${channel.id}> is not a text channel; the panel goes in one. Nothing was posted.`, visibility: 'refusal' });
			return;
		}
		// Through the outbox, under this command's id: a retried delivery posts one panel.
		await context.postInChannel(channelId, linkPanel(), { key: `linking:panel:${call.source.id}` });
		await call.reply({ content: `The link panel is on its way to <#${channelId}>. Its buttons keep working after restarts.` });
	}
}
