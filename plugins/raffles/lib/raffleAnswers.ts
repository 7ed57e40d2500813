import { ConflictError, InvalidInputError, pageButtons, type CommandAnswer, type GuildContext } from '#core';
import { deliverOwedAnnouncements } from './announce.js';
import { chance, count, discordTime, leaderboardLine, periodEmbed, ticketLines } from './describeRaffle.js';
import { drawPeriod, exportDraw, MAX_WINNERS, rerollSlot, verifyStoredDraw } from './drawRaffle.js';
import { leaderboardPageId } from './raffleButtons.js';
import { defaultPeriod, openPeriod, readDate } from './periods.js';
import { describeParticipantKey, participantKeyOf, type Participant } from './participants.js';
import type { RafflePeriodRecord, StoredDraw } from './RaffleRepository.js';
import { CHANGE_MAX_TICKETS, REASON_MAX_LENGTH } from './RaffleRepository.js';
import { describeRules, type PeriodRules } from './rules.js';
import { participantOfKickName, participantOfMember } from './tickets.js';

/*
 * What /raffle (both forms), its buttons and the dashboard's actions answer, from one server's
 * raffles. Refusals are for the member alone and change nothing.
 */

export type RaffleContext = Pick<GuildContext, 'guildId' | 'guild' | 'db' | 'settings' | 'sayInKickChat' | 'postInChannel' | 'editInChannel'>;

/** Leaderboard lines per page. */
export const LINES_PER_PAGE = 10;

const refusal = (content: string): CommandAnswer => ({ content, visibility: 'refusal' });
const NO_PERIOD = refusal('This server has no raffle period yet. A moderator opens one with `/raffle start`.');

/** Whom a command names: a member (a mention or an id) or a Kick account (its name, with or without @). */
export async function readWho(context: Pick<GuildContext, 'db'>, text: string): Promise<Participant | null> {
	const trimmed = text.trim();
	const member = /^(?:<@!?(\d{17,20})>|(\d{17,20}))$/.exec(trimmed);
	if (member !== null) return participantOfMember(context.db, BigInt(member[1] ?? member[2]!));
	const kick = /^@?([A-Za-z0-9_]{1,25})$/.exec(trimmed);
	return kick === null ? null : participantOfKickName(context.db, kick[1]!);
}

/** `status`: the active period (else the latest): dates, prize, rules, commitment, and the caller's tickets and chance. */
export async function answerStatus(context: RaffleContext, callerId: string): Promise<CommandAnswer> {
	const period = await context.db.raffles.latestPeriod();
	if (period === null) return NO_PERIOD;
	const participants = await context.db.raffles.participantCount(period.id);
	const own = await context.db.raffles.standingOf(period.id, `discord:${callerId}`);
	const yours =
		own.tickets > 0 ? `You hold ${count(own.tickets)} ticket(s): a ${chance(own.tickets, own.total)} chance.` : 'You hold no tickets in this period.';
	const draws = period.status === 'drawn' ? await context.db.raffles.draws(period.id) : [];
	return {
		content: `${yours}${draws.length > 0 ? ` Drawn ${discordTime(draws[0]!.drawnAt)}: \`/raffle verify\` checks it.` : ''}`,
		embeds: [periodEmbed(period, participants)],
		visibility: 'caller'
	};
}

/** `tickets [member]`: a participant's tickets by source in the active period (else the latest). */
export async function answerTickets(context: RaffleContext, who: string | null, callerId: string): Promise<CommandAnswer> {
	const period = await context.db.raffles.latestPeriod();
	if (period === null) return NO_PERIOD;
	const participant = who === null ? await participantOfMember(context.db, BigInt(callerId)) : await readWho(context, who);
	if (participant === null) return refusal('`member` takes a member (a mention or an id) or a Kick username (letters, digits and _).');
	const key = participantKeyOf(participant);
	const [ticket, standing] = await Promise.all([context.db.raffles.ticketsOf(period.id, key), context.db.raffles.standingOf(period.id, key)]);
	const name = who === null ? 'Your tickets' : `Tickets of ${describeParticipantKey(key, participant.kickName)}`;
	const place =
		standing.rank === null ? '' : `\nRank #${standing.rank} of ${count(standing.participants)}, a ${chance(standing.tickets, standing.total)} chance.`;
	return { content: `${name} in period #${period.id}:\n${ticketLines(ticket)}${place}`, visibility: 'caller' };
}

