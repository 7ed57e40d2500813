import { expect } from 'chai';
import * as fc from 'fast-check';
import type { RepositoryClass } from '#core';
import { everyPluginRepositories } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, type IsolationWorld } from '#test/helpers/isolationHarness';
import { newItemFields } from '../lib/itemInput.js';
import { buy, closeOrder } from '../lib/purchase.js';

// Shops of three servers whose items and orders are named by ids every server's calls try: a call
// with another server's item or order id must find nothing, change nothing and charge nothing.

const USERS = ['bob', 'alice', 'carol'] as const;
const user = fc.constantFrom(...USERS);

type Call =
	| { kind: 'addItem'; g: number; name: string; price: number; stock: number }
	| { kind: 'setStock'; g: number; item: number; stock: number }
	| { kind: 'removeItem' | 'getItem'; g: number; item: number }
	| { kind: 'award'; g: number; user: string; amount: number }
	| { kind: 'buy'; g: number; item: number; user: string }
	| { kind: 'close'; g: number; order: number; to: 'completed' | 'cancelled' };

/** Every plugin's repositories, as the bot has them: a purchase reads links and moves points. Filled before the suite opens its database. */
const repositories = new Map<string, RepositoryClass>();
before(async () => {
	for (const [name, repository] of await everyPluginRepositories()) repositories.set(name, repository);
});

interface Item {
	name: string;
	price: number;
	stock: number;
}
interface Order {
	itemId: number;
	user: string;
	price: number;
	status: string;
}
interface ShopModel {
	items: Map<number, Item>;
	removed: Map<number, Item>;
	orders: Map<number, Order>;
	points: Map<string, number>;
	/** Rows of the points ledger: every award, spend and refund. */
	ledgerRows: number;
}

describeIsolation<ShopModel, Call>({
	subject: 'shop',
	repositories,
	tables: ['point_sales', 'point_shop_items', 'user_points', 'point_ledger', 'point_rank_counts'],
	emptyModel: () => ({ items: new Map(), removed: new Map(), orders: new Map(), points: new Map(), ledgerRows: 0 }),
	call: fc.oneof(
		{
			weight: 3,
			arbitrary: fc.record({
				kind: fc.constant('addItem' as const),
				g: guild,
				name: fc.constantFrom('VIP', 'Shout-out'),
				price: fc.integer({ min: 1, max: 20 }),
				stock: fc.integer({ min: -1, max: 2 })
			})
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('setStock' as const), g: guild, item: rowReference, stock: fc.integer({ min: -1, max: 2 }) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('removeItem' as const, 'getItem' as const), g: guild, item: rowReference }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('award' as const), g: guild, user, amount: fc.integer({ min: 1, max: 30 }) }) },
		{ weight: 4, arbitrary: fc.record({ kind: fc.constant('buy' as const), g: guild, item: rowReference, user }) },
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('close' as const),
				g: guild,
				order: rowReference,
				to: fc.constantFrom('completed' as const, 'cancelled' as const)
			})
		}
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({
		point_shop_items: model.items.size + model.removed.size,
		point_sales: model.orders.size,
		user_points: model.points.size,
		point_ledger: model.ledgerRows,
		point_rank_counts: rankCountRows(model)
	})
});

/** The rows of the points plugin's `point_rank_counts` a server's balances make: one per distinct balance, per 1,024 and per 1,048,576 points. */
function rankCountRows(model: ShopModel): number {
	const balances = [...model.points.values()];
	return [0, 10, 20].reduce((rows, shift) => rows + new Set(balances.map((points) => points >> shift)).size, 0);
}

