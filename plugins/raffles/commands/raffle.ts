import { ApplyOptions } from '@sapphire/decorators';
import { MessageFlags } from 'discord.js';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { MAX_WINNERS } from '../lib/drawRaffle.js';
import {
	answerAdjust,
	answerDraw,
	answerEnd,
	answerExport,
	answerLeaderboard,
	answerReroll,
	answerRules,
	answerStart,
	answerStatus,
	answerTickets,
	answerVerify,
	onlyModerators
} from '../lib/raffleAnswers.js';
import { REASON_MAX_LENGTH } from '../lib/RaffleRepository.js';
import { wakeScheduleAtPeriodEnd } from '../lib/wakeSchedule.js';

const WHO = { type: 'string', name: 'who', description: 'A member (@mention or id) or a Kick username', maxLength: 100 } as const;
const PERIOD = { type: 'integer', name: 'period', description: 'The period’s number (the latest drawn when left out)', min: 1, max: 2_147_483_647 } as const;
const ADJUST_OPTIONS = [
	{ ...WHO, required: true },
	{ type: 'string', name: 'source', description: 'bonus (tickets) or wager (dollars)', required: true, choices: ['bonus', 'wager'] },
	{ type: 'string', name: 'amount', description: 'Tickets for bonus; dollars for wager (1234.56)', required: true, maxLength: 20 },
	{ type: 'string', name: 'reason', description: 'Why (kept in the ticket log)', required: true, maxLength: REASON_MAX_LENGTH, rest: true }
] as const;

/** /raffle and !raffle: the period, tickets, the leaderboard, and moderators' changes, draws and rerolls; verify and export for anyone. */
@ApplyOptions<GuildCommand.Options>({
	description: 'The raffle: status, tickets, leaderboard, draws anyone can verify.',
	guildSubcommands: [
		{ name: 'status', description: 'The raffle period, its prize and rules, and your chance.', run: 'status', default: true },
		{ name: 'tickets', description: 'Tickets by source: yours, or a member’s or Kick user’s.', options: [{ ...WHO, name: 'member' }], run: 'tickets' },
		{
			name: 'leaderboard',
			description: 'Who holds the most tickets, ten to a page.',
			options: [{ type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 1_000_000 }],
			run: 'leaderboard'
		},
		{ name: 'give', description: 'Gives bonus tickets or enters a wager (moderators).', options: ADJUST_OPTIONS, run: 'give' },
		{ name: 'remove', description: 'Removes bonus tickets or takes a wager back (moderators).', options: ADJUST_OPTIONS, run: 'remove' },
		{
			name: 'start',
			description: 'Opens a raffle period, to the end of the month by default (moderators).',
			options: [
				{ type: 'string', name: 'end', description: 'When it ends: YYYY-MM-DD (UTC), the end of this month when left out', maxLength: 30 },
				{ type: 'boolean', name: 'linked_only', description: 'Only members with a linked Kick account can win (yes by default)' },
				{ type: 'integer', name: 'min_watch_hours', description: 'Hours watched in the period needed to win (0 by default)', min: 0, max: 1000 },
				{ type: 'string', name: 'exclude', description: 'Members or Kick users who cannot win, separated by spaces', maxLength: 1000, rest: true }
			],
			run: 'start'
		},
		{ name: 'end', description: 'Ends the active period without drawing it (moderators).', run: 'end' },
		{
			name: 'draw',
			description: 'Draws the raffle, once, and announces it (moderators).',
			options: [{ type: 'integer', name: 'winners', description: `How many winners (1 by default, at most ${MAX_WINNERS})`, min: 1, max: MAX_WINNERS }],
			run: 'draw'
		},
		{
			name: 'reroll',
			description: 'Draws a new winner for one place of the latest draw (moderators).',
			options: [{ type: 'integer', name: 'winner', description: 'Which winner (1 by default)', min: 1, max: MAX_WINNERS }],
			run: 'reroll'
		},
		{ name: 'verify', description: 'Recomputes the draws of a period and says whether they match.', options: [PERIOD], run: 'verify' },
		{
			name: 'export',
			description: 'The draw record and ticket table as a file anyone can check.',
			options: [PERIOD, { type: 'integer', name: 'draw', description: 'Which draw of the period (the latest when left out)', min: 1, max: 1000 }],
			run: 'export'
		},
		{ name: 'rules', description: 'How tickets are earned and who can win.', run: 'rules' }
	]
})
export class RaffleCommand extends GuildCommand {
	public async status(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerStatus(context, call.user.id));
	}

	public async tickets(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerTickets(context, call.options.string('member'), call.user.id));
	}

	public async leaderboard(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerLeaderboard(context, call.options.integer('page') ?? 1));
	}

	public async give(call: CommandCall, context: GuildContext): Promise<void> {
		await this.adjust(call, context, 1);
	}

	public async remove(call: CommandCall, context: GuildContext): Promise<void> {
		await this.adjust(call, context, -1);
	}

	public async start(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('open raffle periods', context)));
		const request = {
			end: call.options.string('end'),
			linkedOnly: call.options.boolean('linked_only'),
			minWatchHours: call.options.integer('min_watch_hours'),
			exclude: call.options.string('exclude'),
			byDiscordId: BigInt(call.user.id)
		};
		await call.reply(await answerStart(context, request, new Date()));
		await wakeScheduleAtPeriodEnd(context);
	}

	public async end(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('end raffle periods', context)));
		await call.reply(await answerEnd(context));
	}

	public async draw(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('draw the raffle', context)));
		await defer(call, 'channel');
		await call.reply(await answerDraw(context, call.options.integer('winners') ?? 1, BigInt(call.user.id), (line) => this.container.logger.warn(line)));
	}

	public async reroll(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('reroll the raffle', context)));
		await defer(call, 'channel');
		await call.reply(await answerReroll(context, call.options.integer('winner') ?? 1, BigInt(call.user.id), (line) => this.container.logger.warn(line)));
	}

	public async verify(call: CommandCall, context: GuildContext): Promise<void> {
		await defer(call, 'caller');
		await call.reply(await answerVerify(context, call.options.integer('period')));
	}

	public async export(call: CommandCall, context: GuildContext): Promise<void> {
		await defer(call, 'caller');
		await call.reply(await answerExport(context, call.options.integer('period'), call.options.integer('draw')));
	}

	public async rules(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerRules(context));
	}

	private async adjust(call: CommandCall, context: GuildContext, direction: 1 | -1): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('change raffle tickets', context)));
		const request = {
			who: call.options.string('who') ?? '',
			source: call.options.string('source') ?? '',
			amount: call.options.string('amount') ?? '',
			reason: call.options.string('reason') ?? '',
			direction,
			byDiscordId: BigInt(call.user.id)
		};
		await call.reply(await answerAdjust(context, request));
	}
}

/**
 * A draw, a verification or an export reads the whole ticket table, which can take longer than the
 * 3 seconds Discord gives a command: the slash form says it is working first, seen by whom the answer will be.
 */
async function defer(call: CommandCall, seenBy: 'channel' | 'caller'): Promise<void> {
	if (call.form === 'slash' && 'deferReply' in call.source) await call.source.deferReply(seenBy === 'channel' ? {} : { flags: MessageFlags.Ephemeral });
}
