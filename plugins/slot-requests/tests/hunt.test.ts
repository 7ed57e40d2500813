import { expect } from 'chai';
import { ConflictError, InvalidInputError } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import { huntFigures, multiplierOf, type PlayedBonus } from '../lib/huntMath.js';
import { currentHunt } from '../lib/hunts.js';
import { centsOf, formatMoney, parseMoney, plainMoney, ratioText } from '../lib/money.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;

const bonus = (bet: bigint, payout: bigint, slotCall = 'Slot', kickUsername = 'amy'): PlayedBonus => ({ requestId: 1, slotCall, kickUsername, bet, payout });

describe('slot-requests: money and bonus-hunt figures (exact cents)', () => {
	it('reads amounts as typed, exactly, and refuses what is not one', () => {
		expect(parseMoney('$1,234.56', 'bet')).to.deep.equal({ ok: true, cents: 123_456n });
		expect(parseMoney('0.1', 'bet')).to.deep.equal({ ok: true, cents: 10n });
		expect(parseMoney('999999999999.99', 'payout')).to.deep.equal({ ok: true, cents: 99_999_999_999_999n });
		expect(parseMoney('0', 'payout', { allowZero: true })).to.deep.equal({ ok: true, cents: 0n });
		expect(parseMoney('0', 'bet')).to.deep.equal({ ok: false, error: 'The bet must be more than $0.' });
		expect(parseMoney('0.00', 'bet')).to.deep.equal({ ok: false, error: 'The bet must be more than $0.' });
		expect(parseMoney('-5', 'bet')).to.deep.equal({ ok: false, error: 'The bet cannot be negative.' });
		expect(parseMoney('1.005', 'bet')).to.deep.equal({ ok: false, error: 'The bet takes at most 2 decimals (cents), like 12.50.' });
		expect(parseMoney('1000000000000', 'payout').ok).to.equal(false);
		for (const bad of ['NaN', 'Infinity', '1e3', '12,34', 'twelve', '']) expect(parseMoney(bad, 'bet').ok, bad).to.equal(false);
		expect([centsOf('12.5'), centsOf('-3.00'), centsOf('7')]).to.deep.equal([1250n, -300n, 700n]);
		expect([plainMoney(5n), plainMoney(-1250n), formatMoney(123_456_789n), formatMoney(-300n)]).to.deep.equal([
			'0.05',
			'-12.50',
			'$1,234,567.89',
			'-$3.00'
		]);
	});

	it('rounds ratios half up from the exact fraction', () => {
		expect(ratioText({ numerator: 1n, denominator: 3n })).to.equal('0.33');
		expect(ratioText({ numerator: 2n, denominator: 3n })).to.equal('0.67');
		expect(ratioText({ numerator: 1n, denominator: 200n })).to.equal('0.01');
		expect(ratioText({ numerator: 30n, denominator: 10n })).to.equal('3.00');
		// 0.1 + 0.2 in floats is 0.30000000000000004; in cents it is 30.
		expect(ratioText({ numerator: 10n + 20n, denominator: 100n })).to.equal('0.30');
	});

	it('computes the totals, the average multiplier as Σ payout ÷ Σ bet, and the best and biggest', () => {
		const figures = huntFigures(
			100_000n,
			[bonus(200n, 5_000n, 'Gates', 'amy'), bonus(100n, 0n, 'Sugar', 'ben'), bonus(1_000n, 12_000n, 'Bass', 'cid')],
			[]
		);
		expect(figures.totalBet).to.equal(1_300n);
		expect(figures.totalPayout).to.equal(17_000n);
		expect(figures.profit).to.equal(15_700n);
		expect(figures.balance).to.equal(115_700n);
		expect(ratioText(figures.averageMultiplier!)).to.equal('13.08');
		expect(figures.best!.bonus.slotCall, '25x beats 12x').to.equal('Gates');
		expect(figures.biggest!.slotCall).to.equal('Bass');
		expect(figures.breakEven, 'nothing remains').to.equal(null);
	});

	it('gives the break-even multiplier as |loss| ÷ Σ remaining bets, averaging unknown bets', () => {
		// Lost $9.00 (bet $10.00, paid $1.00) over 2 bonuses: average bet $5.00.
		const played = [bonus(500n, 100n), bonus(500n, 0n)];
		const unknown = huntFigures(0n, played, [null, null, null]);
		expect(unknown.profit).to.equal(-900n);
		expect(ratioText(unknown.remainingBets!)).to.equal('1500.00');
		expect(ratioText(unknown.breakEven!), '$9 ÷ (3 × $5)').to.equal('0.60');
		const known = huntFigures(0n, played, [200n, null]);
		expect(ratioText(known.breakEven!), '$9 ÷ ($2 + $5)').to.equal('1.29');
		expect(ratioText(huntFigures(0n, [bonus(100n, 300n)], [null]).breakEven!), 'no loss: 0').to.equal('0.00');
		expect(huntFigures(0n, [], [null]).breakEven, 'no bet known yet').to.equal(null);
		expect(huntFigures(0n, [], []).averageMultiplier).to.equal(null);
	});

	it('refuses a bonus with no bet', () => {
		expect(() => multiplierOf({ bet: 0n, payout: 100n })).to.throw(RangeError);
		expect(() => huntFigures(0n, [bonus(0n, 100n)], [])).to.throw(RangeError);
	});
});

