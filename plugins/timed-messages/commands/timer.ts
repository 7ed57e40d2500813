import { ApplyOptions } from '@sapphire/decorators';
import type { ChatInputCommandInteraction } from 'discord.js';
import { GuildCommand, type CommandCall, type CommandOption, type GuildContext } from '#core';
import { addModal, answerList, describeTimer, editModal, MODERATORS_ONLY, noSuchTimer, refusalOf } from '../lib/timerAnswers.js';
import { MAX_INTERVAL_MINUTES, MAX_MIN_CHAT_LINES, MESSAGE_MAX_LENGTH, type TimerFields } from '../lib/timerRules.js';
import type { TimerRecord } from '../lib/TimedMessagesRepository.js';

const TIMER: CommandOption = {
	type: 'integer',
	name: 'timer',
	description: 'The timer’s number (see /timer list)',
	required: true,
	min: 1,
	max: 2_147_483_647
};
/** How a timer posts; the message (the rest of the line in the prefix form) comes last. */
const RULES: readonly CommandOption[] = [
	{ type: 'boolean', name: 'live_only', description: 'Posts only while the stream is live (default yes)' },
	{ type: 'integer', name: 'min_lines', description: 'Posts only after this many chat lines since its last post (0: any)', min: 0, max: MAX_MIN_CHAT_LINES },
	{ type: 'channel', name: 'channel', description: 'A Discord channel it posts to as well' }
];
const MESSAGE: CommandOption = {
	type: 'string',
	name: 'message',
	description: 'What it posts (leave out for a form with several messages posted in turn)',
	maxLength: MESSAGE_MAX_LENGTH,
	rest: true
};

/** /timer and !timer: this server's timed messages in Kick chat (moderators). */
@ApplyOptions<GuildCommand.Options>({
	description: 'Timed messages in the server’s Kick chat (and Discord) every N minutes (moderators).',
	guildSubcommands: [
		{
			name: 'add',
			description: 'Adds a timer; without a message, a form takes several, posted in turn.',
			options: [
				{ type: 'integer', name: 'interval', description: 'Every how many minutes it posts', required: true, min: 1, max: MAX_INTERVAL_MINUTES },
				MESSAGE,
				...RULES
			],
			run: 'add'
		},
		{
			name: 'edit',
			description: 'Changes a timer; with only the timer, a form for its messages opens.',
			options: [
				TIMER,
				{ type: 'integer', name: 'interval', description: 'Every how many minutes it posts', min: 1, max: MAX_INTERVAL_MINUTES },
				MESSAGE,
				...RULES,
				{ type: 'boolean', name: 'no_channel', description: 'Stops posting it in Discord' }
			],
			run: 'edit'
		},
		{ name: 'toggle', description: 'Switches a timer off, or on again.', options: [TIMER], run: 'toggle' },
		{ name: 'remove', description: 'Removes a timer.', options: [TIMER], run: 'remove' },
		{
			name: 'list',
			description: 'Lists this server’s timers.',
			options: [{ type: 'integer', name: 'page', description: 'The page', min: 1, max: 1000 }],
			run: 'list',
			default: true
		}
	]
})
export class TimerCommand extends GuildCommand {
	public async add(call: CommandCall, context: GuildContext): Promise<void> {
		if (!(await this.moderator(call))) return;
		const rules = this.rules(call);
		if (typeof rules === 'string') return void (await call.reply({ content: rules, visibility: 'refusal' }));
		const intervalMinutes = call.options.integer('interval') ?? 0;
		const message = call.options.string('message');
		if (message === null) {
			if (call.form === 'slash') {
				const fields = {
					intervalMinutes,
					liveOnly: rules.liveOnly ?? true,
					minChatLines: rules.minChatLines ?? 0,
					discordChannelId: rules.discordChannelId ?? null
				};
				return void (await (call.source as ChatInputCommandInteraction).showModal(addModal(context.guildId, fields)));
			}
			return void (await call.reply({
				content: `Say what it posts: \`${call.invocation} <minutes> <message>\`. Nothing was added.`,
				visibility: 'refusal'
			}));
		}
		let timer: TimerRecord;
		try {
			timer = await context.db.timedMessages.create({ ...rules, messages: [message], intervalMinutes, createdBy: BigInt(call.user.id) });
		} catch (error) {
			return this.refuse(call, error);
		}
		await call.reply({ content: `Added timer #${timer.id}.\n${describeTimer(timer)}` });
	}

