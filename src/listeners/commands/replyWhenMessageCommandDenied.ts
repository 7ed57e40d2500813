import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type MessageCommandDeniedPayload, type UserError } from '@sapphire/framework';
import { explainDenial } from '#lib/commands/explainDenial';
import { replyBriefly } from '#lib/commands/prefixAnswers';

/** A prefix command stopped by a precondition answers why, in a reply that deletes itself: the next best thing to "only you can see this". */
@ApplyOptions<Listener.Options>({ event: Events.MessageCommandDenied })
export class ReplyWhenMessageCommandDenied extends Listener<typeof Events.MessageCommandDenied> {
	public override async run(error: UserError, { message, command, context }: MessageCommandDeniedPayload): Promise<void> {
		await replyBriefly(message, explainDenial(error, `${context.commandPrefix}${command.name}`));
	}
}
