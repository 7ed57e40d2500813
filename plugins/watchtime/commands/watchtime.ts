import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerChange, answerHistory, answerShow, answerTop, onlyModerators } from '../lib/watchtimeAnswers.js';
import { CHANGE_MAX_MINUTES, REASON_MAX_LENGTH } from '../lib/WatchtimeRepository.js';

const WHO = { type: 'string', name: 'who', description: 'A member (@mention or id) or a Kick username', maxLength: 100 } as const;
const PAGE = { type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 1_000_000 } as const;
const CHANGE_OPTIONS = [
	{ ...WHO, required: true },
	{ type: 'integer', name: 'minutes', description: 'How many minutes', required: true, min: 1, max: CHANGE_MAX_MINUTES },
	{ type: 'string', name: 'reason', description: 'Why (kept in the history)', required: true, maxLength: REASON_MAX_LENGTH, rest: true }
] as const;

/** /watchtime and !watchtime: watch time of a viewer, the leaderboard, and moderators' changes with their history. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Shows watch time (from Kick chat while live), the leaderboard, and lets moderators change it.',
	guildSubcommands: [
		{ name: 'show', description: 'Shows a viewer’s watch time: yours when left out.', options: [WHO], run: 'show', default: true },
		{ name: 'top', description: 'The viewers with the most watch time, ten to a page.', options: [PAGE], run: 'top' },
		{ name: 'add', description: 'Adds minutes to a viewer’s watch time (moderators).', options: CHANGE_OPTIONS, run: 'add' },
		{ name: 'remove', description: 'Removes minutes from a viewer’s watch time (moderators).', options: CHANGE_OPTIONS, run: 'remove' },
		{
			name: 'history',
			description: 'A viewer’s watch time history: moderators’ changes and minutes per day (moderators).',
			options: [{ ...WHO, required: true }, PAGE],
			run: 'history'
		}
	]
})
export class WatchtimeCommand extends GuildCommand {
	public async show(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerShow(context, call.options.string('who'), call.user.id));
	}

	public async top(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerTop(context.db.watchtime, call.options.integer('page') ?? 1));
	}

	public async add(call: CommandCall, context: GuildContext): Promise<void> {
		await this.change(call, context, 'add');
	}

	public async remove(call: CommandCall, context: GuildContext): Promise<void> {
		await this.change(call, context, 'remove');
	}

	public async history(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators('see watch time history', context.settings.get('moderator_role_id')));
			return;
		}
		await call.reply(await answerHistory(context, call.options.string('who') ?? '', call.options.integer('page') ?? 1));
	}

	private async change(call: CommandCall, context: GuildContext, direction: 'add' | 'remove'): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators(`${direction} watch time`, context.settings.get('moderator_role_id')));
			return;
		}
		await call.reply(
			await answerChange(context, {
				who: call.options.string('who') ?? '',
				minutes: call.options.integer('minutes') ?? 0,
				reason: call.options.string('reason') ?? '',
				direction,
				byDiscordId: call.user.id
			})
		);
	}
}
