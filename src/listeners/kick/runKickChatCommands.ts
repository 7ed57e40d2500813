import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import type { GuildContext } from '#lib/guild/GuildContext';
import { dispatchKickCommand, KickCommandCooldowns } from '#lib/kick/commands/dispatchKickCommand';
import type { KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import type { KickConnection } from '#lib/kick/KickConnection';
import { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';

/** A chat message in a linked server's Kick channel: runs the chat command it calls, answering through the throttled sender. */
@ApplyOptions<Listener.Options>({ event: KickListenerEvents.ChatMessage })
export class RunKickChatCommandsListener extends Listener<typeof KickListenerEvents.ChatMessage> {
	private readonly cooldowns = new KickCommandCooldowns();

	/** Undefined for a message that calls no command (most chat): nothing for the router to wait for. */
	public override run(event: KickChatMessageEvent, context: GuildContext): Promise<void> | undefined {
		const kick = this.container.kick;
		const prefix = context.settings.get('prefix');
		if (kick === undefined || !event.content.startsWith(prefix) || kick.isOwnMessage(event)) return undefined;
		return this.dispatch(kick, event, context, prefix);
	}

	private async dispatch(kick: KickConnection, event: KickChatMessageEvent, context: GuildContext, prefix: string): Promise<void> {
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