/** `leaderboard [page]` and its buttons. */
export async function answerLeaderboard(context: RaffleContext, page: number): Promise<CommandAnswer> {
	const period = await context.db.raffles.latestPeriod();
	if (period === null) return NO_PERIOD;
	const participants = await context.db.raffles.participantCount(period.id);
	if (participants === 0) return refusal(`Nobody holds tickets in period #${period.id} yet.`);
	const pages = Math.ceil(participants / LINES_PER_PAGE);
	const current = Math.min(Math.max(page, 1), pages);
	const rows = await context.db.raffles.ticketLeaderboard(period.id, LINES_PER_PAGE, (current - 1) * LINES_PER_PAGE);
	const lines = rows.map((ticket, index) => leaderboardLine((current - 1) * LINES_PER_PAGE + index + 1, ticket, period.totalTickets));
	return {
		embeds: [
			{
				title: `Raffle leaderboard · period #${period.id}`,
				description: lines.join('\n'),
				footer: { text: `Page ${current} of ${pages} · ${count(period.totalTickets)} tickets` }
			}
		],
		components: pageButtons(leaderboardPageId, current, current < pages),
		visibility: 'channel'
	};
}

/** `give` and `remove`: bonus tickets, or a wager in dollars, for a participant of the active period. */
export async function answerAdjust(
	context: RaffleContext,
	request: { who: string; amount: string; source: string; reason: string; direction: 1 | -1; byDiscordId: bigint | null; eventId?: string }
): Promise<CommandAnswer> {
	const period = await context.db.raffles.activePeriod();
	if (period === null) return refusal('There is no active raffle period: nothing was changed.');
	const participant = await readWho(context, request.who);
	if (participant === null) return refusal('`who` takes a member (a mention or an id) or a Kick username (letters, digits and _). Nothing was changed.');
	const reason = request.reason.trim();
	if (reason === '' || [...reason].length > REASON_MAX_LENGTH) return refusal(`A reason is 1 to ${REASON_MAX_LENGTH} characters. Nothing was changed.`);
	const name = describeParticipantKey(participantKeyOf(participant), participant.kickName);
	try {
		if (request.source === 'wager') {
			const cents = readDollars(request.amount);
			if (cents === null)
				return refusal('A wager is an amount in dollars from $0.01 to $1,000,000,000, such as `1234.56` or `$1,234.56`. Nothing was changed.');
			const outcome = await context.db.raffles.enterWager(period.id, {
				participant,
				cents: cents * BigInt(request.direction),
				ticketsPer1000: context.settings.get('wager_tickets_per_1000'),
				reason,
				actorDiscordId: request.byDiscordId,
				...(request.eventId === undefined ? {} : { eventId: request.eventId })
			});
			const dollars = `$${(Number(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
			return {
				content: `${request.direction > 0 ? 'Entered' : 'Took back'} a wager of ${dollars} for ${name}: ${outcome.applied >= 0 ? '+' : ''}${count(outcome.applied)} ticket(s) (${count(outcome.ticket?.totalTickets ?? 0)} in all). Fractions carry over to the next wager.`,
				visibility: 'caller'
			};
		}
		if (request.source !== 'bonus') return refusal('The source is `bonus` or `wager`. Nothing was changed.');
		const tickets = /^\d{1,7}$/.test(request.amount.trim()) ? Number(request.amount.trim()) : NaN;
		if (!Number.isSafeInteger(tickets) || tickets < 1 || tickets > CHANGE_MAX_TICKETS)
			return refusal(`Bonus tickets are a whole number from 1 to ${count(CHANGE_MAX_TICKETS)}. Nothing was changed.`);
		const outcome = await context.db.raffles.changeTickets(period.id, {
			participant,
			source: 'bonus',
			delta: tickets * request.direction,
			reason,
			actorDiscordId: request.byDiscordId,
			...(request.eventId === undefined ? {} : { kickEventId: request.eventId })
		});
		if (outcome.applied === 0) return refusal(`${name} has no bonus tickets to remove. Nothing was changed.`);
		return {
			content: `${outcome.applied > 0 ? 'Gave' : 'Removed'} ${count(Math.abs(outcome.applied))} bonus ticket(s) ${outcome.applied > 0 ? 'to' : 'from'} ${name} (${count(outcome.ticket?.totalTickets ?? 0)} in all). Reason: ${reason}`,
			visibility: 'caller'
		};
	} catch (error) {
		if (error instanceof InvalidInputError || error instanceof ConflictError) return refusal(`${error.message}. Nothing was changed.`);
		throw error;
	}
}

/** Reads an amount in dollars (`1234.56`, `$1,234.56`) as cents; null when it is not one, or out of range. */
export function readDollars(text: string): bigint | null {
	const match = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
	if (match === null) return null;
	const cents = BigInt(match[1]!.replaceAll(',', '')) * 100n + BigInt((match[2] ?? '').padEnd(2, '0') || '0');
	return cents >= 1n && cents <= 100_000_000_000n ? cents : null;
}

/** `start`: opens a period (to the end of this month by default) with its seed committed and its rules fixed. */
export async function answerStart(
	context: RaffleContext,
	request: { end: string | null; linkedOnly: boolean | null; minWatchHours: number | null; exclude: string | null; byDiscordId: bigint | null },
	now: Date
): Promise<CommandAnswer> {
	let range = defaultPeriod(now);
	if (request.end !== null) {
		const end = readDate(request.end);
		if (end === null) return refusal('`end` is a day (`YYYY-MM-DD`, UTC) or an ISO time. Nothing was opened.');
		range = { startDate: now, endDate: end };
	}
	const excluded: { key: string; reason: string }[] = [];
	for (const word of (request.exclude ?? '').split(/[\s,]+/).filter((part) => part !== '')) {
		const participant = await readWho(context, word);
		if (participant === null) return refusal(`\`exclude\` lists members or Kick usernames; “${word.slice(0, 40)}” is neither. Nothing was opened.`);
		excluded.push({ key: participantKeyOf(participant), reason: 'excluded by the moderators when the period opened' });
	}
	const rules: PeriodRules = { linkedOnly: request.linkedOnly ?? true, minWatchMinutes: (request.minWatchHours ?? 0) * 60, excluded };
	try {
		const period = await openPeriod(context.db.raffles, {
			...range,
			rules,
			prize: context.settings.get('raffle_prize'),
			openedByDiscordId: request.byDiscordId
		});
		return {
			content: `Opened raffle period #${period.id}. The seed is committed: its sha256 is shown below and the seed is revealed at the draw.`,
			embeds: [periodEmbed(period, 0)],
			visibility: 'channel'
		};
	} catch (error) {
		if (error instanceof ConflictError) return refusal('This server already has an active raffle period: end or draw it first. Nothing was opened.');
		if (error instanceof InvalidInputError) return refusal(`${error.message} Nothing was opened.`);
		throw error;
	}
}

