import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, T0, type IsolationWorld } from '#test/helpers/isolationHarness';
import { canonicalGuessList, commitmentOf } from '../lib/commitment.js';
import type { GtbGuess, GtbRound, RoundStatus } from '../lib/GtbRepository.js';
import manifest from '../plugin.js';

// Three servers that each number their rounds from #1 and share the same Kick viewers: every call names rounds and viewers the others have too.

const VIEWERS = [
	{ kickUserId: '501', kickUsername: 'bob' },
	{ kickUserId: '502', kickUsername: 'Bob' },
	{ kickUserId: '503', kickUsername: 'alice' },
	{ kickUserId: '504', kickUsername: 'carol' }
] as const;
const viewer = fc.nat({ max: VIEWERS.length - 1 });
const roundNumber = fc.integer({ min: 1, max: 3 });
const cents = fc.constantFrom(1n, 50_00n, 99_99n, 100_00n, 1234_56n, 99_999_999_999_999n);

type Call =
	| { kind: 'open' | 'close' | 'latest'; g: number }
	| { kind: 'guess'; g: number; round: number; viewer: number; cents: bigint }
	| { kind: 'guessOf'; g: number; round: number; viewer: number }
	| { kind: 'result'; g: number; final: bigint; winners: number }
	| { kind: 'panel'; g: number; channel: number };

interface ModelGuess {
	kickUserId: string;
	kickUsername: string;
	cents: bigint;
	at: number;
	place: number | null;
}

interface ModelRound {
	number: number;
	status: RoundStatus;
	guesses: Map<string, ModelGuess>;
	commitment: string | null;
	finalCents: bigint | null;
}

interface GtbModel {
	rounds: ModelRound[];
	panel: { channelId: string; postKey: string } | null;
}

/** The time of each guess: later with every call of the run, whichever server makes it. */
let clock = T0;

describeIsolation<GtbModel, Call>({
	subject: 'guess-the-balance',
	repositories: repositoriesOf(manifest),
	tables: ['gtb_guesses', 'gtb_rounds', 'gtb_panels'],
	emptyModel: () => ({ rounds: [], panel: null }),
	call: fc.oneof(
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('open' as const, 'close' as const, 'latest' as const), g: guild }) },
		{ weight: 6, arbitrary: fc.record({ kind: fc.constant('guess' as const), g: guild, round: roundNumber, viewer, cents }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('guessOf' as const), g: guild, round: roundNumber, viewer }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('result' as const), g: guild, final: cents, winners: fc.integer({ min: 1, max: 3 }) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('panel' as const), g: guild, channel: fc.integer({ min: 1, max: 3 }) }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({
		gtb_rounds: model.rounds.length,
		gtb_guesses: model.rounds.reduce((sum, round) => sum + round.guesses.size, 0),
		gtb_panels: model.panel === null ? 0 : 1
	})
});

function inOrder(round: ModelRound): ModelGuess[] {
	return [...round.guesses.values()].sort((x, y) => x.at - y.at);
}

function viewOfRound(round: GtbRound): object {
	return { number: round.number, status: round.status, commitment: round.commitment, finalCents: round.finalCents };
}

function modelView(round: ModelRound | undefined): object | null {
	return round === undefined ? null : { number: round.number, status: round.status, commitment: round.commitment, finalCents: round.finalCents };
}

function viewOfGuess(guess: GtbGuess): ModelGuess {
	return { kickUserId: guess.kickUserId, kickUsername: guess.kickUsername, cents: guess.cents, at: guess.guessedAt.getTime(), place: guess.place };
}

