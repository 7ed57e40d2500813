import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type UnknownMessageCommandPayload } from '@sapphire/framework';
import { GuildListenerEvents, type UnknownPrefixCommand } from '#lib/commands/unknownPrefixCommand';
import { isModerator } from '#lib/guild/isModerator';
import { loadGuildContext } from '#lib/guild/GuildContext';
import { runKickListeners } from '#lib/kick/events/runKickListeners';

/** A prefix word no Discord command answers to, in a server: handed to the listeners of the plugins on there, with that server's context (custom commands answer such words). */
@ApplyOptions<Listener.Options>({ event: Events.UnknownMessageCommand })
export class ForwardUnknownPrefixCommandListener extends Listener<typeof Events.UnknownMessageCommand> {
	public override async run({ message, commandName, commandPrefix }: UnknownMessageCommandPayload): Promise<void> {
		if (!message.inGuild() || message.author.bot) return;
		const context = await loadGuildContext(message.guildId, message.guild);
		// As Sapphire read the name: after the prefix, trimmed.
		const rest = message.content.slice(commandPrefix.length).trim().slice(commandName.length);
		const byModerator = isModerator(
			{ permissions: message.member?.permissions ?? null, member: message.member },
			context.settings.get('moderator_role_id')
		);
		const command: UnknownPrefixCommand = { message, commandName, rest, byModerator };
		// As Kick events: only the listeners of plugins on in this server run, and their failures are reported here.
		await runKickListeners(this.container.stores.get('listeners'), GuildListenerEvents.UnknownPrefixCommand, command as never, context);
	}
}
