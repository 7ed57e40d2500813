import { expect } from 'chai';
import type { GuildContext, GuildRepositories, KickGiftedSubscriptionsEvent, KickNewSubscriptionEvent, KickSubscriptionRenewalEvent } from '#core';
import { deleteRows, engines, openMigratedDatabase, type MigratedDatabase } from '#test/helpers/databases';
import { earnGiftBonus, earnSubBonus, earnWatchMinute } from '../lib/earning.js';
import { expectBalancesEqualLedger } from './ledgerSums.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

const DEFAULTS = { points_per_5min: 1, points_sub_bonus: 0, points_renewal_bonus: 0, points_gift_bonus: 0, points_sub_multiplier: 1 };
type Values = typeof DEFAULTS;

function contextOf(db: GuildRepositories, values: Partial<Values> = {}): Pick<GuildContext, 'db' | 'settings'> {
	const all: Values = { ...DEFAULTS, ...values };
	return { db, settings: { get: (key: keyof Values) => all[key] } as unknown as GuildContext['settings'] };
}

const user = (username: string) => ({ userId: String(username.length), username, channelSlug: null });
const base = { broadcasterUserId: '1', receivedVia: 'webhook' as const, at: new Date('2026-06-01T00:00:00Z') };

for (const engine of engines) {
	describe(`points earning (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		// Every repository of the bot: earning reads watchtime and kick_subscriptions.
		before(async () => {
			migrated = await openMigratedDatabase(engine, 'points-earning');
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['user_points', 'point_ledger', 'point_watch_ticks', 'watchtime', 'kick_subscriptions']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});
		afterEach(() => expectBalancesEqualLedger(database));

		async function sql(statement: string): Promise<void> {
			const session = await database.connection.openSession();
			try {
				await session.exec(statement);
			} finally {
				await session.release();
			}
		}

		/** Watchtime credited `names` in the minute `tickAt` (their `last_active` is it). */
		async function watched(guild: bigint, names: string[], tickAt: Date): Promise<void> {
			const at = tickAt.toISOString().replace('T', ' ').replace('Z', '');
			await sql(`DELETE FROM watchtime WHERE discord_server_id = ${guild}`);
			await sql(
				`INSERT INTO watchtime (discord_server_id, username, minutes, last_active) VALUES ${names.map((name) => `(${guild}, '${name}', 1, '${at}')`).join(', ')}`
			);
		}

		it('pays points_per_5min for every 5 counted minutes, each minute once even when two processes count it', async () => {
			for (let minute = 0; minute < 12; minute++) {
				const tickAt = new Date(Date.UTC(2026, 5, 1, 0, minute));
				await watched(GUILD_A, ['bob', 'carol'], tickAt);
				// Two processes (or a restart) count the same minute: one claims it.
				const [first, second] = await Promise.all([
					earnWatchMinute(contextOf(a, { points_per_5min: 3 }), tickAt),
					earnWatchMinute(contextOf(a, { points_per_5min: 3 }), tickAt)
				]);
				expect([first.counted, second.counted].filter(Boolean), `minute ${minute}`).to.have.length(1);
				expect((await earnWatchMinute(contextOf(a, { points_per_5min: 3 }), tickAt)).counted).to.equal(false);
			}
			for (const name of ['bob', 'carol']) {
				const record = await a.points.get(name);
				expect({ points: record?.points, minutes: record?.watchMinutes }).to.deep.equal({ points: 6, minutes: 12 });
			}
			expect((await a.points.history('bob', { limit: 5 })).map((entry) => [entry.source, entry.amount, entry.reason])).to.deep.equal([
				['watch', 3, 'Watched 10 minutes'],
				['watch', 3, 'Watched 5 minutes']
			]);
			expect(await b.points.count(), 'another server counted nothing').to.equal(0);
		});

		it('multiplies watch points for Kick subscribers of this server only', async () => {
			await sql(
				`INSERT INTO kick_subscriptions (discord_server_id, kick_user_id, kick_username, expires_at, last_event_at) VALUES (${GUILD_A}, 1, 'Bob', '2027-01-01', '2026-05-01'), (${GUILD_B}, 2, 'carol', '2027-01-01', '2026-05-01')`
			);
			for (let minute = 0; minute < 5; minute++) {
				const tickAt = new Date(Date.UTC(2026, 5, 1, 0, minute));
				await watched(GUILD_A, ['bob', 'carol'], tickAt);
				await earnWatchMinute(contextOf(a, { points_per_5min: 2, points_sub_multiplier: 1.5 }), tickAt);
			}
			expect(await a.points.balanceOf('bob')).to.equal(3);
			expect(await a.points.balanceOf('carol')).to.equal(2);
		});

		it('pays nothing with points_per_5min 0, yet counts the minutes', async () => {
			for (let minute = 0; minute < 5; minute++) {
				const tickAt = new Date(Date.UTC(2026, 5, 1, 0, minute));
				await watched(GUILD_A, ['bob'], tickAt);
				await earnWatchMinute(contextOf(a, { points_per_5min: 0 }), tickAt);
			}
			expect((await a.points.get('bob'))?.watchMinutes).to.equal(5);
			expect(await a.points.historyCount('bob')).to.equal(0);
		});

		it('gives sub, renewal and gift bonuses once per Kick event, per server', async () => {
			const settings = { points_sub_bonus: 50, points_renewal_bonus: 20, points_gift_bonus: 10 };
			const sub: KickNewSubscriptionEvent = {
				...base,
				type: 'channel.subscription.new',
				eventKey: 'evt-sub',
				subscriber: user('Bob'),
				duration: 1,
				expiresAt: null
			};
			const renewal: KickSubscriptionRenewalEvent = { ...sub, type: 'channel.subscription.renewal', eventKey: 'evt-renewal' };
			const gift: KickGiftedSubscriptionsEvent = {
				...base,
				type: 'channel.subscription.gifts',
				eventKey: 'evt-gift',
				gifter: user('Carol'),
				giftees: [user('x'), user('y'), user('z')],
				expiresAt: null
			};
			for (let delivery = 0; delivery < 2; delivery++) {
				expect(await earnSubBonus(contextOf(a, settings), sub)).to.equal(delivery === 0 ? 50 : 0);
				expect(await earnSubBonus(contextOf(a, settings), renewal)).to.equal(delivery === 0 ? 20 : 0);
				expect(await earnGiftBonus(contextOf(a, settings), gift)).to.equal(delivery === 0 ? 30 : 0);
			}
			expect(await earnGiftBonus(contextOf(a, settings), { ...gift, eventKey: 'evt-anonymous', gifter: null })).to.equal(0);
			expect(await a.points.balanceOf('bob')).to.equal(70);
			expect(await a.points.balanceOf('carol')).to.equal(30);
			// The same events in another server, with no bonuses set there.
			expect(await earnSubBonus(contextOf(b), sub)).to.equal(0);
			expect(await earnGiftBonus(contextOf(b, { points_gift_bonus: 1 }), gift)).to.equal(3);
			expect(await b.points.balanceOf('bob')).to.equal(0);
			expect(await b.points.balanceOf('carol')).to.equal(3);
		});
	});
}