async function apply(world: IsolationWorld<GtbModel>, call: Call): Promise<void> {
	const gtb = world.repositoriesOf(call.g).gtb;
	const own = world.model(call.g);
	const latest = own.rounds.at(-1);
	switch (call.kind) {
		case 'open': {
			const outcome = await gtb.openRound(null);
			if (latest !== undefined && latest.status !== 'finished') {
				expect([outcome.status, viewOfRound(outcome.round)]).to.deep.equal(['unfinished', modelView(latest)]);
				return;
			}
			own.rounds.push({ number: own.rounds.length + 1, status: 'open', guesses: new Map(), commitment: null, finalCents: null });
			expect([outcome.status, viewOfRound(outcome.round)]).to.deep.equal(['opened', modelView(own.rounds.at(-1))]);
			return;
		}
		case 'close': {
			const outcome = await gtb.closeRound();
			if (latest?.status !== 'open') {
				expect([outcome.status, outcome.round && viewOfRound(outcome.round)]).to.deep.equal(['not open', modelView(latest)]);
				return;
			}
			latest.status = 'closed';
			latest.commitment = commitmentOf(canonicalGuessList(inOrder(latest).map((guess) => ({ ...guess, guessedAt: new Date(guess.at) }))));
			expect([outcome.status, viewOfRound(outcome.round!)]).to.deep.equal(['closed', modelView(latest)]);
			return;
		}
		case 'latest': {
			const round = await gtb.latestRound();
			expect(round && viewOfRound(round)).to.deep.equal(modelView(latest));
			return;
		}
		case 'guess': {
			const chosen = VIEWERS[call.viewer]!;
			clock += 1000;
			const outcome = await gtb.guess(call.round, chosen, call.cents, new Date(clock));
			const round = own.rounds[call.round - 1];
			if (round?.status !== 'open') {
				expect(outcome).to.equal('not open');
				return;
			}
			expect(outcome).to.equal(round.guesses.has(chosen.kickUserId) ? 'replaced' : 'recorded');
			round.guesses.set(chosen.kickUserId, { ...chosen, cents: call.cents, at: clock, place: null });
			return;
		}
		case 'guessOf': {
			const chosen = VIEWERS[call.viewer]!;
			const guess = await gtb.guessOf(call.round, chosen);
			expect(guess && viewOfGuess(guess)).to.deep.equal(own.rounds[call.round - 1]?.guesses.get(chosen.kickUserId) ?? null);
			return;
		}
		case 'result': {
			const outcome = await gtb.enterResult(call.final, call.winners, null);
			if (latest?.status !== 'closed') {
				expect([outcome.status, outcome.round && viewOfRound(outcome.round)]).to.deep.equal(['not closed', modelView(latest)]);
				return;
			}
			latest.status = 'finished';
			latest.finalCents = call.final;
			const distance = (guess: ModelGuess) => (guess.cents > call.final ? guess.cents - call.final : call.final - guess.cents);
			const ranked = inOrder(latest).sort((x, y) => (distance(x) < distance(y) ? -1 : distance(x) > distance(y) ? 1 : x.at - y.at));
			ranked.slice(0, call.winners).forEach((guess, index) => (guess.place = index + 1));
			expect(outcome.status).to.equal('finished');
			expect(outcome.status === 'finished' && outcome.winners.map(viewOfGuess)).to.deep.equal(ranked.slice(0, call.winners));
			return;
		}
		case 'panel': {
			own.panel = { channelId: String(call.channel), postKey: `gtb:panel:${call.channel}` };
			await gtb.recordPanel(own.panel.channelId, own.panel.postKey);
			expect(await gtb.panel()).to.deep.equal(own.panel);
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<GtbModel>, index: number): Promise<void> {
	const gtb = world.repositoriesOf(index).gtb;
	const own = world.model(index);
	const where = `server ${index}`;
	const latest = await gtb.latestRound();
	expect(latest && viewOfRound(latest), `${where} latest round`).to.deep.equal(modelView(own.rounds.at(-1)));
	expect(await gtb.panel(), `${where} panel`).to.deep.equal(own.panel);
	for (let number = 1; number <= own.rounds.length + 1; number++) {
		const round = own.rounds[number - 1];
		const stored = await gtb.round(number);
		expect(stored && viewOfRound(stored), `${where} round #${number}`).to.deep.equal(modelView(round));
		expect((await gtb.guesses(number)).map(viewOfGuess), `${where} guesses of #${number}`).to.deep.equal(round === undefined ? [] : inOrder(round));
	}
}
