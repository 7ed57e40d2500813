import { ApplyOptions } from '@sapphire/decorators';
import { ConflictError, GuildCommand, type CommandCall, type GuildContext } from '#core';
import { formatMoney, parseMoney } from '../lib/money.js';
import { slotsChanged } from '../lib/panel.js';
import { answerCallers, answerHuntStatus, onlyModerators, refusal } from '../lib/slotAnswers.js';

/** /hunt and !hunt: the server's bonus hunt (moderators start and end it), its figures and its best callers. */
@ApplyOptions<GuildCommand.Options>({
	description: 'The bonus hunt: start balance, bonuses played, totals, break-even and the best callers.',
	guildSubcommands: [
		{ name: 'status', description: 'The hunt’s figures now.', run: 'status', default: true },
		{
			name: 'start',
			description: 'Starts a bonus hunt (moderators).',
			options: [{ type: 'string', name: 'balance', description: 'The start balance, e.g. 1000 or $1,000.00', required: true, maxLength: 24 }],
			run: 'start'
		},
		{ name: 'end', description: 'Ends the running bonus hunt (moderators).', run: 'end' },
		{
			name: 'callers',
			description: 'Whose requests paid most: this hunt, or all time.',
			options: [
				{ type: 'boolean', name: 'all', description: 'All time instead of the current hunt' },
				{ type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 100_000 }
			],
			run: 'callers'
		}
	]
})
export class HuntCommand extends GuildCommand {
	private readonly log = (line: string) => this.container.logger.warn(line);

	public async status(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerHuntStatus(context));
	}

	public async start(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('start bonus hunts')));
		const balance = parseMoney(call.options.string('balance') ?? '', 'start balance', { allowZero: true });
		if (!balance.ok) return void (await call.reply(refusal(`${balance.error} Nothing was changed.`)));
		try {
			const hunt = await context.db.slotHunts.start(balance.cents, call.user.id);
			slotsChanged(context, this.log);
			await call.reply({ content: `Bonus hunt #${hunt.id} started with ${formatMoney(hunt.startBalance)}: every result recorded now counts in it.` });
		} catch (error) {
			if (error instanceof ConflictError) return void (await call.reply(refusal('A bonus hunt is running already; `/hunt end` ends it.')));
			throw error;
		}
	}

	public async end(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('end bonus hunts')));
		const hunt = await context.db.slotHunts.end();
		if (hunt === null) return void (await call.reply(refusal('No bonus hunt is running.')));
		slotsChanged(context, this.log);
		await call.reply(await answerHuntStatus(context));
	}

	public async callers(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerCallers(context, call.options.boolean('all') === true ? 'all' : 'current', call.options.integer('page') ?? 1));
	}
}
