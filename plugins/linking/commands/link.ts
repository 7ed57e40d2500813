import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerLinkStart, answerStatus } from '../lib/linkAnswers.js';

/** /link and !link: a member's own Kick link in this server. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Shows your linked Kick account in this server, or gives you a link to link one.',
	guildSubcommands: [
		{ name: 'status', description: 'Shows the Kick account you linked in this server.', run: 'status', default: true },
		{ name: 'start', description: 'Gives you a sign-in link (yours alone, 10 minutes) to link your Kick account.', run: 'start' }
	]
})
export class LinkCommand extends GuildCommand {
	public async status(call: CommandCall, context: GuildContext): Promise<void> {
		const start = call.form === 'slash' ? '/link start' : `${context.settings.get('prefix')}link start`;
		await call.reply(await answerStatus(context, call.user.id, `Click “Link Kick account” on the server’s link panel, or use \`${start}\`.`));
	}

	/** The link is the member's alone: ephemeral in the slash form, by DM in the prefix form. */
	public async start(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerLinkStart(context, call.user.id));
	}
}