/** `end`: ends the active period (its tickets stop; it is drawn later with `/raffle draw`). */
export async function answerEnd(context: RaffleContext): Promise<CommandAnswer> {
	const period = await context.db.raffles.activePeriod();
	if (period === null) return refusal('There is no active raffle period to end.');
	await context.db.raffles.endPeriod(period.id);
	return { content: `Ended raffle period #${period.id}: its tickets no longer change. Draw it with \`/raffle draw\`.`, visibility: 'channel' };
}

/**
 * The period a draw is for: the latest ended and not drawn (with auto-renew the next one is active
 * by then), else the active one, else the latest drawn (which says it was).
 */
async function periodToDraw(context: RaffleContext): Promise<RafflePeriodRecord | null> {
	const periods = await context.db.raffles.periods(5);
	return (
		periods.find((period) => period.status === 'ended') ??
		periods.find((period) => period.status === 'active') ??
		periods.find((period) => period.status === 'drawn') ??
		null
	);
}

/** `draw [winners]`: draws the period (once), then announces it. */
export async function answerDraw(context: RaffleContext, winners: number, byDiscordId: bigint | null, log?: (line: string) => void): Promise<CommandAnswer> {
	if (!Number.isSafeInteger(winners) || winners < 1 || winners > MAX_WINNERS) return refusal(`A draw has 1 to ${MAX_WINNERS} winners.`);
	const period = await periodToDraw(context);
	if (period === null) return refusal('There is no raffle period to draw: open one with `/raffle start`.');
	const outcome = await drawPeriod(context.db.raffles, { periodId: period.id, winnerCount: winners, drawnByDiscordId: byDiscordId });
	if (outcome.status === 'not drawable') return refusal(outcome.reason);
	await deliverOwedAnnouncements(context, log);
	return { content: drawSummary(period, outcome.draw, outcome.status === 'drawn already'), visibility: 'channel' };
}