	public async edit(call: CommandCall, context: GuildContext): Promise<void> {
		const timer = await this.moderatorTimer(call, context);
		if (timer === null) return;
		const rules = this.rules(call);
		if (typeof rules === 'string') return void (await call.reply({ content: rules, visibility: 'refusal' }));
		const message = call.options.string('message');
		const changes: TimerFields = {
			...rules,
			...(call.options.boolean('no_channel') === true ? { discordChannelId: null } : {}),
			...(call.options.integer('interval') === null ? {} : { intervalMinutes: call.options.integer('interval')! }),
			...(message === null ? {} : { messages: [message] })
		};
		if (Object.keys(changes).length === 0) {
			const form = call.form === 'slash' ? editModal(context.guildId, timer) : null;
			if (form !== null) return void (await (call.source as ChatInputCommandInteraction).showModal(form));
			return void (await call.reply({ content: 'Say what to change: an interval, a message or a rule. Nothing was changed.', visibility: 'refusal' }));
		}
		await this.change(call, context, timer.id, changes, 'Changed');
	}

	public async toggle(call: CommandCall, context: GuildContext): Promise<void> {
		const timer = await this.moderatorTimer(call, context);
		if (timer !== null) await this.change(call, context, timer.id, { enabled: !timer.enabled }, timer.enabled ? 'Switched off' : 'Switched on');
	}

	public async remove(call: CommandCall, context: GuildContext): Promise<void> {
		const timer = await this.moderatorTimer(call, context);
		if (timer === null) return;
		if (!(await context.db.timedMessages.delete(timer.id))) return void (await call.reply({ content: noSuchTimer(timer.id), visibility: 'refusal' }));
		await call.reply({ content: `Removed timer #${timer.id}.` });
	}

	public async list(call: CommandCall, context: GuildContext): Promise<void> {
		if (!(await this.moderator(call))) return;
		await call.reply(await answerList(context.db.timedMessages, call.options.integer('page') ?? 1));
	}

	/** The rules given (live only, minimum of lines, channel), or the refusal of a channel that is not a text channel. */
	private rules(call: CommandCall): Pick<TimerFields, 'liveOnly' | 'minChatLines' | 'discordChannelId'> | string {
		const channel = call.options.channel('channel');
		if (channel !== null && !channel.isTextBased()) return `<#${channel.id}> is not a text channel. Nothing was changed.`;
		const liveOnly = call.options.boolean('live_only');
		const minChatLines = call.options.integer('min_lines');
		return {
			...(liveOnly === null ? {} : { liveOnly }),
			...(minChatLines === null ? {} : { minChatLines }),
			...(channel === null ? {} : { discordChannelId: channel.id })
		};
	}

	private async change(call: CommandCall, context: GuildContext, id: number, changes: TimerFields, done: string): Promise<void> {
		let timer: TimerRecord;
		try {
			timer = await context.db.timedMessages.update(id, changes);
		} catch (error) {
			return this.refuse(call, error);
		}
		await call.reply({ content: `${done} timer #${timer.id}.\n${describeTimer(timer)}` });
	}

	private async refuse(call: CommandCall, error: unknown): Promise<void> {
		const refusal = refusalOf(error);
		if (refusal === null) throw error;
		await call.reply({ content: refusal, visibility: 'refusal' });
	}

	private async moderator(call: CommandCall): Promise<boolean> {
		if (call.byModerator) return true;
		await call.reply({ content: MODERATORS_ONLY, visibility: 'refusal' });
		return false;
	}

	private async moderatorTimer(call: CommandCall, context: GuildContext): Promise<TimerRecord | null> {
		if (!(await this.moderator(call))) return null;
		const id = call.options.integer('timer') ?? 0;
		const timer = await context.db.timedMessages.get(id);
		if (timer === null) await call.reply({ content: noSuchTimer(id), visibility: 'refusal' });
		return timer;
	}
}
