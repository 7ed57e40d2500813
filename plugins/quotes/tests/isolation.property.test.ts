import { expect } from 'chai';
import * as fc from 'fast-check';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, type IsolationWorld } from '#test/helpers/isolationHarness';
import type { QuoteAuthor, QuoteRecord } from '../lib/QuotesRepository.js';
import manifest from '../plugin.js';

// Quotes of three servers that each number from #1: the numbers a call names are mostly numbers the other servers have too, had, or never gave.

/** Numbers the calls name: those the servers give in a run, and some none gives yet. */
const quoteNumber = fc.integer({ min: 1, max: 8 });
const text = fc.constantFrom('one', 'Two words', 'ü ñ 🎲', '@everyone', '  spaced  ');
/** Authors every server has (two Kick names differ only in case). */
const author = fc.constantFrom<QuoteAuthor>(
	{ via: 'discord', userId: 1n },
	{ via: 'discord', userId: 2n },
	{ via: 'kick', username: 'mod_mia' },
	{ via: 'kick', username: 'Mod_Mia' }
);

type Call =
	| { kind: 'add'; g: number; text: string; author: QuoteAuthor }
	| { kind: 'get' | 'remove'; g: number; number: number }
	| { kind: 'random'; g: number; except: number | undefined }
	| { kind: 'count'; g: number }
	| { kind: 'page'; g: number; offset: number; limit: number };

/** A quote as every answer shows it (when it was added is the database's clock, not the model's). */
interface Quote {
	number: number;
	text: string;
	addedBy: QuoteAuthor;
}

interface QuotesModel {
	quotes: Map<number, Quote>;
	/** The last number the server gave: the next add gives the one after, even when this one was removed. */
	lastNumber: number;
}

describeIsolation<QuotesModel, Call>({
	subject: 'quotes',
	repositories: repositoriesOf(manifest),
	tables: ['quotes', 'quote_numbers'],
	emptyModel: () => ({ quotes: new Map(), lastNumber: 0 }),
	call: fc.oneof(
		{ weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), g: guild, text, author }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'remove' as const), g: guild, number: quoteNumber }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), g: guild, except: fc.option(quoteNumber, { nil: undefined }) }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), g: guild }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('page' as const), g: guild, offset: fc.nat({ max: 6 }), limit: fc.integer({ min: 1, max: 5 }) }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ quotes: model.quotes.size, quote_numbers: model.lastNumber > 0 ? 1 : 0 })
});

function view(record: QuoteRecord): Quote {
	return { number: record.number, text: record.text, addedBy: record.addedBy };
}

/** The server's quotes by number. */
function byNumber(model: QuotesModel): Quote[] {
	return [...model.quotes.values()].sort((x, y) => x.number - y.number);
}

async function apply(world: IsolationWorld<QuotesModel>, call: Call): Promise<void> {
	const quotes = world.repositoriesOf(call.g).quotes;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'add': {
			own.lastNumber += 1;
			const quote = { number: own.lastNumber, text: call.text, addedBy: call.author };
			own.quotes.set(quote.number, quote);
			expect(view(await quotes.add(call.text, call.author))).to.deep.equal(quote);
			return;
		}
		case 'get': {
			const record = await quotes.get(call.number);
			expect(record && view(record)).to.deep.equal(own.quotes.get(call.number) ?? null);
			return;
		}
		case 'remove': {
			const record = await quotes.remove(call.number);
			expect(record && view(record)).to.deep.equal(own.quotes.get(call.number) ?? null);
			own.quotes.delete(call.number);
			return;
		}
		case 'random': {
			const record = await quotes.random(call.except === undefined ? {} : { except: call.except });
			const picked = record && view(record);
			if (picked === null) {
				expect(own.quotes.size, 'quotes of the server that got none').to.equal(0);
				return;
			}
			expect(picked).to.deep.equal(own.quotes.get(picked.number) ?? null);
			// The excepted quote only when it is the server's only one.
			if (own.quotes.size > 1) expect(picked.number, 'the picked number').to.not.equal(call.except);
			return;
		}
		case 'count':
			expect(await quotes.count()).to.equal(own.quotes.size);
			return;
		case 'page':
			expect((await quotes.page(call.offset, call.limit)).map(view)).to.deep.equal(byNumber(own).slice(call.offset, call.offset + call.limit));
			return;
	}
}

async function expectMatchesModel(world: IsolationWorld<QuotesModel>, index: number): Promise<void> {
	const quotes = world.repositoriesOf(index).quotes;
	const own = world.model(index);
	const where = `server ${index}`;
	expect((await quotes.page(0, 1000)).map(view), `${where} quotes`).to.deep.equal(byNumber(own));
	expect(await quotes.count(), `${where} quote count`).to.equal(own.quotes.size);
}