/** `reroll [winner]`: a new winner for one slot of the latest draw. */
export async function answerReroll(context: RaffleContext, slot: number, byDiscordId: bigint | null, log?: (line: string) => void): Promise<CommandAnswer> {
	const draw = await context.db.raffles.latestDraw();
	if (draw === null) return refusal('No raffle has been drawn in this server yet.');
	const outcome = await rerollSlot(context.db.raffles, { periodId: draw.periodId, slot, drawnByDiscordId: byDiscordId });
	if (outcome.status === 'not drawable') return refusal(outcome.reason);
	await deliverOwedAnnouncements(context, log);
	const period = (await context.db.raffles.period(draw.periodId))!;
	return { content: drawSummary(period, outcome.draw, outcome.status === 'drawn already'), visibility: 'channel' };
}

function drawSummary(period: RafflePeriodRecord, draw: StoredDraw, already: boolean): string {
	const record = draw.record as {
		winners: { key: string; ticket: number; rangeStart: number; rangeEnd: number }[];
		eligibleTickets: number;
		serverSeed: string;
	};
	const what = draw.kind === 'reroll' ? `Reroll (draw ${draw.drawNumber}) of winner #${draw.slots[0]}` : `Draw of period #${period.id}`;
	if (record.winners.length === 0) return `${what}: nobody was eligible, so there is no winner.`;
	const winners = record.winners.map(
		(winner, index) =>
			`#${draw.slots[index]} ${describeParticipantKey(winner.key, '')} (ticket ${count(winner.ticket)} of ${count(record.eligibleTickets)})`
	);
	return `${already ? 'Already drawn. ' : ''}${what}: ${winners.join(', ')}. Seed revealed: \`${record.serverSeed}\`.`;
}

/** The draws of a period named, or of the latest drawn. */
async function drawsOf(context: RaffleContext, periodId: number | null): Promise<StoredDraw[]> {
	if (periodId !== null) return context.db.raffles.period(periodId).then((period) => (period === null ? [] : context.db.raffles.draws(periodId)));
	const latest = await context.db.raffles.latestDraw();
	return latest === null ? [] : context.db.raffles.draws(latest.periodId);
}

/** `verify [period]`: recomputes every draw of the period from its record and the ticket table, and says plainly whether it matches. */
export async function answerVerify(context: RaffleContext, periodId: number | null): Promise<CommandAnswer> {
	const draws = await drawsOf(context, periodId);
	if (draws.length === 0)
		return refusal(periodId === null ? 'No raffle has been drawn in this server yet.' : `Period #${periodId} of this server has no draw.`);
	const lines: string[] = [];
	for (const draw of draws) {
		const result = await verifyStoredDraw(context.db.raffles, draw);
		lines.push(
			result.ok
				? `✅ Draw ${draw.drawNumber} of period #${draw.periodId} matches: recomputed from the revealed seed and the ticket table, it gives the same winners.`
				: `❌ Draw ${draw.drawNumber} of period #${draw.periodId} does NOT match: ${result.problems.slice(0, 5).join(' ')}`
		);
	}
	return { content: lines.join('\n'), visibility: 'caller' };
}

