import { ApplyOptions } from '@sapphire/decorators';
import { accessOfSender, KickCommand, type GuildContext } from '#core';
import { slotsChanged } from '../lib/panel.js';
import { chatAnswerOf, requestSlot } from '../lib/requestSlot.js';

/** !sr <slot> (and !call <slot>): a viewer's slot request, checked in FEATURES.md's order and answered in chat. */
@ApplyOptions<KickCommand.Options>({ aliases: ['call'], description: 'Requests a slot for the stream: !sr <slot>.' })
export class SlotRequestChatCommand extends KickCommand {
	public override async run(message: KickCommand.Message, args: KickCommand.Args, context: GuildContext): Promise<void> {
		const { event } = message;
		const access = accessOfSender(event);
		const outcome = await requestSlot(context, {
			kickUsername: event.sender.username,
			kickUserId: event.sender.userId,
			text: args.raw,
			bypassesCooldown: access === 'broadcaster' || access === 'moderator',
			now: event.at.getTime()
		});
		if (outcome.kind === 'added') slotsChanged(context, (line) => this.container.logger.warn(line));
		const answer = chatAnswerOf(outcome, event.sender.username);
		if (answer !== null) await message.reply(answer);
	}
}
