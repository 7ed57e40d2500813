import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import type { GuildContext } from '#lib/guild/GuildContext';
import { dispatchKickCommand, KickCommandCooldowns } from '#lib/kick/commands/dispatchKickCommand';
import type { KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';

/** A chat message in a linked server's Kick channel: runs the chat command it calls, answering through the throttled sender. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class RunKickChatCommandsListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	private readonly cooldowns = new KickCommandCooldowns();

	public override async run(event: KickChatMessageEvent, context: GuildContext): Promise<void> {
		const kick = this.container.kick;
		if (kick === undefined || kick.isOwnMessage(event)) return;
		const outcome = await dispatchKickCommand({
			store: this.container.stores.get('kick-commands'),
			context,
			event,
			prefix: context.settings.get('prefix'),
			reply: async (content) => {
				await kick.say(context, content, event.messageId);
			},
			cooldowns: this.cooldowns
		});
		if (outcome.kind === 'failed') {
			this.container.logger.error(`Kick chat command ${outcome.command.name} failed in server ${context.guildId}:`, outcome.error);
		} else if (outcome.kind === 'ran') {
			this.container.logger.debug(`Kick chat command ${outcome.command.name} ran in server ${context.guildId} for ${event.sender.username} (message ${event.messageId}).`);
		}
	}
}
