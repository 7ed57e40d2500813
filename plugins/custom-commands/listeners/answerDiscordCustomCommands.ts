import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import { cutText } from '@sapphire/utilities';
import { GuildListenerEvents, type GuildContext, type UnknownPrefixCommand } from '#core';
import { discordCallerLevel } from '../lib/callerLevel.js';
import { customCommands } from '../lib/customCommandRunner.js';
import { runCustomCommand } from '../lib/runCustomCommand.js';

/** Discord's limit on a message's text. */
const DISCORD_CONTENT_LIMIT = 2000;

/** `!name` in a Discord channel of the server, for one of its custom commands: answered in place, pinging nobody unless the command allows user mentions. */
@ApplyOptions<Listener.Options>({ event: GuildListenerEvents.UnknownPrefixCommand })
export class AnswerDiscordCustomCommandsListener extends Listener<typeof GuildListenerEvents.UnknownPrefixCommand> {
	public override async run({ message, commandName, rest, byModerator }: UnknownPrefixCommand, context: GuildContext): Promise<void> {
		const outcome = await runCustomCommand(
			context,
			{
				via: 'discord',
				word: commandName,
				rest,
				caller: { name: message.member?.displayName ?? message.author.displayName, userId: message.author.id, level: discordCallerLevel(byModerator) },
				viewer: { kickName: null, kickUserId: null, discordUserId: message.author.id },
				now: message.createdTimestamp
			},
			customCommands
		);
		if (outcome.kind !== 'answer') return;
		// Never @everyone, @here or roles; users only when the command says so (the caller is not pinged by the reply itself).
		await message.reply({
			content: cutText(outcome.text, DISCORD_CONTENT_LIMIT),
			allowedMentions: { parse: outcome.command.record.allowMentions ? ['users'] : [], repliedUser: false }
		});
	}
}
