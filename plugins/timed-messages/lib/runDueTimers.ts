import type { GuildContext } from '#core';
import { linesSince, readChatLines } from './ChatLineCounter.js';
import type { ClaimedPost, TimerRecord } from './TimedMessagesRepository.js';

/** What a run needs of a server's context. */
export type TimersContext = Pick<GuildContext, 'guildId' | 'db' | 'shared' | 'sayInKickChat' | 'postInChannel'>;

/** What became of one due timer in a run. */
export type TimerOutcome =
	| { readonly timerId: number; readonly status: 'posted'; readonly postNumber: number }
	| { readonly timerId: number; readonly status: 'offline' }
	| { readonly timerId: number; readonly status: 'quiet chat'; readonly lines: number }
	/** Another run (another bot process) claimed it first, or it changed meanwhile. */
	| { readonly timerId: number; readonly status: 'taken' }
	| { readonly timerId: number; readonly status: 'failed'; readonly error: unknown };

/** The start of the tick of `intervalMs` that `now` falls in: every process that runs the tick then names the same moment. */
export function tickOf(now: number, intervalMs: number): Date {
	return new Date(Math.floor(now / intervalMs) * intervalMs);
}

/** The outbox key of a timer's post: doing the same post again (a retry, another process) posts nothing more. */
export function postKey(post: Pick<ClaimedPost, 'timerId' | 'postNumber'>): string {
	return `timers:${post.timerId}:${post.postNumber}`;
}

/**
 * Posts the server's due timers at `now`: in its Kick chat, and in the timer's Discord channel
 * when it has one, through the outbox. A live-only timer waits while Kick does not say the stream
 * is live; a timer with a minimum of chat lines waits until that many were counted since its last
 * post. Each post is claimed in the database first (one claim per interval, whatever the number of
 * bot processes); a post the outbox could not take is given back, and the next run tries it again
 * under the same key. Costs one query (the due timers with the stream's live status), the chat
 * line counter when a due timer has a minimum (one Redis read), and a claim and an outbox record per post.
 */
export async function runDueTimers(context: TimersContext, now: Date, log: (line: string) => void = () => undefined): Promise<TimerOutcome[]> {
	const { timers: due, streamLive: live } = await context.db.timedMessages.due(now);
	if (due.length === 0) return [];
	const chatLines = due.some((timer) => timer.minChatLines > 0) ? await readChatLines(context) : null;
	const outcomes: TimerOutcome[] = [];
	for (const timer of due) {
		if (timer.liveOnly && !live) {
			outcomes.push({ timerId: timer.id, status: 'offline' });
			continue;
		}
		const lines = chatLines === null ? null : linesSince(chatLines, timer.chatLinesMark);
		if (lines !== null && lines < timer.minChatLines) {
			outcomes.push({ timerId: timer.id, status: 'quiet chat', lines });
			continue;
		}
		outcomes.push(await postTimer(context, timer, now, chatLines, log));
	}
	return outcomes;
}

async function postTimer(context: TimersContext, timer: TimerRecord, now: Date, chatLines: number | null, log: (line: string) => void): Promise<TimerOutcome> {
	const timers = context.db.timedMessages;
	const post = await timers.claim(timer, now, chatLines);
	if (post === null) return { timerId: timer.id, status: 'taken' };
	try {
		await context.sayInKickChat(post.text, { key: postKey(post), kind: 'announcement', about: now });
	} catch (error) {
		await timers.release(post, timer);
		return { timerId: timer.id, status: 'failed', error };
	}
	if (post.discordChannelId !== null) {
		await context.postInChannel(post.discordChannelId, { content: post.text }, { key: postKey(post) }).catch((error: unknown) => {
			log(`Timed messages: server ${context.guildId}, timer #${timer.id}: not posted in channel ${post.discordChannelId}: ${String(error)}`);
		});
	}
	return { timerId: timer.id, status: 'posted', postNumber: post.postNumber };
}

/** A run's outcomes in a log line. */
export function describeOutcomes(outcomes: readonly TimerOutcome[]): string {
	return outcomes
		.map((outcome) => {
			switch (outcome.status) {
				case 'posted':
					return `#${outcome.timerId} posted (post ${outcome.postNumber})`;
				case 'quiet chat':
					return `#${outcome.timerId} waits for chat (${outcome.lines} line(s))`;
				case 'failed':
					return `#${outcome.timerId} failed (${String(outcome.error)}), tried again next run`;
				default:
					return `#${outcome.timerId} ${outcome.status}`;
			}
		})
		.join(', ');
}
