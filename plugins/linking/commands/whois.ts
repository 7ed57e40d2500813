import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerWhois } from '../lib/linkAnswers.js';

/** /whois and !whois: which Kick account a member linked here, or which member linked a Kick account. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Shows which Kick account a member linked in this server, or which member linked a Kick account.',
	commandOptions: [{ type: 'string', name: 'who', description: 'A member (@mention or id) or a Kick username', required: true, maxLength: 100 }]
})
export class WhoisCommand extends GuildCommand {
	public override async run(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerWhois(context, call.options.string('who') ?? ''));
	}
}
