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
		const prefix = context.settings.get('prefix');
		// Most chat calls no command: nothing to dispatch.
		if (kick === undefined || !event.content.startsWith(prefix) || kick.isOwnMessage(event)) return;
		let replies = 0;
		let unrecorded: unknown;
		const outcome = await dispatchKickCommand({
			store: this.container.stores.get('kick-commands'),
			context,
			event,
			prefix,
			reply: async (content) => {
				// Keyed by the message and the answer's place, so running the command again for a recovered event adds no second answer.
				const key = `reply:${event.messageId}:${replies++}`;
				await kick.say(context, content, { key, replyTo: event.messageId, about: event.at }).catch((error: unknown) => {
					unrecorded ??= error;
					throw error;
				});
			},
			cooldowns: this.cooldowns
		});
		// An answer that could not be recorded (the database is away): the event fails, so it is handed over again and answered then.
		// eslint-disable-next-line @typescript-eslint/only-throw-error -- the rejection caught above, thrown again as it was.
		if (unrecorded !== undefined) throw unrecorded;
		if (outcome.kind === 'failed') {
			this.container.logger.error(`Kick chat command ${outcome.command.name} failed in server ${context.guildId}:`, outcome.error);
		} else if (outcome.kind === 'ran') {
			this.container.logger.debug(
				`Kick chat command ${outcome.command.name} ran in server ${context.guildId} for ${event.sender.username} (message ${event.messageId}).`
			);
		}
	}
}