/** `export [period] [draw]`: the draw record and ticket table as a file that `docs/verify-raffle-draw.mjs` checks. */
export async function answerExport(context: RaffleContext, periodId: number | null, drawNumber: number | null): Promise<CommandAnswer> {
	const draws = await drawsOf(context, periodId);
	const draw = drawNumber === null ? draws.at(-1) : draws.find((candidate) => candidate.drawNumber === drawNumber);
	if (draw === undefined) return refusal('There is no such draw in this server.');
	const file = await exportDraw(context.db.raffles, draw);
	const name = `raffle-${context.guildId}-period-${draw.periodId}-draw-${draw.drawNumber}.txt${file.gzipped ? '.gz' : ''}`;
	return {
		content: `Draw ${draw.drawNumber} of period #${draw.periodId}: its record and ticket table. Check it with \`node docs/verify-raffle-draw.mjs ${name}\` (plain Node, no bot code).`,
		files: [{ name, data: file.data }],
		visibility: 'caller'
	};
}

/** `rules`: how tickets are earned here, and the rules of the active period. */
export async function answerRules(context: RaffleContext): Promise<CommandAnswer> {
	const period = await context.db.raffles.latestPeriod();
	const settings = context.settings;
	const lines = [
		'**How tickets are earned**',
		`• Watch time: ${settings.get('watchtime_tickets_per_hour')} per whole hour watched inside the period (linked viewers, from Kick chat presence while live)`,
		`• Gifted subs: ${settings.get('gifted_sub_tickets')} per sub gifted, to the gifter`,
		`• Wagers: ${settings.get('wager_tickets_per_1000')} per $1000 wagered, entered by moderators (fractions carry over)`,
		'• Bonus: from moderators and the point shop',
		'',
		period === null ? 'No period yet.' : `**Period #${period.id}** (${period.status}): ${describeRules(period.rules)}.`,
		'Draws are provably fair: the seed’s sha256 is shown when a period opens, the seed is revealed at the draw, and `/raffle verify` or `/raffle export` lets anyone recompute it.'
	];
	return { content: lines.join('\n'), visibility: 'caller' };
}

/** `!tickets [name]` and `!raffle` in Kick chat: tickets and chance, in one line. */
export async function answerChatTickets(
	context: Pick<GuildContext, 'db'>,
	chatter: { username: string },
	named: string | null,
	withStatus: boolean
): Promise<string | null> {
	const period = await context.db.raffles.latestPeriod();
	if (period === null) return withStatus ? 'No raffle is running here yet.' : null;
	if (named !== null && !/^@?[A-Za-z0-9_]{1,25}$/.test(named)) return null;
	const name = (named ?? chatter.username).replace(/^@/, '');
	const participant = await participantOfKickName(context.db, name);
	const standing = await context.db.raffles.standingOf(period.id, participantKeyOf(participant));
	const who = named === null ? `@${chatter.username}, you have` : `${name} has`;
	const tickets =
		standing.tickets === 0 ? `${who} no tickets` : `${who} ${count(standing.tickets)} ticket(s) (${chance(standing.tickets, standing.total)} chance)`;
	if (!withStatus) return `${tickets} in raffle #${period.id}.`;
	const state = period.status === 'active' ? `ends ${period.endDate.toISOString().slice(0, 16).replace('T', ' ')} UTC` : period.status;
	return `Raffle #${period.id}${period.prize === null ? '' : ` for ${period.prize}`}: ${count(period.totalTickets)} tickets, ${state}. ${tickets}.`;
}

/** The refusal of a moderator subcommand to a member who is not one, worded as the core's Moderator check words it. */
export function onlyModerators(what: string, context: Pick<GuildContext, 'settings'>): CommandAnswer {
	const roleId = context.settings.get('moderator_role_id');
	const needs = roleId === null ? 'the Manage Server permission' : `the Manage Server permission or the <@&${roleId}> role`;
	return { content: `Only moderators of this server can ${what}: it needs ${needs} here. Nothing was changed.`, visibility: 'refusal' };
}
