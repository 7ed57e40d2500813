import { ApplyOptions } from '@sapphire/decorators';
import { botFacts, GuildCommand, type CommandCall } from '#core';
import { describeBot } from '../lib/describeBot.js';

@ApplyOptions<GuildCommand.Options>({ description: 'Tells what this bot is: version, servers, uptime and the plugins it runs.', alsoInDirectMessages: true })
export class AboutCommand extends GuildCommand {
	public override async run(call: CommandCall): Promise<void> {
		await call.reply({
			embeds: [
				{
					title: 'Kick community bot',
					description: 'Watches a Kick channel’s chat and runs its community, separately in every server, with the plugins below.',
					fields: describeBot(await botFacts())
				}
			],
			visibility: 'channel'
		});
	}
}