describe('slot-requests: bonus hunts in the database', () => {
	for (const engine of engines) {
		describe(engine.name, () => {
			let migrated: MigratedDatabase;
			before(async () => {
				migrated = await openMigratedDatabase(engine, 'slot_hunts', repositoriesOf(manifest));
			});
			after(() => migrated.close());
			beforeEach(() => deleteRows(migrated.database, ['slot_picks', 'slot_requests', 'slot_request_state', 'slot_hunts']));

			it('runs one hunt per server, counts the results played in it, and ranks the callers per hunt and all time', async () => {
				const alpha = migrated.database.forGuild(ALPHA);
				const beta = migrated.database.forGuild(BETA);
				const early = await alpha.slotRequests.add('amy', 'Before the hunt');
				await alpha.slotRequests.markPlayed(early.id, 100n, 10_000n);
				const hunt = await alpha.slotHunts.start(100_000n, '7');
				expect(await rejection(alpha.slotHunts.start(5n, null))).to.be.an.instanceOf(ConflictError);
				expect((await beta.slotHunts.start(1n, null)).id, 'Beta runs its own').to.not.equal(hunt.id);
				const gates = await alpha.slotRequests.add('amy', 'Gates');
				const sugar = await alpha.slotRequests.add('ben', 'Sugar');
				const bass = await alpha.slotRequests.add('Amy', 'Bass');
				const left = await alpha.slotRequests.add('cid', 'Left');
				expect(await alpha.slotRequests.markPlayed(gates.id, 200n, 5_000n)).to.include({
					status: 'played',
					huntId: hunt.id,
					bet: 200n,
					payout: 5_000n
				});
				await alpha.slotRequests.markPlayed(sugar.id, 100n, 0n);
				await alpha.slotRequests.markPlayed(bass.id, 1_000n, 12_000n);
				expect(await alpha.slotRequests.markPlayed(bass.id, 1n, 1n)).to.equal('already done');
				expect(await beta.slotRequests.markPlayed(gates.id, 1n, 1n), 'Alpha’s request from Beta').to.equal('not found');
				expect(await rejection(alpha.slotRequests.markPlayed(left.id, 0n, 1n))).to.be.an.instanceOf(InvalidInputError);
				const found = (await currentHunt({ db: alpha }))!;
				expect(found.hunt.id).to.equal(hunt.id);
				expect([found.figures.played, found.figures.remaining, found.figures.totalBet, found.figures.totalPayout]).to.deep.equal([
					3,
					1,
					1_300n,
					17_000n
				]);
				expect(ratioText(found.figures.breakEven!), 'no loss').to.equal('0.00');
				const session = await alpha.slotHunts.callers(hunt.id, 1, 10);
				expect(session.lines.map((line) => [line.kickUsername.toLowerCase(), line.bonuses, line.totalPayout])).to.deep.equal([
					['amy', 2, 17_000n],
					['ben', 1, 0n]
				]);
				const allTime = await alpha.slotHunts.callers(null, 1, 10);
				expect(allTime.lines.map((line) => [line.kickUsername.toLowerCase(), line.bonuses, line.totalPayout])).to.deep.equal([
					['amy', 3, 27_000n],
					['ben', 1, 0n]
				]);
				expect((await beta.slotHunts.callers(null, 1, 10)).lines).to.deep.equal([]);
				expect((await alpha.slotHunts.end())!.endedAt).to.be.an.instanceOf(Date);
				expect(await alpha.slotHunts.end()).to.equal(null);
				expect((await beta.slotHunts.running())!.startBalance).to.equal(1n);
			});
		});
	}
});
