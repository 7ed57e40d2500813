import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerLeaderboard } from '../lib/pointsAnswers.js';

/** /leaderboard and !leaderboard: this server's points leaderboard, ten to a page, with the caller's own rank. */
@ApplyOptions<GuildCommand.Options>({
	description: 'The viewers with the most points in this server, ten to a page, and your own rank.',
	commandOptions: [{ type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 1_000_000 }]
})
export class LeaderboardCommand extends GuildCommand {
	public override async run(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerLeaderboard(context, call.options.integer('page') ?? 1, call.user.id));
	}
}
