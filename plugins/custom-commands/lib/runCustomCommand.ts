import { KickCommandArgs, renderChatTemplate, type ChatVariableCatalog, type ChatVariableViewer, type CooldownHold, type GuildContext } from '#core';
import { admits, bypassesCooldowns, type CallerLevel } from './callerLevel.js';
import type { CommandTables, LoadedCommand } from './CommandTable.js';
import type { UseCounter } from './UseCounter.js';

/** One call of a word that may be a custom command, in Kick chat or Discord. */
export interface CustomCommandCall {
	readonly via: 'kick' | 'discord';
	/** The word after the prefix, as typed. */
	readonly word: string;
	/** What was typed after it. */
	readonly rest: string;
	readonly caller: { readonly name: string; readonly userId: string; readonly level: CallerLevel };
	readonly viewer: ChatVariableViewer;
	/** Milliseconds since the epoch, as the cooldowns count. */
	readonly now: number;
}

export type CustomCommandOutcome =
	| { readonly kind: 'no command' }
	| { readonly kind: 'silent'; readonly command: LoadedCommand; readonly reason: 'disabled' | 'elsewhere' | 'access' | 'live' | 'offline' }
	| { readonly kind: 'cooldown'; readonly command: LoadedCommand; readonly remainingMs: number }
	| { readonly kind: 'answer'; readonly command: LoadedCommand; readonly text: string };

export interface CustomCommandRunner {
	readonly tables: CommandTables;
	readonly uses: UseCounter;
	readonly catalog: () => ChatVariableCatalog;
	/** A number in [0, 1) for {random}; Math.random by default. */
	readonly random?: () => number;
}

/**
 * Runs a server's custom command for one call and says what to answer; sends nothing. Checks in
 * order: the command exists here, is on, answers where it was called, admits the caller, fits the
 * stream's live status, is not cooling down (moderators pass, starting the cooldowns); then counts
 * the use and fills the response. Refusals stay silent, as chat bots do not scold viewers.
 */
export async function runCustomCommand(context: GuildContext, call: CustomCommandCall, runner: CustomCommandRunner): Promise<CustomCommandOutcome> {
	const command = (await runner.tables.of(context)).get(call.word.toLowerCase());
	if (command === undefined) return { kind: 'no command' };
	const { record } = command;
	if (!record.enabled) return { kind: 'silent', command, reason: 'disabled' };
	if (record.answersIn !== 'both' && record.answersIn !== call.via) return { kind: 'silent', command, reason: 'elsewhere' };
	if (!admits(record.access, call.caller.level)) return { kind: 'silent', command, reason: 'access' };
	if (record.liveMode !== 'always') {
		const live = (await context.db.kickConnection.get())?.isLive === true;
		if (record.liveMode === 'live' && !live) return { kind: 'silent', command, reason: 'live' };
		if (record.liveMode === 'offline' && live) return { kind: 'silent', command, reason: 'offline' };
	}
	const holds: CooldownHold[] = [];
	if (record.cooldownSeconds > 0) holds.push({ key: `custom-commands:cooldown:${record.id}`, ms: record.cooldownSeconds * 1000 });
	if (record.userCooldownSeconds > 0)
		holds.push({ key: `custom-commands:cooldown:${record.id}:${call.via}:${call.caller.userId}`, ms: record.userCooldownSeconds * 1000 });
	if (holds.length > 0) {
		const held = await context.shared.startCooldowns(holds, call.now, { force: bypassesCooldowns(call.caller.level) });
		if (held !== null) return { kind: 'cooldown', command, remainingMs: held.remainingMs };
	}
	command.usesSinceLoad += 1;
	runner.uses.record(context, record.id);
	const args = new KickCommandArgs(call.rest);
	const text = await renderChatTemplate(
		command.template,
		{
			user: call.caller.name,
			args: args.raw,
			words: args.tokens,
			uses: record.useCount + command.usesSinceLoad,
			viewer: call.viewer,
			...(runner.random === undefined ? {} : { random: runner.random })
		},
		context,
		runner.catalog()
	);
	return { kind: 'answer', command, text };
}
