import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type MessageCommandDeniedPayload, type UserError } from '@sapphire/framework';
import { explainDenial } from '#lib/commands/explainDenial';
import { withinDiscordLimits } from '#lib/discord/replyLimits';

/** A prefix command stopped by a precondition answers why. */
@ApplyOptions<Listener.Options>({ event: Events.MessageCommandDenied })
export class ReplyWhenMessageCommandDenied extends Listener<typeof Events.MessageCommandDenied> {
	public override async run(error: UserError, { message, command, context }: MessageCommandDeniedPayload): Promise<void> {
		const content = explainDenial(error, `${context.commandPrefix}${command.name}`);
		await message.reply(withinDiscordLimits({ content, allowedMentions: { parse: [], repliedUser: false } }));
	}
}
