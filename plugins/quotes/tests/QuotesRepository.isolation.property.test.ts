import { expect } from 'chai';
import * as fc from 'fast-check';
import type { GuildRepositories } from '#core';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { QuotesRepository, type QuoteAuthor, type QuoteRecord } from '../lib/QuotesRepository.js';

/*
 * Model-based isolation test of the quotes tables: random sequences of QuotesRepository calls for
 * three servers run against one PostgreSQL database and against an in-memory model per server.
 * Every answer must be the model's, and at the end each server lists exactly its model. Every
 * server numbers from #1, so the numbers the calls aim at are mostly numbers another server has
 * too (or had, or never gave): an answer leaking another server's row shows as a wrong answer.
 */

const GUILDS = [100000000000000001n, 100000000000000002n, 100000000000000003n] as const;
const NUM_RUNS = 30;
/** Numbers the calls aim at: those the servers give in a run, and some none gives. */
const NUMBER = fc.integer({ min: 1, max: 12 });
const TEXT = fc.constantFrom('one', 'Two words', 'ü ñ 🎲', '@everyone', '  spaced  ');
const AUTHOR = fc.oneof(
	fc.constantFrom<QuoteAuthor>({ via: 'discord', userId: 1n }, { via: 'discord', userId: 2n }),
	fc.constantFrom<QuoteAuthor>({ via: 'kick', username: 'mod_mia' }, { via: 'kick', username: 'Mod_Mia' })
);

type Op =
	| { readonly kind: 'add'; readonly g: number; readonly text: string; readonly author: QuoteAuthor }
	| { readonly kind: 'get' | 'remove'; readonly g: number; readonly number: number }
	| { readonly kind: 'random'; readonly g: number; readonly except: number | undefined }
	| { readonly kind: 'count'; readonly g: number }
	| { readonly kind: 'page'; readonly g: number; readonly offset: number; readonly limit: number };

const g = fc.integer({ min: 0, max: GUILDS.length - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), g, text: TEXT, author: AUTHOR }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'remove' as const), g, number: NUMBER }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), g, except: fc.option(NUMBER, { nil: undefined }) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), g }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('page' as const), g, offset: fc.nat({ max: 6 }), limit: fc.integer({ min: 1, max: 5 }) }) }
);

/** One server's quotes as they should be: by number, and the last number given. */
interface ServerModel {
	readonly quotes: Map<number, { readonly text: string; readonly addedBy: QuoteAuthor }>;
	lastNumber: number;
}

const seen = (quote: QuoteRecord | null) => quote && { number: quote.number, text: quote.text, addedBy: quote.addedBy };

async function check(repositories: readonly GuildRepositories[], ops: readonly Op[]): Promise<void> {
	const models: ServerModel[] = GUILDS.map(() => ({ quotes: new Map(), lastNumber: 0 }));
	for (const op of ops) {
		const quotes = repositories[op.g]!.quotes;
		const model = models[op.g]!;
		const step = JSON.stringify(op, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
		switch (op.kind) {
			case 'add': {
				const added = await quotes.add(op.text, op.author);
				model.lastNumber += 1;
				model.quotes.set(model.lastNumber, { text: op.text, addedBy: op.author });
				expect(seen(added), step).to.deep.equal({ number: model.lastNumber, text: op.text, addedBy: op.author });
				break;
			}
			case 'get': {
				const expected = model.quotes.get(op.number);
				expect(seen(await quotes.get(op.number)), step).to.deep.equal(expected === undefined ? null : { number: op.number, ...expected });
				break;
			}
			case 'remove': {
				const expected = model.quotes.get(op.number);
				expect(seen(await quotes.remove(op.number)), step).to.deep.equal(expected === undefined ? null : { number: op.number, ...expected });
				model.quotes.delete(op.number);
				break;
			}
			case 'random': {
				const picked = seen(await quotes.random(op.except === undefined ? {} : { except: op.except }));
				if (model.quotes.size === 0) {
					expect(picked, step).to.equal(null);
					break;
				}
				expect(picked, step).to.not.equal(null);
				expect(picked, step).to.deep.equal({ number: picked!.number, ...model.quotes.get(picked!.number)! });
				const others = [...model.quotes.keys()].filter((number) => number !== op.except);
				if (others.length > 0) expect(others, step).to.include(picked!.number);
				break;
			}
			case 'count':
				expect(await quotes.count(), step).to.equal(model.quotes.size);
				break;
			case 'page': {
				const numbers = [...model.quotes.keys()].sort((a, b) => a - b).slice(op.offset, op.offset + op.limit);
				expect((await quotes.page(op.offset, op.limit)).map(seen), step).to.deep.equal(
					numbers.map((number) => ({ number, ...model.quotes.get(number)! }))
				);
				break;
			}
		}
	}
	for (const [index, repository] of repositories.entries()) {
		const model = models[index]!;
		const all = [...model.quotes.keys()].sort((a, b) => a - b).map((number) => ({ number, ...model.quotes.get(number)! }));
		expect((await repository.quotes.page(0, 1000)).map(seen), `server ${GUILDS[index]} at the end`).to.deep.equal(all);
	}
}

describe('quotes: one server’s quotes never reach another (model-based, postgres)', function () {
	this.timeout(120_000);
	let migrated: MigratedDatabase;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'quotes-isolation', new Map([['quotes', QuotesRepository]]));
	});

	after(async () => {
		await migrated.close();
	});

	it('answers every call of every server as that server’s model does', async () => {
		const repositories = GUILDS.map((guildId) => migrated.database.forGuild(guildId));
		await fc.assert(
			fc.asyncProperty(fc.array(opArbitrary, { minLength: 10, maxLength: 40, size: 'max' }), async (ops) => {
				const session = await migrated.database.connection.openSession();
				try {
					await session.exec('TRUNCATE quotes, quote_numbers');
				} finally {
					await session.release();
				}
				await check(repositories, ops);
			}),
			{ numRuns: NUM_RUNS }
		);
	});
});
