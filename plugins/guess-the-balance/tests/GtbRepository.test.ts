import { expect } from 'chai';
import { InvalidInputError } from '#core';
import { engines, openMigratedDatabase, postgresEngine, repositoriesOf, type Engine, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import { canonicalGuessList, commitmentOf, matchesCommitment } from '../lib/commitment.js';
import type { GtbViewer } from '../lib/GtbRepository.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const MEMBER = 300000000000000001n;
const T0 = Date.UTC(2030, 0, 1, 20, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const vic: GtbViewer = { kickUserId: '501', kickUsername: 'viewer_vic' };
const val: GtbViewer = { kickUserId: '502', kickUsername: 'viewer_val' };
const ann: GtbViewer = { kickUserId: '503', kickUsername: 'ann' };
const bob: GtbViewer = { kickUserId: '504', kickUsername: 'bob' };

/** Runs SQL as the dashboard, the linking plugin or an operator would, beside the repositories. */
async function execute(migrated: MigratedDatabase, text: string, parameters: unknown[] = []): Promise<{ [column: string]: unknown }[]> {
	const session = await migrated.database.connection.openSession();
	try {
		return await session.query(text, parameters);
	} finally {
		await session.release();
	}
}

function describeRepository(engine: Engine): void {
	describe(`guess-the-balance: GtbRepository (${engine.name})`, function () {
		this.timeout(30_000);
		let migrated: MigratedDatabase;
		const gtbOf = (guildId: bigint) => migrated.database.forGuild(guildId).gtb;

		beforeEach(async () => {
			migrated = await openMigratedDatabase(engine, 'gtb', repositoriesOf(manifest));
		});
		afterEach(() => migrated.close());

		it('opens one round at a time per server, numbered per server, and the next only after the result', async () => {
			const first = await gtbOf(ALPHA).openRound(MEMBER);
			expect([first.status, first.round.number, first.round.status]).to.deep.equal(['opened', 1, 'open']);
			expect((await gtbOf(ALPHA).openRound(MEMBER)).status).to.equal('unfinished');
			expect((await gtbOf(BETA).openRound(null)).round.number, 'Beta numbers its own').to.equal(1);
			await gtbOf(ALPHA).closeRound();
			const waiting = await gtbOf(ALPHA).openRound(MEMBER);
			expect([waiting.status, waiting.round.status]).to.deep.equal(['unfinished', 'closed']);
			await gtbOf(ALPHA).enterResult(100n, 3, MEMBER);
			const second = await gtbOf(ALPHA).openRound(MEMBER);
			expect([second.status, second.round.number]).to.deep.equal(['opened', 2]);
			expect(await gtbOf(ALPHA).openRoundNumber()).to.equal(2);
			expect(await gtbOf(BETA).openRoundNumber()).to.equal(1);
		});

		it('has the database refuse a second open round of a server, whoever writes it', async () => {
			await gtbOf(ALPHA).openRound(null);
			const error = await rejection(execute(migrated, `INSERT INTO gtb_rounds (discord_server_id, number) VALUES ($1, 2)`, [String(ALPHA)]));
			expect(String(error)).to.match(/gtb_rounds_one_unfinished/);
			await execute(migrated, `INSERT INTO gtb_rounds (discord_server_id, number) VALUES ($1, 2)`, [String(BETA)]);
		});

		it('keeps one guess per viewer: a new guess replaces the amount and the time; an older one arriving late changes nothing', async () => {
			await gtbOf(ALPHA).openRound(null);
			expect(await gtbOf(ALPHA).guess(1, vic, 100_00n, at(1))).to.equal('recorded');
			expect(await gtbOf(ALPHA).guess(1, val, 200_00n, at(2))).to.equal('recorded');
			expect(await gtbOf(ALPHA).guess(1, vic, 300_00n, at(3))).to.equal('replaced');
			expect(await gtbOf(ALPHA).guess(1, vic, 999_00n, at(2.5)), 'a retry of an older message').to.equal('replaced');
			const guesses = await gtbOf(ALPHA).guesses(1);
			expect(guesses.map((guess) => [guess.kickUsername, guess.cents, guess.guessedAt.toISOString()])).to.deep.equal([
				['viewer_val', 200_00n, at(2).toISOString()],
				['viewer_vic', 300_00n, at(3).toISOString()]
			]);
			expect(await gtbOf(ALPHA).guessOf(1, vic)).to.include({ cents: 300_00n, kickUserId: '501' });
			expect(await gtbOf(ALPHA).guessOf(1, ann)).to.equal(null);
			expect(await gtbOf(ALPHA).guessCount(1)).to.equal(2);
			expect(await rejection(gtbOf(ALPHA).guess(1, vic, 0n, at(4)))).to.be.instanceOf(InvalidInputError);
			expect(await rejection(gtbOf(ALPHA).guess(1, vic, 100_000_000_000_000n, at(4)))).to.be.instanceOf(InvalidInputError);
		});

		it('counts a member linked here once, whichever of their Kick accounts guesses, and a legacy link by its name', async () => {
			await gtbOf(ALPHA).openRound(null);
			await execute(
				migrated,
				`INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id) VALUES ($1, $2, 'viewer_vic', 501), ($1, 9, 'Ann', NULL)`,
				[String(ALPHA), String(MEMBER)]
			);
			await gtbOf(ALPHA).guess(1, vic, 100_00n, at(1));
			// Vic links another account to the same member: its guess replaces the first.
			await execute(migrated, `UPDATE links SET kick_name = 'vic_alt', kick_user_id = 601 WHERE discord_server_id = $1 AND discord_id = $2`, [
				String(ALPHA),
				String(MEMBER)
			]);
			expect(await gtbOf(ALPHA).guess(1, { kickUserId: '601', kickUsername: 'vic_alt' }, 150_00n, at(2))).to.equal('replaced');
			// The first account, no longer linked, guesses again: still one guess of that account.
			await gtbOf(ALPHA).guess(1, vic, 175_00n, at(3));
			await gtbOf(ALPHA).guess(1, ann, 50_00n, at(4));
			await gtbOf(ALPHA).guess(1, { kickUserId: '503', kickUsername: 'ANN' }, 60_00n, at(5));
			const rows = await execute(migrated, `SELECT viewer, kick_user_id::text AS id, amount_cents::int AS cents FROM gtb_guesses ORDER BY viewer`);
			expect(rows).to.deep.equal([
				{ viewer: `discord:${MEMBER}`, id: '601', cents: 150_00 },
				{ viewer: 'discord:9', id: '503', cents: 60_00 },
				{ viewer: 'kick:501', id: '501', cents: 175_00 }
			]);
			// Beta has no links: the same accounts are plain Kick viewers there.
			await gtbOf(BETA).openRound(null);
			await gtbOf(BETA).guess(1, vic, 1n, at(1));
			expect(await execute(migrated, `SELECT viewer FROM gtb_guesses WHERE discord_server_id = $1`, [String(BETA)])).to.deep.equal([
				{ viewer: 'kick:501' }
			]);
		});

		it('takes no guess once the round is closed, nor for a round that is not open', async () => {
			await gtbOf(ALPHA).openRound(null);
			await gtbOf(ALPHA).guess(1, vic, 100n, at(1));
			await gtbOf(ALPHA).closeRound();
			expect(await gtbOf(ALPHA).guess(1, val, 200n, at(2))).to.equal('not open');
			expect(await gtbOf(ALPHA).guess(1, vic, 300n, at(3))).to.equal('not open');
			expect(await gtbOf(ALPHA).guess(7, vic, 300n, at(3))).to.equal('not open');
			expect((await gtbOf(ALPHA).guesses(1)).map((guess) => guess.cents)).to.deep.equal([100n]);
		});

		it('closes with the sha256 of the canonical list, which the exported list verifies and a changed one does not', async () => {
			await gtbOf(ALPHA).openRound(null);
			await gtbOf(ALPHA).guess(1, vic, 1234_56n, at(1));
			await gtbOf(ALPHA).guess(1, val, 99_00n, at(2));
			await gtbOf(ALPHA).guess(1, vic, 1300_00n, at(3));
			const closed = await gtbOf(ALPHA).closeRound();
			expect(closed.status).to.equal('closed');
			if (closed.status !== 'closed') return;
			const exported = canonicalGuessList(await gtbOf(ALPHA).guesses(1));
			expect(exported).to.equal(`502,viewer_val,99.00,${at(2).toISOString()}\n501,viewer_vic,1300.00,${at(3).toISOString()}\n`);
			expect(closed.round).to.include({ status: 'closed', guessCount: 2, commitment: commitmentOf(exported) });
			expect(matchesCommitment(exported, closed.round.commitment!)).to.equal(true);
			expect(matchesCommitment(exported.replace('99.00', '99.01'), closed.round.commitment!)).to.equal(false);
			expect((await gtbOf(ALPHA).closeRound()).status, 'closing again').to.equal('not open');
			expect((await gtbOf(BETA).closeRound()).status).to.equal('not open');
		});

		it('ranks by distance to the final balance, ties to the earlier guess, places the top N once', async () => {
			await gtbOf(ALPHA).openRound(null);
			await gtbOf(ALPHA).guess(1, vic, 1100_00n, at(1)); // off 100, the earlier of the tie
			await gtbOf(ALPHA).guess(1, val, 900_00n, at(2)); // off 100
			await gtbOf(ALPHA).guess(1, ann, 1000_01n, at(3)); // off 0.01
			await gtbOf(ALPHA).guess(1, bob, 5000_00n, at(4));
			expect((await gtbOf(ALPHA).enterResult(1000_00n, 3, MEMBER)).status, 'while open').to.equal('not closed');
			await gtbOf(ALPHA).closeRound();
			const result = await gtbOf(ALPHA).enterResult(1000_00n, 3, MEMBER);
			expect(result.status).to.equal('finished');
			if (result.status !== 'finished') return;
			expect(result.winners.map((winner) => [winner.place, winner.kickUsername])).to.deep.equal([
				[1, 'ann'],
				[2, 'viewer_vic'],
				[3, 'viewer_val']
			]);
			expect(result.round).to.include({ status: 'finished', finalCents: 1000_00n, winnerCount: 3 });
			const again = await gtbOf(ALPHA).enterResult(1n, 3, MEMBER);
			expect([again.status, again.round?.finalCents]).to.deep.equal(['not closed', 1000_00n]);
			expect((await gtbOf(ALPHA).winners(1)).map((winner) => winner.kickUsername)).to.deep.equal(['ann', 'viewer_vic', 'viewer_val']);
			expect((await gtbOf(ALPHA).guesses(1)).find((guess) => guess.kickUsername === 'bob')?.place).to.equal(null);
		});

		it('a replaced guess takes its new time in the ties', async () => {
			await gtbOf(ALPHA).openRound(null);
			await gtbOf(ALPHA).guess(1, vic, 110_00n, at(1));
			await gtbOf(ALPHA).guess(1, val, 90_00n, at(2));
			await gtbOf(ALPHA).guess(1, vic, 110_00n, at(3));
			await gtbOf(ALPHA).closeRound();
			const result = await gtbOf(ALPHA).enterResult(100_00n, 1, null);
			expect(result.status === 'finished' && result.winners.map((winner) => winner.kickUsername)).to.deep.equal(['viewer_val']);
		});

		it('has fewer winners than N when fewer guessed, and none when nobody did; a final balance of $0 counts', async () => {
			await gtbOf(ALPHA).openRound(null);
			await gtbOf(ALPHA).guess(1, vic, 5n, at(1));
			await gtbOf(ALPHA).closeRound();
			const one = await gtbOf(ALPHA).enterResult(0n, 10, null);
			expect(one.status === 'finished' && one.winners.map((winner) => winner.place)).to.deep.equal([1]);
			await gtbOf(BETA).openRound(null);
			await gtbOf(BETA).closeRound();
			const none = await gtbOf(BETA).enterResult(100n, 3, null);
			expect(none.status === 'finished' && none.winners).to.deep.equal([]);
			expect(await rejection(gtbOf(BETA).enterResult(-1n, 3, null))).to.be.instanceOf(InvalidInputError);
			expect(await rejection(gtbOf(BETA).enterResult(1n, 11, null))).to.be.instanceOf(InvalidInputError);
		});

		it('keeps a panel per server and pages the guesses in guess order', async () => {
			await gtbOf(ALPHA).recordPanel('123', 'gtb:panel:123:1');
			await gtbOf(ALPHA).recordPanel('456', 'gtb:panel:456:2');
			expect(await gtbOf(ALPHA).panel()).to.deep.equal({ channelId: '456', postKey: 'gtb:panel:456:2' });
			expect(await gtbOf(BETA).panel()).to.equal(null);
			await gtbOf(ALPHA).openRound(null);
			for (const [index, viewer] of [vic, val, ann, bob].entries()) await gtbOf(ALPHA).guess(1, viewer, BigInt(index + 1), at(index));
			expect((await gtbOf(ALPHA).guessPage(1, 1, 2)).map((guess) => guess.kickUsername)).to.deep.equal(['viewer_val', 'ann']);
			expect(await gtbOf(BETA).guessPage(1, 0, 10)).to.deep.equal([]);
		});
	});
}

for (const engine of engines) describeRepository(engine);

describe('guess-the-balance: guesses racing a close (postgres)', function () {
	this.timeout(60_000);
	let migrated: MigratedDatabase;
	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'gtb_race', repositoriesOf(manifest));
	});
	after(() => migrated.close());

	it('commits to exactly the guesses stored: none lands after the close’s list', async () => {
		const gtb = migrated.database.forGuild(ALPHA).gtb;
		for (let run = 0; run < 5; run++) {
			const opened = await gtb.openRound(null);
			const number = opened.round.number;
			const guesses = Array.from({ length: 60 }, (_, index) =>
				gtb.guess(number, { kickUserId: String(1000 + index), kickUsername: `v${index}` }, BigInt(index + 1), at(index))
			);
			const [closed, ...outcomes] = await Promise.all([new Promise((resolve) => setImmediate(resolve)).then(() => gtb.closeRound()), ...guesses]);
			const stored = await gtb.guesses(number);
			expect(closed.status).to.equal('closed');
			expect(closed.round?.guessCount).to.equal(stored.length);
			expect(closed.round?.commitment).to.equal(commitmentOf(canonicalGuessList(stored)));
			expect(outcomes.filter((outcome) => outcome === 'recorded').length).to.equal(stored.length);
			await gtb.enterResult(1n, 3, null);
		}
	});
});
