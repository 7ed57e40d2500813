import { ApplyOptions } from '@sapphire/decorators';
import { MessageFlags } from 'discord.js';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerExport, answerGuesses, answerStatus, answerVerify, onlyModerators } from '../lib/gtbAnswers.js';
import { closeRound, enterResult, openRound, postPanel, type ActionAnswer } from '../lib/roundActions.js';

const ROUND = { type: 'integer', name: 'round', description: 'The round’s number (the latest when left out)', min: 1, max: 2_147_483_647 } as const;
const PANEL_GROUP = { name: 'panel', description: 'The moderators’ panel of guess the balance.' } as const;

/** /gtb and !gtb in Discord: rounds opened, closed and finished by moderators, their state, guesses, export and verification. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Guess the balance: rounds, guesses, the commitment and the winners.',
	guildSubcommands: [
		{ name: 'status', description: 'The latest round: state, guesses, commitment, winners.', run: 'status', default: true },
		{ name: 'open', description: 'Opens a round: viewers guess with !gtb <amount> in Kick chat (moderators).', run: 'open' },
		{ name: 'close', description: 'Closes the round’s guesses and publishes their commitment (moderators).', run: 'close' },
		{
			name: 'result',
			description: 'Enters the final balance of the closed round and announces the winners, once (moderators).',
			options: [
				{ type: 'string', name: 'amount', description: 'The final balance, like 1234.56 or $1,234.56', required: true, maxLength: 30, rest: true }
			],
			run: 'result'
		},
		{
			name: 'guesses',
			description: 'A round’s guesses in guess order (moderators).',
			options: [ROUND, { type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 1_000_000 }],
			run: 'guesses'
		},
		{ name: 'export', description: 'A closed round’s guess list as the file its commitment hashes (moderators).', options: [ROUND], run: 'export' },
		{ name: 'verify', description: 'Checks that a closed round’s guesses still hash to its commitment.', options: [ROUND], run: 'verify' },
		{
			name: 'post',
			group: PANEL_GROUP,
			description: 'Posts the panel (open, close, result, refresh) in a channel, kept up to date (moderators).',
			options: [{ type: 'channel', name: 'channel', description: 'Where (this channel when left out)' }],
			run: 'panelPost'
		}
	]
})
export class GtbCommand extends GuildCommand {
	public async status(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerStatus(context));
	}

	public async open(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('open a round', context)));
		await this.answer(call, await openRound(context, BigInt(call.user.id), this.log));
	}

	public async close(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('close a round', context)));
		await this.answer(call, await closeRound(context, this.log));
	}

	public async result(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('enter the final balance', context)));
		await this.answer(call, await enterResult(context, call.options.string('amount') ?? '', BigInt(call.user.id), this.log));
	}

	public async guesses(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('see the guesses', context)));
		await call.reply(await answerGuesses(context, call.options.integer('round'), call.options.integer('page') ?? 1));
	}

	public async export(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('export the guesses', context)));
		// A long list can take longer than the 3 seconds Discord gives a command.
		if (call.form === 'slash' && 'deferReply' in call.source) await call.source.deferReply({ flags: MessageFlags.Ephemeral });
		await call.reply(await answerExport(context, call.options.integer('round')));
	}

	public async verify(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerVerify(context, call.options.integer('round')));
	}

	public async panelPost(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('post the panel', context)));
		const channelId = call.options.channel('channel')?.id ?? call.channelId;
		try {
			await postPanel(context, channelId);
		} catch (error) {
			if (!(error instanceof TypeError)) throw error;
			return void (await call.reply({
				content: `<#${channelId}> is not a channel of this server the bot can post in. Nothing was posted.`,
				visibility: 'refusal'
			}));
		}
		await call.reply({ content: `The guess the balance panel is posted in <#${channelId}> and kept up to date there.`, visibility: 'caller' });
	}

	private readonly log = (line: string) => this.container.logger.warn(line);

	private async answer(call: CommandCall, answer: ActionAnswer): Promise<void> {
		await call.reply({ content: answer.line, visibility: answer.done ? 'caller' : 'refusal' });
	}
}
