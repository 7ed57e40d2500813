import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerUnlink } from '../lib/linkAnswers.js';
import { announceLinkChange, LinkEvents, type KickLinkChange } from '../lib/linkEvents.js';

/** /unlink and !unlink: a member unlinks their own Kick account here; a moderator unlinks another member. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Unlinks your Kick account in this server (moderators: another member’s), with the linked role.',
	commandOptions: [{ type: 'user', name: 'member', description: 'The member to unlink (moderators); yourself when left out' }]
})
export class UnlinkCommand extends GuildCommand {
	public override async run(call: CommandCall, context: GuildContext): Promise<void> {
		const member = call.options.user('member');
		const announce = (change: KickLinkChange) => announceLinkChange(this.container.client, LinkEvents.Unlinked, change, context);
		if (member === null || member.id === call.user.id) {
			await call.reply(await answerUnlink(context, call.user.id, null, announce));
			return;
		}
		if (!call.byModerator) {
			await call.reply({ content: 'Only moderators of this server can unlink another member. Nothing was changed.', visibility: 'refusal' });
			return;
		}
		await call.reply(await answerUnlink(context, member.id, call.user.id, announce));
	}
}
