import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerChange, answerGiveAll, answerHistory, answerShow, onlyModerators, REASON_MAX_LENGTH, type ChangeKind } from '../lib/pointsAnswers.js';
import { MAX_BALANCE, MAX_POINTS_CHANGE } from '../lib/UserPointsRepository.js';

const WHO = { type: 'string', name: 'who', description: 'A member (@mention or id) or a Kick username', maxLength: 100 } as const;
const PAGE = { type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 1_000_000 } as const;
const REASON = { type: 'string', name: 'reason', description: 'Why (kept in the history)', required: true, maxLength: REASON_MAX_LENGTH, rest: true } as const;
const changeOptions = (max: number, min = 1) =>
	[{ ...WHO, required: true }, { type: 'integer', name: 'amount', description: 'How many points', required: true, min, max }, REASON] as const;

/** /points and !points in Discord: balances, a viewer's ledger, and moderators' changes. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Shows points (from watching and Kick subs), a viewer’s history, and lets moderators change them.',
	guildSubcommands: [
		{ name: 'show', description: 'Shows a viewer’s points and rank: yours when left out.', options: [WHO], run: 'show', default: true },
		{ name: 'history', description: 'A viewer’s points history, newest first.', options: [{ ...WHO, required: true }, PAGE], run: 'history' },
		{ name: 'add', description: 'Adds points to a viewer (moderators).', options: changeOptions(MAX_POINTS_CHANGE), run: 'add' },
		{
			name: 'remove',
			description: 'Removes points from a viewer, down to 0 at most (moderators).',
			options: changeOptions(MAX_POINTS_CHANGE),
			run: 'remove'
		},
		{ name: 'set', description: 'Sets a viewer’s points (moderators).', options: changeOptions(MAX_BALANCE, 0), run: 'set' },
		{
			name: 'give-all',
			description: 'Gives points to everyone in Kick chat now (moderators).',
			options: [{ type: 'integer', name: 'amount', description: 'How many points each', required: true, min: 1, max: MAX_POINTS_CHANGE }, REASON],
			run: 'giveAll'
		}
	]
})
export class PointsCommand extends GuildCommand {
	public async show(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerShow(context, call.options.string('who'), call.user.id));
	}

	public async history(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerHistory(context, call.options.string('who') ?? '', call.options.integer('page') ?? 1));
	}

	public async add(call: CommandCall, context: GuildContext): Promise<void> {
		await this.change(call, context, 'add');
	}

	public async remove(call: CommandCall, context: GuildContext): Promise<void> {
		await this.change(call, context, 'remove');
	}

	public async set(call: CommandCall, context: GuildContext): Promise<void> {
		await this.change(call, context, 'set');
	}

	public async giveAll(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators('give points to everyone', context.settings.get('moderator_role_id')));
			return;
		}
		await call.reply(
			await answerGiveAll(context, {
				amount: call.options.integer('amount'),
				reason: call.options.string('reason') ?? '',
				byDiscordId: call.user.id,
				now: Date.now()
			})
		);
	}

	private async change(call: CommandCall, context: GuildContext, kind: ChangeKind): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators(`${kind} points`, context.settings.get('moderator_role_id')));
			return;
		}
		await call.reply(
			await answerChange(context, {
				kind,
				who: call.options.string('who') ?? '',
				amount: call.options.integer('amount'),
				reason: call.options.string('reason') ?? '',
				byDiscordId: call.user.id
			})
		);
	}
}
