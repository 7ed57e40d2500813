import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '#core';
import { engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import type { PresentAccount } from '../lib/WatchtimeRepository.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const MODERATOR = 300000000000000001n;
const TICK = new Date('2030-01-01T20:00:00Z');
/** The plugin's migration, from dist/plugins/watchtime/tests/. */
const MIGRATION = new URL('../../../../prisma/migrations/20261204000000_watchtime_create/migration.sql', import.meta.url);
const minute = (n: number) => new Date(TICK.getTime() + n * 60_000);
/** Kick user ids of the accounts the tests chat from. */
const KICK_IDS: Record<string, string> = { bob: '501', alice: '502', carol: '503', dave: '504' };
/** Accounts that chatted, each as itself (not linked when it chatted), the first one latest. */
const present = (...names: string[]): PresentAccount[] =>
	names.map((name, index) => ({
		person: `k:${KICK_IDS[name.toLowerCase()] ?? 900 + index}`,
		kickUserId: KICK_IDS[name.toLowerCase()] ?? String(900 + index),
		username: name,
		at: 1000 - index
	}));

/** Runs SQL beside the repositories, as an operator or the old bot would. */
async function query<Row extends object>(migrated: MigratedDatabase, text: string, parameters: unknown[] = []): Promise<Row[]> {
	const session = await migrated.database.connection.openSession();
	try {
		return await session.query<Row>(text, parameters);
	} finally {
		await session.release();
	}
}

for (const engine of engines) {
	describe(`watchtime: WatchtimeRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		const watchtimeOf = (guildId: bigint) => migrated.database.forGuild(guildId).watchtime;

		beforeEach(async () => {
			migrated = await openMigratedDatabase(engine, 'watchtime', repositoriesOf(manifest));
		});

		afterEach(async () => {
			await migrated.close();
		});

		it('reads minutes by lower-cased Kick name, one or many at once, absent names as 0', async () => {
			await query(migrated, `INSERT INTO watchtime (discord_server_id, username, minutes) VALUES ($1, 'bob', 30), ($1, 'alice', 0), ($2, 'bob', 7)`, [
				String(ALPHA),
				String(BETA)
			]);

			expect(await watchtimeOf(ALPHA).minutesOf('Bob')).to.equal(30);
			expect(await watchtimeOf(ALPHA).minutesOf('nobody')).to.equal(0);
			expect(await watchtimeOf(BETA).minutesOf('BOB')).to.equal(7);
			const many = await watchtimeOf(ALPHA).minutesOfMany(['BOB', 'bob', 'Alice', 'carol']);
			expect([...many]).to.deep.equal([['bob', 30]]);
			expect((await watchtimeOf(ALPHA).minutesOfMany([])).size).to.equal(0);
		});

		it('counts a tick once: a present viewer gains one minute, a second count of the same tick adds nothing', async () => {
			const first = await watchtimeOf(ALPHA).countTick(TICK, present('Bob', 'alice'), 0);
			const again = await watchtimeOf(ALPHA).countTick(TICK, present('Bob', 'alice', 'carol'), 0);
			await watchtimeOf(ALPHA).countTick(minute(1), present('bob'), 0);

			expect(first).to.deep.equal({ counted: true, viewers: 2, credited: 2 });
			expect(again).to.deep.equal({ counted: false, viewers: 3, credited: 0 });
			expect(Object.fromEntries(await watchtimeOf(ALPHA).minutesOfMany(['bob', 'alice', 'carol']))).to.deep.equal({ bob: 2, alice: 1 });
			expect(await watchtimeOf(ALPHA).tickCounted(TICK)).to.equal(true);
			expect(await watchtimeOf(BETA).tickCounted(TICK), 'another server counts its own ticks').to.equal(false);
			expect(await watchtimeOf(BETA).countTick(TICK, present('bob'), 0)).to.deep.equal({ counted: true, viewers: 1, credited: 1 });
			expect(await watchtimeOf(BETA).minutesOf('bob')).to.equal(1);
		});

		it('records a tick with nobody present, and when each viewer was last active (UTC, as the old bot wrote it)', async () => {
			expect(await watchtimeOf(ALPHA).countTick(TICK, [], 0)).to.deep.equal({ counted: true, viewers: 0, credited: 0 });
			expect(await watchtimeOf(ALPHA).countTick(TICK, present('bob'), 0)).to.deep.equal({ counted: false, viewers: 1, credited: 0 });
			await watchtimeOf(ALPHA).countTick(minute(1), present('bob'), 0);

			const rows = await query<{ last_active: string }>(
				migrated,
				`SELECT to_char(last_active, 'YYYY-MM-DD HH24:MI') AS last_active FROM watchtime WHERE username = 'bob'`
			);
			expect(rows).to.deep.equal([{ last_active: '2030-01-01 20:01' }]);
		});

		it('stops a viewer at the daily cap, counts again the next UTC day, and still marks them active', async () => {
			for (let n = 0; n < 5; n++) await watchtimeOf(ALPHA).countTick(minute(n), present('bob', 'alice'), 3);
			await watchtimeOf(ALPHA).change('alice', 10, 'raid bonus', MODERATOR);
			const nextDay = new Date('2030-01-02T00:00:00Z');
			const after = await watchtimeOf(ALPHA).countTick(nextDay, present('bob'), 3);

			expect(after.credited).to.equal(1);
			expect(Object.fromEntries(await watchtimeOf(ALPHA).minutesOfMany(['bob', 'alice']))).to.deep.equal({ bob: 4, alice: 13 });
			expect(await watchtimeOf(ALPHA).minutesOnDay('bob', '2030-01-01')).to.equal(3);
			expect(await watchtimeOf(ALPHA).minutesOnDay('BOB', '2030-01-02')).to.equal(1);
			await watchtimeOf(ALPHA).countTick(minute(1441), present('carol'), 0);
			expect(await watchtimeOf(ALPHA).minutesOnDay('carol', '2030-01-02'), 'without a cap, no day is counted').to.equal(0);
			const rows = await query<{ last_active: string }>(
				migrated,
				`SELECT to_char(last_active, 'HH24:MI') AS last_active FROM watchtime WHERE username = 'alice'`
			);
			expect(rows[0]?.last_active, 'a capped viewer is still active').to.equal('20:04');
		});

		it('adds and removes minutes with a reason, stops at 0, and keeps every change in the log (the history)', async () => {
			await watchtimeOf(ALPHA).countTick(TICK, present('bob'), 0);

			expect(await watchtimeOf(ALPHA).change('Bob', 30, 'giveaway winner', MODERATOR)).to.deep.equal({ username: 'bob', delta: 30, minutesAfter: 31 });
			expect(await watchtimeOf(ALPHA).change('bob', -40, 'farming', MODERATOR)).to.deep.equal({ username: 'bob', delta: -31, minutesAfter: 0 });
			expect(await watchtimeOf(ALPHA).change('bob', -5, 'again', MODERATOR), 'nothing left to remove').to.equal(null);
			expect(await watchtimeOf(BETA).change('bob', -5, 'elsewhere', MODERATOR)).to.equal(null);

			const history = await watchtimeOf(ALPHA).history('BOB', 0, 10);
			expect(history.map((entry) => [entry.delta, entry.minutesAfter, entry.reason, entry.byDiscordId])).to.deep.equal([
				[-31, 0, 'farming', MODERATOR],
				[30, 31, 'giveaway winner', MODERATOR]
			]);
			expect((await watchtimeOf(ALPHA).history('bob', 1, 10)).map((entry) => entry.delta)).to.deep.equal([30]);
			expect(await watchtimeOf(ALPHA).historyLength('bob')).to.equal(2);
			expect(await watchtimeOf(BETA).historyLength('bob')).to.equal(0);
		});

		it('refuses to change a logged change', async () => {
			await watchtimeOf(ALPHA).change('bob', 5, 'welcome', MODERATOR);
			const refused = await rejection(query(migrated, `UPDATE watchtime_changes SET delta = 500`));
			expect(String(refused)).to.match(/append-only/);
		});

		it('refuses bad changes with a sentence, changing nothing', async () => {
			for (const [name, delta, reason] of [
				['bob!', 5, 'ok'],
				['bob', 0, 'ok'],
				['bob', 1.5, 'ok'],
				['bob', 600_000, 'ok'],
				['bob', 5, '   '],
				['bob', 5, 'x'.repeat(201)]
			] as const) {
				expect(await rejection(watchtimeOf(ALPHA).change(name, delta, reason, MODERATOR))).to.be.instanceOf(InvalidInputError);
			}
			expect(await rejection(watchtimeOf(ALPHA).countTick(TICK, present('bob'), -1))).to.be.instanceOf(InvalidInputError);
			expect(await watchtimeOf(ALPHA).historyLength('bob')).to.equal(0);
		});

		it('ranks viewers by minutes, sharing a rank on a tie, page by page', async () => {
			await query(
				migrated,
				`INSERT INTO watchtime (discord_server_id, username, minutes) VALUES ($1, 'bob', 30), ($1, 'alice', 50), ($1, 'carol', 30), ($1, 'dave', 0), ($2, 'zed', 99)`,
				[String(ALPHA), String(BETA)]
			);

			expect(await watchtimeOf(ALPHA).top(0, 2)).to.deep.equal([
				{ username: 'alice', minutes: 50, rank: 1 },
				{ username: 'bob', minutes: 30, rank: 2 }
			]);
			expect(await watchtimeOf(ALPHA).top(2, 2)).to.deep.equal([{ username: 'carol', minutes: 30, rank: 2 }]);
			expect(await watchtimeOf(ALPHA).viewerCount()).to.equal(3);
			expect(await watchtimeOf(ALPHA).rankOf('CAROL')).to.equal(2);
			expect(await watchtimeOf(ALPHA).rankOf('dave')).to.equal(null);
			expect(await watchtimeOf(BETA).rankOf('zed')).to.equal(1);
		});

		it('forgets its own server’s ticks older than a day when it counts one', async () => {
			await watchtimeOf(ALPHA).countTick(TICK, [], 0);
			await watchtimeOf(BETA).countTick(TICK, [], 0);
			await watchtimeOf(ALPHA).countTick(minute(1440), [], 0);
			expect(await watchtimeOf(ALPHA).tickCounted(TICK), 'exactly a day old').to.equal(true);

			await watchtimeOf(ALPHA).countTick(minute(1441), [], 0);
			expect(await watchtimeOf(ALPHA).tickCounted(TICK)).to.equal(false);
			expect(await watchtimeOf(ALPHA).tickCounted(minute(1440))).to.equal(true);
			expect(await watchtimeOf(BETA).tickCounted(TICK), 'another server’s ticks stay').to.equal(true);
		});

		it('counts a person once: a linked account as its member, under the linked name, whatever accounts they chatted from', async () => {
			// Alice (member 11) linked her account 502; Dave (member 12) has a legacy link by name; member 13 relinked from 503 (carol) to 504.
			await query(
				migrated,
				`INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id) VALUES ($1, 11, 'Alice', 502), ($1, 12, 'Dave', NULL), ($1, 13, 'NewCarol', 504)`,
				[String(ALPHA)]
			);
			const accounts: PresentAccount[] = [
				// Alice renamed on Kick: her user id still finds her link.
				{ person: 'k:502', kickUserId: '502', username: 'alice_renamed', at: 10 },
				// Dave's legacy link knows only his name.
				{ person: 'k:777', kickUserId: '777', username: 'DAVE', at: 9 },
				// Member 13 chatted from 503 while it was linked (presence said m:13), then from 504, linked now.
				{ person: 'm:13', kickUserId: '503', username: 'carol', at: 8 },
				{ person: 'k:504', kickUserId: '504', username: 'newcarol', at: 7 },
				// Bob chatted under two names (a rename): one person, credited under the latest.
				{ person: 'k:501', kickUserId: '501', username: 'bob_old', at: 5 },
				{ person: 'k:501', kickUserId: '501', username: 'bob_new', at: 6 }
			];

			expect(await watchtimeOf(ALPHA).countTick(TICK, accounts, 0)).to.deep.equal({ counted: true, viewers: 4, credited: 4 });
			const rows = await query<{ username: string; minutes: number }>(migrated, `SELECT username, minutes FROM watchtime ORDER BY username`);
			expect(rows).to.deep.equal([
				{ username: 'alice', minutes: 1 },
				{ username: 'bob_new', minutes: 1 },
				{ username: 'dave', minutes: 1 },
				{ username: 'newcarol', minutes: 1 }
			]);
		});

		it('counts an account seen as a member who unlinked since under the name presence recorded', async () => {
			const accounts: PresentAccount[] = [{ person: 'm:13', kickUserId: '503', username: 'carol', at: 1 }];
			expect(await watchtimeOf(ALPHA).countTick(TICK, accounts, 0)).to.deep.equal({ counted: true, viewers: 1, credited: 1 });
			expect(await watchtimeOf(ALPHA).minutesOf('carol')).to.equal(1);
		});

		it('keeps links of another server out of this server’s count', async () => {
			await query(migrated, `INSERT INTO links (discord_server_id, discord_id, kick_name, kick_user_id) VALUES ($1, 11, 'Alice', 501)`, [String(BETA)]);
			await watchtimeOf(ALPHA).countTick(TICK, present('bob'), 0);
			expect(await watchtimeOf(ALPHA).minutesOf('bob'), 'Bob (501) is linked as Alice in Beta only').to.equal(1);
			expect(await watchtimeOf(ALPHA).minutesOf('alice')).to.equal(0);
		});
	});
}

describe('watchtime: the migration', () => {
	it('folds legacy rows spelt in another case into the lower-cased row, once', async () => {
		const migrated = await openMigratedDatabase(engines[0]!, 'watchtime_fold', repositoriesOf(manifest));
		try {
			await query(
				migrated,
				`INSERT INTO watchtime (discord_server_id, username, minutes, last_active) VALUES
				 ($1, 'Bob', 10, '2024-01-01 10:00'), ($1, 'bob', 5, '2024-01-02 10:00'), ($1, 'BOB', NULL, NULL), ($2, 'Bob', 3, NULL)`,
				[String(ALPHA), String(BETA)]
			);
			const script = readFileSync(MIGRATION, 'utf8');
			const session = await migrated.database.connection.openSession();
			try {
				await session.exec(script);
				await session.exec(script);
			} finally {
				await session.release();
			}

			const rows = await query<{ server: string; username: string; minutes: number; last_active: string | null }>(
				migrated,
				`SELECT discord_server_id::text AS server, username, minutes, to_char(last_active, 'YYYY-MM-DD') AS last_active FROM watchtime ORDER BY 1, 2`
			);
			expect(rows).to.deep.equal([
				{ server: String(ALPHA), username: 'bob', minutes: 15, last_active: '2024-01-02' },
				{ server: String(BETA), username: 'bob', minutes: 3, last_active: null }
			]);
		} finally {
			await migrated.close();
		}
	});
});
