import { expect } from 'chai';
import type { GuildContext, GuildRepositories, GuildSettings, KickChatPost, KickConnectionRecord } from '#core';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { answerChatQuote } from '../lib/chatQuote.js';
import { answerAdd, answerAnother, answerList, answerRemove, answerShow, onlyModerators } from '../lib/quoteAnswers.js';
import { postQuoteNow, postQuoteOfTheDay } from '../lib/postQuote.js';
import { QuotesRepository } from '../lib/QuotesRepository.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const HOW_TO_ADD = '/quote add <text>';
const MIA = { via: 'kick', username: 'mod_mia' } as const;

/** The custom ids of an answer's buttons, row by row, and whether each is disabled. */
function buttonsOf(answer: { readonly components?: readonly unknown[] }): { id: string; disabled: boolean }[][] {
	return (answer.components ?? []).map((row) =>
		(row as { toJSON(): { components: { custom_id: string; disabled?: boolean }[] } })
			.toJSON()
			.components.map((button) => ({ id: button.custom_id, disabled: button.disabled ?? false }))
	);
}

describe('quotes: what /quote, its buttons and !quote answer', () => {
	let migrated: MigratedDatabase;
	let quotes: QuotesRepository;

	beforeEach(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'quotes-answers', new Map([['quotes', QuotesRepository]]));
		quotes = migrated.database.forGuild(ALPHA).quotes;
	});

	afterEach(async () => {
		await migrated.close();
	});

	describe('in Discord', () => {
		it('shows a quote with "Another quote" under it, and says privately when there is none to show', async () => {
			const none = await answerShow(quotes, null, HOW_TO_ADD);
			expect(none).to.deep.equal({ content: 'This server has no quotes yet. A moderator adds one with `/quote add <text>`.', visibility: 'refusal' });
			await quotes.add('first', MIA);
			await quotes.add('second', MIA);

			const second = await answerShow(quotes, 2, HOW_TO_ADD);
			expect(second.embeds?.[0]).to.deep.include({ title: 'Quote #2' });
			expect(buttonsOf(second)).to.deep.equal([[{ id: 'quotes:another:2', disabled: false }]]);
			expect(second.visibility).to.equal('channel');
			expect(await answerShow(quotes, 9, HOW_TO_ADD)).to.deep.equal({ content: 'There is no quote #9 in this server.', visibility: 'refusal' });
			expect(await answerShow(migrated.database.forGuild(BETA).quotes, 1, HOW_TO_ADD)).to.deep.equal({
				content: 'There is no quote #1 in this server (it has none yet).',
				visibility: 'refusal'
			});
		});

		it('"Another quote" shows another quote than the one shown, with its own button', async () => {
			await quotes.add('first', MIA);
			await quotes.add('second', MIA);
			for (let click = 0; click < 5; click++) {
				const another = await answerAnother(quotes, 1, HOW_TO_ADD);
				expect(another.embeds?.[0]).to.deep.include({ title: 'Quote #2' });
				expect(buttonsOf(another)).to.deep.equal([[{ id: 'quotes:another:2', disabled: false }]]);
			}
		});

		it('adds what was typed as the next quote, publicly; refuses empty or too long text privately, adding nothing', async () => {
			expect(await answerAdd(quotes, ' \n ', { via: 'discord', userId: 7n })).to.deep.equal({
				content: 'A quote needs some text: add it after the command. Nothing was added.',
				visibility: 'refusal'
			});
			expect(await answerAdd(quotes, 'x'.repeat(401), { via: 'discord', userId: 7n })).to.deep.equal({
				content: 'A quote is at most 400 characters; this one has 401. Nothing was added.',
				visibility: 'refusal'
			});
			expect(await quotes.count()).to.equal(0);

			const added = await answerAdd(quotes, 'I  never\nlose', { via: 'discord', userId: 7n });
			expect(added.content).to.equal('Added quote #1.');
			expect(added.visibility).to.equal('channel');
			expect(await quotes.get(1)).to.deep.include({ text: 'I never lose', addedBy: { via: 'discord', userId: 7n } });
		});

		it('removes a quote, telling the moderator alone what it said (escaped), and that the number stays retired', async () => {
			await quotes.add('**loud** @everyone', MIA);
			expect(await answerRemove(quotes, 2)).to.deep.equal({
				content: 'There is no quote #2 in this server, so nothing was removed.',
				visibility: 'refusal'
			});
			expect(await answerRemove(quotes, 1)).to.deep.equal({
				content: 'Removed quote #1: \\*\\*loud\\*\\* @\u200beveryone\nIts number is not given to another quote.',
				visibility: 'caller'
			});
			expect(await quotes.count()).to.equal(0);
		});

		it('lists ten quotes a page with previous and next buttons, and no buttons when one page holds them all', async () => {
			for (let index = 1; index <= 23; index++) await quotes.add(`quote ${index}`, MIA);

			const first = await answerList(quotes, 1, HOW_TO_ADD);
			expect(first.embeds?.[0]).to.deep.include({ title: 'Quotes (23)', footer: { text: 'Page 1 of 3' } });
			expect((first.embeds?.[0] as { description: string }).description.split('\n')).to.have.length(10);
			expect(buttonsOf(first)).to.deep.equal([
				[
					{ id: 'quotes:list:0', disabled: true },
					{ id: 'quotes:list:2', disabled: false }
				]
			]);

			const pastTheEnd = await answerList(quotes, 7, HOW_TO_ADD);
			expect(pastTheEnd.embeds?.[0]).to.deep.include({ footer: { text: 'Page 3 of 3' } });
			expect((pastTheEnd.embeds?.[0] as { description: string }).description).to.equal('**#21** quote 21\n**#22** quote 22\n**#23** quote 23');
			expect(buttonsOf(pastTheEnd)).to.deep.equal([
				[
					{ id: 'quotes:list:2', disabled: false },
					{ id: 'quotes:list:4', disabled: true }
				]
			]);

			const beta = migrated.database.forGuild(BETA).quotes;
			await beta.add('alone', MIA);
			expect(buttonsOf(await answerList(beta, 1, HOW_TO_ADD))).to.deep.equal([]);
		});

		it('words the moderators-only refusal as the core does, naming the moderator role when there is one', () => {
			expect(onlyModerators('add quotes', null)).to.deep.equal({
				content: 'Only moderators of this server can add quotes: it needs the Manage Server permission here. Nothing was changed.',
				visibility: 'refusal'
			});
			expect(onlyModerators('remove quotes', '555').content).to.equal(
				'Only moderators of this server can remove quotes: it needs the Manage Server permission or the <@&555> role here. Nothing was changed.'
			);
		});
	});

	describe('in Kick chat', () => {
		const viewer = { username: 'viewer_vic', access: 'everyone' } as const;

		it('answers !quote, !quote <number> and an unknown number', async () => {
			expect(await answerChatQuote(quotes, { kind: 'random' }, viewer, '!')).to.equal('No quotes here yet.');
			await quotes.add('chat is always right', MIA);
			expect(await answerChatQuote(quotes, { kind: 'random' }, viewer, '!')).to.equal('Quote #1: chat is always right');
			expect(await answerChatQuote(quotes, { kind: 'number', number: 1 }, viewer, '!')).to.equal('Quote #1: chat is always right');
			expect(await answerChatQuote(quotes, { kind: 'number', number: 5 }, viewer, '!')).to.equal('There is no quote #5.');
			expect(await answerChatQuote(quotes, { kind: 'unclear' }, viewer, '?')).to.equal('?quote shows a random quote, ?quote <number> that one.');
		});

		it('lets moderators and the broadcaster add, as themselves; anyone else is not answered and adds nothing', async () => {
			for (const access of ['everyone', 'subscriber'] as const) {
				expect(await answerChatQuote(quotes, { kind: 'add', text: 'sneaky' }, { username: 'viewer_vic', access }, '!'), access).to.equal(null);
			}
			expect(await quotes.count()).to.equal(0);

			expect(await answerChatQuote(quotes, { kind: 'add', text: '"gg" - chat' }, { username: 'mod_mia', access: 'moderator' }, '!')).to.equal(
				'Added quote #1.'
			);
			expect(await answerChatQuote(quotes, { kind: 'add', text: 'mine' }, { username: 'AlphaStreamer', access: 'broadcaster' }, '!')).to.equal(
				'Added quote #2.'
			);
			expect(await answerChatQuote(quotes, { kind: 'add', text: '   ' }, { username: 'mod_mia', access: 'moderator' }, '!')).to.equal(
				'A quote needs some text: add it after the command.'
			);
			expect((await quotes.page(0, 10)).map((quote) => [quote.text, quote.addedBy])).to.deep.equal([
				['"gg" - chat', { via: 'kick', username: 'mod_mia' }],
				['mine', { via: 'kick', username: 'AlphaStreamer' }]
			]);
		});
	});

	describe('in Kick chat, unasked (the quote of the day, the dashboard’s post)', () => {
		const NOON = new Date(Date.UTC(2026, 11, 2, 12, 0));
		let said: { content: string; post: KickChatPost }[];
		let connection: Partial<KickConnectionRecord> | null;

		const contextOf = (guildId: bigint, settings: Readonly<Record<string, unknown>>): Pick<GuildContext, 'settings' | 'db' | 'sayInKickChat'> => ({
			settings: { get: (key: string) => settings[key] } as unknown as GuildSettings,
			db: { quotes: migrated.database.forGuild(guildId).quotes, kickConnection: { get: async () => connection } } as unknown as GuildRepositories,
			sayInKickChat: async (content, post) => {
				said.push({ content, post });
				return { status: 'accepted', id: BigInt(said.length) };
			}
		});

		beforeEach(() => {
			said = [];
			connection = { channelSlug: 'alphastreamer', isLive: true };
		});

		it('posts the quote of the day while the stream is live, under the day’s key, when the server switched it on', async () => {
			expect(await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: true }), NOON)).to.deep.equal({ status: 'no quotes' });
			await quotes.add('first', MIA);

			expect(await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: false }), NOON)).to.deep.equal({ status: 'switched off' });
			connection = { channelSlug: 'alphastreamer', isLive: false };
			expect(await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: true }), NOON)).to.deep.equal({ status: 'offline' });
			connection = null;
			expect(await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: true }), NOON)).to.deep.equal({ status: 'not linked' });
			expect(said).to.deep.equal([]);

			connection = { channelSlug: 'alphastreamer', isLive: true };
			expect(await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: true }), NOON)).to.deep.equal({ status: 'accepted', id: 1n });
			await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: true }), new Date(Date.UTC(2026, 11, 2, 23, 59)));
			await postQuoteOfTheDay(contextOf(ALPHA, { quotes_daily_in_chat: true }), new Date(Date.UTC(2026, 11, 3, 0, 1)));
			expect(said).to.deep.equal([
				{ content: 'Quote of the day #1: first', post: { key: 'quotes:daily:2026-12-02', kind: 'announcement' } },
				{ content: 'Quote of the day #1: first', post: { key: 'quotes:daily:2026-12-02', kind: 'announcement' } },
				{ content: 'Quote of the day #1: first', post: { key: 'quotes:daily:2026-12-03', kind: 'announcement' } }
			]);
		});

		it('posts a quote the dashboard names, under the dashboard’s id for the request; another server’s number is not found', async () => {
			await quotes.add('first', MIA);
			expect(await postQuoteNow(contextOf(ALPHA, {}), 1, 'req-1')).to.deep.equal({ status: 'accepted', id: 1n });
			expect(await postQuoteNow(contextOf(BETA, {}), 1, 'req-2')).to.deep.equal({ status: 'no such quote' });
			expect(said).to.deep.equal([{ content: 'Quote #1: first', post: { key: 'quotes:post:req-1', kind: 'announcement' } }]);
		});
	});
});
