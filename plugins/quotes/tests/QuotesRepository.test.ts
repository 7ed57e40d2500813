import { expect } from 'chai';
import { InvalidInputError } from '#core';
import { engines, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import { QuotesRepository } from '../lib/QuotesRepository.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const MEMBER = 300000000000000001n;

/** Runs SQL as the dashboard or an operator would, beside the repositories. */
async function execute(migrated: MigratedDatabase, text: string, parameters: unknown[] = []): Promise<void> {
	const session = await migrated.database.connection.openSession();
	try {
		await session.query(text, parameters);
	} finally {
		await session.release();
	}
}

for (const engine of engines) {
	describe(`quotes: QuotesRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		const quotesOf = (guildId: bigint) => migrated.database.forGuild(guildId).quotes;

		beforeEach(async () => {
			migrated = await openMigratedDatabase(engine, 'quotes', new Map([['quotes', QuotesRepository]]));
		});

		afterEach(async () => {
			await migrated.close();
		});

		it('numbers each server’s quotes from #1, and keeps who added them and when', async () => {
			const before = Date.now();
			const first = await quotesOf(ALPHA).add('I never lose a bonus hunt.', { via: 'discord', userId: MEMBER });
			const second = await quotesOf(ALPHA).add('chat is always right', { via: 'kick', username: 'mod_mia' });
			const inBeta = await quotesOf(BETA).add('Beta’s first', { via: 'kick', username: 'viewer_vic' });

			expect([first.number, second.number, inBeta.number]).to.deep.equal([1, 2, 1]);
			expect(await quotesOf(ALPHA).get(1)).to.deep.equal(first);
			expect(first.addedBy).to.deep.equal({ via: 'discord', userId: MEMBER });
			expect((await quotesOf(ALPHA).get(2))?.addedBy).to.deep.equal({ via: 'kick', username: 'mod_mia' });
			expect(first.addedAt.getTime()).to.be.within(before - 1000, Date.now() + 1000);
			expect((await quotesOf(BETA).get(1))?.text).to.equal('Beta’s first');
			expect(await quotesOf(BETA).get(2)).to.equal(null);
		});

		it('never gives a removed number again, also when the removed quote was the last one', async () => {
			for (const text of ['one', 'two', 'three']) await quotesOf(ALPHA).add(text, { via: 'kick', username: 'mod_mia' });

			expect((await quotesOf(ALPHA).remove(3))?.text).to.equal('three');
			expect(await quotesOf(ALPHA).remove(3)).to.equal(null);
			expect(await quotesOf(BETA).remove(1), 'Beta has no quote #1').to.equal(null);

			expect((await quotesOf(ALPHA).add('four', { via: 'kick', username: 'mod_mia' })).number).to.equal(4);
			expect(await quotesOf(ALPHA).count()).to.equal(3);
		});

		it('does not give a number that a quote written by other means (the dashboard) already has', async () => {
			await quotesOf(ALPHA).add('one', { via: 'kick', username: 'mod_mia' });
			await execute(
				migrated,
				`INSERT INTO quotes (discord_server_id, number, text, added_by_kick_username) VALUES ($1, 7, 'written by the dashboard', 'streamer')`,
				[String(ALPHA)]
			);

			expect((await quotesOf(ALPHA).add('after it', { via: 'kick', username: 'mod_mia' })).number).to.equal(8);
			expect((await quotesOf(BETA).add('Beta counts on its own', { via: 'kick', username: 'mod_mia' })).number).to.equal(1);
		});

		it('picks a random quote, another one than `except` whenever there is another', async () => {
			expect(await quotesOf(ALPHA).random()).to.equal(null);
			await quotesOf(ALPHA).add('only one', { via: 'kick', username: 'mod_mia' });
			expect((await quotesOf(ALPHA).random({ except: 1 }))?.number, 'the only quote, even when it is the one shown').to.equal(1);

			await quotesOf(ALPHA).add('a second', { via: 'kick', username: 'mod_mia' });
			await quotesOf(BETA).add('Beta’s', { via: 'kick', username: 'mod_mia' });
			const picks = new Set<number>();
			for (let draw = 0; draw < 20; draw++) {
				expect((await quotesOf(ALPHA).random({ except: 1 }))?.number).to.equal(2);
				picks.add((await quotesOf(ALPHA).random())!.number);
			}
			// Two quotes drawn 20 times: both turn up unless the draw is broken (odds 2 in a million).
			expect([...picks].sort()).to.deep.equal([1, 2]);
		});

		it('lists a page by number, with the count', async () => {
			for (let index = 1; index <= 12; index++) await quotesOf(ALPHA).add(`quote ${index}`, { via: 'kick', username: 'mod_mia' });
			await quotesOf(ALPHA).remove(2);

			expect(await quotesOf(ALPHA).count()).to.equal(11);
			expect((await quotesOf(ALPHA).page(0, 3)).map((quote) => quote.number)).to.deep.equal([1, 3, 4]);
			expect((await quotesOf(ALPHA).page(9, 5)).map((quote) => quote.number)).to.deep.equal([11, 12]);
			expect(await quotesOf(BETA).page(0, 10)).to.deep.equal([]);
		});

		it('refuses empty text and text over 400 characters, and so does the table', async () => {
			const author = { via: 'kick', username: 'mod_mia' } as const;
			expect(await rejection(quotesOf(ALPHA).add('  ', author))).to.be.an.instanceOf(InvalidInputError);
			expect(await rejection(quotesOf(ALPHA).add('x'.repeat(401), author))).to.be.an.instanceOf(InvalidInputError);
			// 400 emoji are 800 UTF-16 units but 400 characters, as PostgreSQL counts them.
			expect((await quotesOf(ALPHA).add('🎲'.repeat(400), author)).text).to.equal('🎲'.repeat(400));

			const direct = await rejection(
				execute(migrated, `INSERT INTO quotes (discord_server_id, number, text, added_by_kick_username) VALUES ($1, 9, $2, 'x')`, [
					String(ALPHA),
					'y'.repeat(401)
				])
			);
			expect(String(direct)).to.contain('quotes_text_length');
			const nobody = await rejection(
				execute(migrated, `INSERT INTO quotes (discord_server_id, number, text) VALUES ($1, 9, 'who said it?')`, [String(ALPHA)])
			);
			expect(String(nobody)).to.contain('quotes_added_by_one');
		});
	});
}

describe('quotes: the servers the quote of the day runs for (postgres)', () => {
	let migrated: MigratedDatabase;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'quotes-daily', new Map([['quotes', QuotesRepository]]));
	});

	after(async () => {
		await migrated.close();
	});

	it('are the servers the bot is in that have quotes (the task’s serversWithRowsIn: quotes)', async () => {
		const GAMMA = 100000000000000003n;
		for (const guildId of [ALPHA, BETA, GAMMA]) await migrated.database.forGuild(guildId).server.ensure({ name: null, ownerId: null });
		await migrated.database.forGuild(ALPHA).quotes.add('Alpha has one', { via: 'kick', username: 'mod_mia' });
		await migrated.database.forGuild(GAMMA).quotes.add('Gamma has one', { via: 'kick', username: 'mod_mia' });
		await migrated.database.forGuild(GAMMA).server.markLeft();

		expect(await migrated.database.system.joinedGuildIdsWithRowsIn('quotes')).to.deep.equal([ALPHA]);
	});
});

describe('quotes: QuotesRepository under concurrent adds (postgres)', () => {
	let migrated: MigratedDatabase;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'quotes-concurrent', new Map([['quotes', QuotesRepository]]));
	});

	after(async () => {
		await migrated.close();
	});

	it('gives 30 quotes added at once in two servers 30 different numbers per server, none lost', async () => {
		const adds = [ALPHA, BETA].flatMap((guildId) =>
			Array.from({ length: 30 }, (_, index) => migrated.database.forGuild(guildId).quotes.add(`said ${index}`, { via: 'kick', username: 'mod_mia' }))
		);
		const added = await Promise.all(adds);

		for (const [index, guildId] of [ALPHA, BETA].entries()) {
			const numbers = added.slice(index * 30, index * 30 + 30).map((quote) => quote.number);
			expect(
				[...numbers].sort((a, b) => a - b),
				`server ${guildId}`
			).to.deep.equal(Array.from({ length: 30 }, (_, position) => position + 1));
			expect(await migrated.database.forGuild(guildId).quotes.count()).to.equal(30);
		}
	});
});