async function apply(world: IsolationWorld<ShopModel>, call: Call): Promise<void> {
	const db = world.repositoriesOf(call.g);
	const own = world.model(call.g);
	switch (call.kind) {
		case 'addItem': {
			const item = await db.shop.addItem(newItemFields({ name: call.name, price: call.price, stock: call.stock }));
			world.created('item', item.id);
			own.items.set(item.id, { name: call.name, price: call.price, stock: call.stock });
			return;
		}
		case 'setStock': {
			const id = world.pick('item', call.item);
			const existing = own.items.get(id);
			const updated = existing === undefined ? null : await db.shop.updateItem(id, { ...(await db.shop.item(id))!, stock: call.stock });
			if (existing === undefined) expect(await db.shop.updateItem(id, newItemFields({ name: 'Taken', price: 1 }))).to.equal(null);
			else {
				existing.stock = call.stock;
				expect(updated?.stock).to.equal(call.stock);
			}
			return;
		}
		case 'removeItem': {
			const id = world.pick('item', call.item);
			const existing = own.items.get(id);
			expect((await db.shop.removeItem(id))?.name ?? null).to.equal(existing?.name ?? null);
			if (existing !== undefined) {
				own.items.delete(id);
				own.removed.set(id, existing);
			}
			return;
		}
		case 'getItem': {
			const id = world.pick('item', call.item);
			const item = await db.shop.item(id);
			expect(item && { name: item.name, price: item.price, stock: item.stock }).to.deep.equal(own.items.get(id) ?? null);
			return;
		}
		case 'award': {
			await db.points.award(call.user, call.amount);
			own.points.set(call.user, (own.points.get(call.user) ?? 0) + call.amount);
			own.ledgerRows += 1;
			return;
		}
		case 'buy': {
			const id = world.pick('item', call.item);
			const item = own.items.get(id);
			const balance = own.points.get(call.user) ?? 0;
			const outcome = await buy(db, id, { via: 'kick', kickUsername: call.user, roleIdsOf: async () => [] }, null);
			const expected = item === undefined ? 'no item' : item.stock === 0 ? 'sold out' : balance < item.price ? 'too poor' : 'bought';
			expect(
				outcome.status === 'bought'
					? 'bought'
					: outcome.line.includes('no item')
						? 'no item'
						: outcome.line.includes('sold out')
							? 'sold out'
							: 'too poor'
			).to.equal(expected);
			if (outcome.status === 'bought') {
				world.created('order', outcome.order.id);
				own.orders.set(outcome.order.id, { itemId: id, user: call.user, price: item!.price, status: 'pending' });
				own.points.set(call.user, balance - item!.price);
				own.ledgerRows += 1;
				if (item!.stock > 0) item!.stock -= 1;
			}
			return;
		}
		case 'close': {
			const id = world.pick('order', call.order);
			const order = own.orders.get(id);
			const change = await closeOrder(db, id, call.to, 1n);
			if (order === undefined) {
				expect(change).to.deep.equal({ status: 'refused', line: `There is no order #${id} in this server.` });
				return;
			}
			if (order.status !== 'pending') {
				expect(change.status).to.equal('refused');
				return;
			}
			expect(change.status).to.equal('changed');
			order.status = call.to;
			if (call.to === 'cancelled') {
				own.points.set(order.user, (own.points.get(order.user) ?? 0) + order.price);
				own.ledgerRows += 1;
				const item = own.items.get(order.itemId) ?? own.removed.get(order.itemId);
				if (item !== undefined && item.stock >= 0) item.stock += 1;
			}
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<ShopModel>, index: number): Promise<void> {
	const db = world.repositoriesOf(index);
	const own = world.model(index);
	const items = await db.shop.items();
	expect(new Map(items.map((item) => [item.id, { name: item.name, price: item.price, stock: item.stock }]))).to.deep.equal(own.items);
	const pending = [...own.orders.entries()].filter(([, order]) => order.status === 'pending').map(([id]) => id);
	expect((await db.shop.pendingPage(0, 1000)).map((order) => order.id)).to.deep.equal(pending);
	for (const [name, balance] of own.points) expect(await db.points.balanceOf(name), `${name}'s balance`).to.equal(balance);
}
