import { expect } from 'chai';
import { InvalidInputError, type GuildRepositories } from '#core';
import { deleteRows, everyPluginRepositories, migrate, openDatabaseAt, type MigratedDatabase } from '#test/helpers/databases';
import { createTestDatabase, sql, type TestDatabase } from '#test/helpers/postgres';
import { itemFields, newItemFields } from '../lib/itemInput.js';
import { buy, closeOrder, type Buyer } from '../lib/purchase.js';
import type { ShopItem } from '../lib/ShopRepository.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;
const TABLES = [
	'raffle_ticket_log',
	'raffle_tickets',
	'raffle_periods',
	'point_sales',
	'point_shop_items',
	'point_ledger',
	'user_points',
	'links',
	'watchtime'
];
const SEED = { serverSeed: 'a'.repeat(64), commitment: 'b'.repeat(64) };

type Db = MigratedDatabase['database'];

/** A chatter buying in Kick chat, with no Discord roles known. */
const fromKick = (kickUsername: string): Buyer => ({ via: 'kick', kickUsername, roleIdsOf: async () => [] });

describe('shop purchases (PostgreSQL, two bot processes)', function () {
	this.timeout(120_000);

	let testDatabase: TestDatabase;
	let one: { database: Db; close(): Promise<void> };
	let two: { database: Db; close(): Promise<void> };
	let a: GuildRepositories;
	let b: GuildRepositories;

	const pointsOf = async (guild: bigint, name: string) =>
		(
			await sql<{ points: number }>(testDatabase.url, 'SELECT points FROM user_points WHERE discord_server_id = $1 AND kick_username = $2', [
				guild.toString(),
				name
			])
		)[0]?.points ?? null;
	const countRows = async (table: string) => Number((await sql<{ n: string }>(testDatabase.url, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
	const addItem = (db: GuildRepositories, fields: Parameters<typeof newItemFields>[0]): Promise<ShopItem> => db.shop.addItem(newItemFields(fields));
	const link = (guild: bigint, discordId: bigint, kickName: string) =>
		sql(testDatabase.url, 'INSERT INTO links (discord_id, kick_name, discord_server_id) VALUES ($1, $2, $3)', [
			discordId.toString(),
			kickName,
			guild.toString()
		]);

	before(async () => {
		testDatabase = await createTestDatabase('shop');
		const repositories = await everyPluginRepositories();
		one = openDatabaseAt(testDatabase.url, repositories);
		await migrate(one.database.connection);
		two = openDatabaseAt(testDatabase.url, repositories);
	});
	after(async () => {
		await two?.close();
		await one?.close();
		await testDatabase?.drop();
	});
	beforeEach(async () => {
		await deleteRows(one.database, TABLES);
		a = one.database.forGuild(GUILD_A);
		b = one.database.forGuild(GUILD_B);
	});

	it('sells exactly the stock when 200 buyers make 1,000 purchases at once across two processes, and no balance goes negative', async () => {
		const item = await addItem(a, { name: 'Signed ball', price: 30, stock: 10 });
		const buyers = Array.from({ length: 200 }, (_, index) => `buyer_${index}`);
		for (const name of buyers) await a.points.award(name, 100);
		const otherProcess = two.database.forGuild(GUILD_A);
		const outcomes = await Promise.all(
			Array.from({ length: 1000 }, (_, index) => buy(index % 2 === 0 ? a : otherProcess, item.id, fromKick(buyers[index % 200]!), null))
		);
		const bought = outcomes.filter((outcome) => outcome.status === 'bought');
		expect(bought).to.have.length(10);
		expect(outcomes.filter((outcome) => outcome.status === 'refused').map((outcome) => (outcome as { line: string }).line)).to.satisfy((lines: string[]) =>
			lines.every((line) => line === '**Signed ball** is sold out.' || /^\*\*Signed ball\*\* costs 30 points; you have \d+\.$/.test(line))
		);
		expect((await a.shop.item(item.id))?.stock).to.equal(0);
		const sales = await sql<{ n: string; paid: string }>(
			testDatabase.url,
			'SELECT count(*) AS n, sum(price_paid) AS paid FROM point_sales WHERE discord_server_id = $1',
			[GUILD_A.toString()]
		);
		expect(sales[0]).to.deep.equal({ n: '10', paid: '300' });
		const balances = await sql<{ negative: string; total: string; spent: string; differing: string }>(
			testDatabase.url,
			`SELECT count(*) FILTER (WHERE u.points < 0) AS negative, sum(u.points) AS total,
				(SELECT -sum(amount) FROM point_ledger WHERE discord_server_id = $1 AND source = 'shop') AS spent,
				count(*) FILTER (WHERE u.points <> (SELECT COALESCE(sum(amount), 0) FROM point_ledger l WHERE l.discord_server_id = $1 AND l.kick_username = u.kick_username)) AS differing
			FROM user_points u WHERE u.discord_server_id = $1`,
			[GUILD_A.toString()]
		);
		// Every point is held or spent on the 10 sales, and every balance is the sum of its ledger rows.
		expect(balances[0]).to.deep.equal({ negative: '0', total: String(200 * 100 - 300), spent: '300', differing: '0' });
	});

	it('keeps two servers’ shops, orders and balances apart for the same Kick user', async () => {
		const inA = await addItem(a, { name: 'VIP', price: 10, stock: 1 });
		const inB = await addItem(b, { name: 'VIP', price: 50 });
		await a.points.award('viewer_vic', 20);
		await b.points.award('viewer_vic', 60);
		expect((await buy(a, inA.id, fromKick('viewer_vic'), null)).status).to.equal('bought');
		// A's item id in B: B has no such item (or another one), never A's.
		const crossed = await buy(b, inA.id, fromKick('viewer_vic'), null);
		if (inA.id !== inB.id) expect(crossed).to.deep.equal({ status: 'refused', line: `There is no item #${inA.id} for sale in this shop.` });
		expect(await pointsOf(GUILD_A, 'viewer_vic')).to.equal(10);
		expect(await pointsOf(GUILD_B, 'viewer_vic')).to.equal(60);
		expect((await buy(b, inB.id, fromKick('viewer_vic'), null)).status).to.equal('bought');
		expect(await pointsOf(GUILD_B, 'viewer_vic')).to.equal(10);
		expect(await a.shop.pendingCount()).to.equal(1);
		expect(await b.shop.pendingCount()).to.equal(1);
		const [orderInA] = await a.shop.pendingPage(0, 10);
		// B cannot close A's order by its number.
		expect(await closeOrder(b, orderInA!.id, 'cancelled', 1n)).to.deep.equal({
			status: 'refused',
			line: `There is no order #${orderInA!.id} in this server.`
		});
		expect(await pointsOf(GUILD_A, 'viewer_vic')).to.equal(10);
		expect((await a.shop.order(orderInA!.id))?.status).to.equal('pending');
	});

	it('keeps the per-user limit in its window, and a cancel refunds the price, returns the stock and frees the limit', async () => {
		const item = await addItem(a, { name: 'Shout-out', price: 25, stock: 5, perUserLimit: 1, limitWindowHours: 24 });
		await a.points.award('sub_sam', 100);
		const first = await buy(a, item.id, fromKick('sub_sam'), null);
		expect(first.status).to.equal('bought');
		expect(await buy(a, item.id, fromKick('sub_sam'), null)).to.deep.equal({
			status: 'refused',
			line: 'You already bought **Shout-out** once in the last 24 hour(s) (the most per buyer).'
		});
		// A day later the window has moved on.
		expect((await buy(a, item.id, fromKick('sub_sam'), null, new Date(Date.now() + 25 * 3_600_000))).status).to.equal('bought');
		expect(await pointsOf(GUILD_A, 'sub_sam')).to.equal(50);
		const order = (first as { order: { id: number } }).order;
		const cancelled = await closeOrder(a, order.id, 'cancelled', 7n);
		expect(cancelled.status).to.equal('changed');
		expect(await pointsOf(GUILD_A, 'sub_sam')).to.equal(75);
		expect((await a.shop.item(item.id))?.stock).to.equal(4);
		expect(
			await sql(
				testDatabase.url,
				`SELECT source, amount, ref FROM point_ledger WHERE kick_username = 'sub_sam' AND source IN ('shop', 'refund') ORDER BY id`
			)
		).to.deep.equal([
			{ source: 'shop', amount: -25, ref: `item:${item.id}` },
			{ source: 'shop', amount: -25, ref: `item:${item.id}` },
			{ source: 'refund', amount: 25, ref: `sale:${order.id}` }
		]);
		expect(await closeOrder(a, order.id, 'completed', 7n)).to.deep.equal({
			status: 'refused',
			line: `Order #${order.id} is already cancelled. Nothing was changed.`
		});
		expect(await pointsOf(GUILD_A, 'sub_sam')).to.equal(75);
	});

	it('completes a raffle tickets item at once with its tickets, and refuses it without charging when no raffle runs', async () => {
		const item = await addItem(a, { name: '50 tickets', price: 10, kind: 'raffle_tickets', raffleTickets: 50 });
		await a.points.award('viewer_vic', 30);
		expect(await buy(a, item.id, fromKick('viewer_vic'), null)).to.deep.equal({
			status: 'refused',
			line: '**50 tickets** gives raffle tickets, and no raffle is running now. Nothing was charged.'
		});
		expect(await pointsOf(GUILD_A, 'viewer_vic')).to.equal(30);
		expect(await countRows('point_sales')).to.equal(0);
		await a.raffles.createPeriod({ startDate: new Date(Date.now() - 3_600_000), endDate: new Date(Date.now() + 86_400_000), seed: SEED });
		const bought = await buy(a, item.id, fromKick('viewer_vic'), null);
		expect(bought.status).to.equal('bought');
		expect((bought as { order: { status: string } }).order.status).to.equal('completed');
		const tickets = await sql<{ bonus_tickets: number }>(testDatabase.url, 'SELECT bonus_tickets FROM raffle_tickets WHERE discord_server_id = $1', [
			GUILD_A.toString()
		]);
		expect(tickets).to.deep.equal([{ bonus_tickets: 50 }]);
		expect(await pointsOf(GUILD_A, 'viewer_vic')).to.equal(20);
	});

	it('checks requirements, the question and the balance, and writes nothing when one is not met', async () => {
		const linked = await addItem(a, { name: 'Members only', price: 5, requiresLink: true });
		const role = await addItem(a, { name: 'Role only', price: 5, requiredRoleId: '300000000000000001' });
		const watched = await addItem(a, { name: 'Loyal', price: 5, minWatchMinutes: 60 });
		const asks = await addItem(a, { name: 'Casino bonus', price: 5, question: 'Your casino username?' });
		const pricey = await addItem(a, { name: 'Pricey', price: 500 });
		await a.points.award('viewer_vic', 100);
		const refusals = [
			await buy(a, linked.id, fromKick('viewer_vic'), null),
			await buy(a, role.id, fromKick('viewer_vic'), null),
			await buy(a, watched.id, fromKick('viewer_vic'), null),
			await buy(a, asks.id, fromKick('viewer_vic'), '   '),
			await buy(a, pricey.id, fromKick('viewer_vic'), null),
			await buy(a, 999_999, fromKick('viewer_vic'), null),
			await buy(a, pricey.id, { via: 'discord', discordId: 5n, roleIds: [] }, null)
		];
		expect(refusals.map((outcome) => (outcome as { line: string }).line)).to.deep.equal([
			'**Members only** is for members who linked their Kick account in Discord (`/link start`).',
			'**Role only** needs a Discord role: link your Kick account in Discord first.',
			'**Loyal** needs 60 watched minutes; you have 0.',
			'**Casino bonus** asks: Your casino username? Answer it to buy.',
			'**Pricey** costs 500 points; you have 100.',
			'There is no item #999999 for sale in this shop.',
			'Points are earned in Kick chat: link your Kick account first (`/link start`), then buy with its points.'
		]);
		expect(await countRows('point_sales')).to.equal(0);
		expect(await pointsOf(GUILD_A, 'viewer_vic')).to.equal(100);

		await link(GUILD_A, 5n, 'viewer_vic');
		const member: Buyer = { via: 'discord', discordId: 5n, roleIds: ['300000000000000001'] };
		expect((await buy(a, role.id, member, null)).status).to.equal('bought');
		expect((await buy(a, linked.id, fromKick('Viewer_Vic'), null)).status).to.equal('bought');
		const answered = await buy(a, asks.id, member, '  vic_on_casino ');
		expect((answered as { order: { answer: string; discordId: bigint } }).order).to.include({ answer: 'vic_on_casino', discordId: 5n });
		expect(await pointsOf(GUILD_A, 'viewer_vic')).to.equal(85);
	});

	it('refuses bad item fields with a message naming the field', () => {
		const refusal = (input: Parameters<typeof newItemFields>[0]) => {
			try {
				newItemFields(input);
			} catch (error) {
				expect(error).to.be.instanceOf(InvalidInputError);
				return (error as Error).message;
			}
			return 'accepted';
		};
		expect(refusal({ name: 'x', price: 0 })).to.equal('A price is a whole number from 1 to 100,000,000 (got 0)');
		expect(refusal({ name: 'x', price: -5 })).to.equal('A price is a whole number from 1 to 100,000,000 (got -5)');
		expect(refusal({ name: 'x', price: '1e9' })).to.equal('A price is a whole number from 1 to 100,000,000 (got 1e9)');
		expect(refusal({ name: 'x', price: 'lots' })).to.equal('A price is a whole number from 1 to 100,000,000 (got lots)');
		expect(refusal({ name: 'x', price: '99999999999999999999' })).to.match(/^A price is a whole number from 1 to 100,000,000/);
		expect(refusal({ name: 'x', price: 5, stock: -2 })).to.equal('Stock (-1 for unlimited) is a whole number from -1 to 1,000,000 (got -2)');
		expect(refusal({ name: 'x', price: 5, kind: 'raffle_tickets' })).to.equal('A raffle tickets item gives 1 to 1,000,000 tickets (set `tickets`)');
		expect(refusal({ name: '  ', price: 5 })).to.equal('An item needs a name (1 to 80 characters)');
		expect(refusal({ name: '42', price: 5 })).to.equal('A name cannot be only digits (it would read as an item number)');
		expect(refusal({ name: 'x' })).to.equal('An item needs a price (a whole number of points from 1)');
		expect(refusal({ name: 'x', price: '1,500' })).to.equal('accepted');
		expect(itemFields({ stock: 3 }, newItemFields({ name: 'x', price: 5 })).stock).to.equal(3);
	});
});
