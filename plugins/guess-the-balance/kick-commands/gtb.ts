import { ApplyOptions } from '@sapphire/decorators';
import { KickCommand, type GuildContext } from '#core';
import { answerChatGuess } from '../lib/chatGuess.js';

/** !gtb <amount>: the chatter's guess in the open round (replacing theirs); !gtb alone: their guess. */
@ApplyOptions<KickCommand.Options>({ description: 'Guess the balance: !gtb 1234.56 (a new guess replaces yours); !gtb shows yours.' })
export class GuessTheBalanceChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const answer = await answerChatGuess(context, message.event.sender, args.raw, message.event.at, context.settings.get('prefix'));
		if (answer !== null) await message.reply(answer);
	}
}
