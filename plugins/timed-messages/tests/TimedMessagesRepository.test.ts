import { expect } from 'chai';
import { ConflictError, InvalidInputError, NotFoundError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';
import { MAX_TIMERS } from '../lib/timerRules.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;

for (const engine of engines) {
	describe(`timed-messages: TimedMessagesRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;
		const rowCount = async () => (await a.timedMessages.list()).length + (await b.timedMessages.list()).length;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'timed_messages', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['timed_messages']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		it('hands each interval of a timer to exactly one of several racing claims', async () => {
			const timer = await a.timedMessages.create({ messages: ['Follow!'], intervalMinutes: 10 });
			const start = new Date('2026-01-01T12:00:00Z');

			const claims = await Promise.all(Array.from({ length: 8 }, () => a.timedMessages.claim(timer, start, null)));
			expect(claims.filter((claim) => claim !== null)).to.deep.equal([{ timerId: timer.id, postNumber: 1, text: 'Follow!', discordChannelId: null }]);
			const after = (await a.timedMessages.get(timer.id))!;
			expect(await a.timedMessages.claim(after, new Date(start.getTime() + 9 * 60_000), null)).to.equal(null);
			expect((await a.timedMessages.due(new Date(start.getTime() + 9 * 60_000))).timers).to.have.length(0);
			expect((await a.timedMessages.due(new Date(start.getTime() + 10 * 60_000))).timers.map((due) => due.id)).to.deep.equal([timer.id]);
			expect(await b.timedMessages.claim(after, new Date(start.getTime() + 60 * 60_000), null), 'another server’s timer').to.equal(null);
			expect(await a.timedMessages.claim(timer, new Date(start.getTime() + 10 * 60_000), null), 'seen before the last post').to.equal(null);
			expect((await a.timedMessages.claim(after, new Date(start.getTime() + 10 * 60_000), 7))?.postNumber).to.equal(2);
			expect((await a.timedMessages.get(timer.id))?.chatLinesMark).to.equal(7);
		});

		it('refuses bad input with a sentence, writing nothing', async () => {
			const refusals: [string, Promise<unknown>][] = [
				['interval 0', a.timedMessages.create({ messages: ['x'], intervalMinutes: 0 })],
				['interval over a week', a.timedMessages.create({ messages: ['x'], intervalMinutes: 10_081 })],
				['interval 1.5', a.timedMessages.create({ messages: ['x'], intervalMinutes: 1.5 })],
				['no message', a.timedMessages.create({ messages: [], intervalMinutes: 5 })],
				['a blank message', a.timedMessages.create({ messages: ['ok', '  '], intervalMinutes: 5 })],
				['501 characters', a.timedMessages.create({ messages: ['x'.repeat(501)], intervalMinutes: 5 })],
				['10 kB', a.timedMessages.create({ messages: ['y'.repeat(10_000)], intervalMinutes: 5 })],
				['11 messages', a.timedMessages.create({ messages: Array.from({ length: 11 }, () => 'm'), intervalMinutes: 5 })],
				['negative minimum', a.timedMessages.create({ messages: ['x'], intervalMinutes: 5, minChatLines: -1 })],
				['a channel that is no id', a.timedMessages.create({ messages: ['x'], intervalMinutes: 5, discordChannelId: 'general' })],
				['a NUL', a.timedMessages.create({ messages: ['a\0b'], intervalMinutes: 5 })]
			];
			for (const [what, attempt] of refusals) expect(await rejection(attempt), what).to.be.an.instanceOf(InvalidInputError);
			expect(((await rejection(a.timedMessages.create({ messages: ['x'.repeat(501)], intervalMinutes: 5 }))) as Error).message).to.equal(
				'The message is 501 characters; Kick chat takes 500 at most'
			);
			// 500 characters as Kick counts them (an emoji is one) fit.
			expect((await a.timedMessages.create({ messages: ['🎲'.repeat(500)], intervalMinutes: 5 })).messages[0]).to.have.length(1000);
			const timer = (await a.timedMessages.list())[0]!;
			expect(await rejection(a.timedMessages.update(timer.id, { messages: ['ok', 'z'.repeat(600)] }))).to.be.an.instanceOf(InvalidInputError);
			expect(await rejection(a.timedMessages.update(timer.id, { intervalMinutes: -5 }))).to.be.an.instanceOf(InvalidInputError);
			expect(await a.timedMessages.get(timer.id)).to.deep.equal(timer);
			expect(await rowCount()).to.equal(1);
		});

		it('refuses another server’s timer by id: not found, unchanged', async () => {
			const timer = await a.timedMessages.create({ messages: ['Hi'], intervalMinutes: 5 });
			expect(await rejection(b.timedMessages.update(timer.id, { enabled: false }))).to.be.an.instanceOf(NotFoundError);
			expect(await b.timedMessages.get(timer.id)).to.equal(null);
			expect(await b.timedMessages.delete(timer.id)).to.equal(false);
			expect(await b.timedMessages.get(2_147_483_648)).to.equal(null);
			expect(await a.timedMessages.get(timer.id)).to.deep.equal(timer);
			const disabled = await a.timedMessages.update(timer.id, {
				enabled: false,
				liveOnly: false,
				minChatLines: 20,
				discordChannelId: '1234567890123456789'
			});
			expect([disabled.enabled, disabled.liveOnly, disabled.minChatLines, disabled.discordChannelId]).to.deep.equal([
				false,
				false,
				20,
				'1234567890123456789'
			]);
			expect((await a.timedMessages.due(new Date())).timers, 'a disabled timer is never due').to.have.length(0);
		});

		it('says with the due timers whether Kick said the server’s stream is live, and never another server’s', async () => {
			await deleteRows(database, ['kick_connections']);
			await a.timedMessages.create({ messages: ['A'], intervalMinutes: 5 });
			await b.timedMessages.create({ messages: ['B'], intervalMinutes: 5 });
			expect((await a.timedMessages.due(new Date())).streamLive, 'not linked').to.equal(false);
			await a.kickConnection.connect({ broadcasterUserId: 11n, channelSlug: 'alpha', connectedBy: 1n, eventsVia: 'webhook' });
			await b.kickConnection.connect({ broadcasterUserId: 12n, channelSlug: 'beta', connectedBy: 1n, eventsVia: 'webhook' });
			expect((await a.timedMessages.due(new Date())).streamLive, 'Kick said nothing yet').to.equal(false);
			await a.kickConnection.recordLiveStatus({ isLive: true, title: null, startedAt: null, at: new Date() });
			expect((await a.timedMessages.due(new Date())).streamLive).to.equal(true);
			expect((await b.timedMessages.due(new Date())).streamLive).to.equal(false);
		});

		it(`keeps a server to ${MAX_TIMERS} timers`, async () => {
			for (let index = 0; index < MAX_TIMERS; index++) await a.timedMessages.create({ messages: [`m${index}`], intervalMinutes: 5 });
			expect(await rejection(a.timedMessages.create({ messages: ['one more'], intervalMinutes: 5 }))).to.be.an.instanceOf(ConflictError);
			expect((await b.timedMessages.create({ messages: ['another server'], intervalMinutes: 5 })).messages).to.deep.equal(['another server']);
		});

		it('reads a legacy row (only the old columns, enabled NULL) as an enabled timer of one message', async () => {
			await database.connection.openSession().then(async (session) => {
				try {
					await session.exec(
						`INSERT INTO timed_messages (discord_server_id, message, interval_minutes, enabled) VALUES (${GUILD_A}, 'Old bot message', 15, NULL)`
					);
				} finally {
					await session.release();
				}
			});
			const [legacy] = await a.timedMessages.list();
			expect([legacy?.messages, legacy?.intervalMinutes, legacy?.enabled, legacy?.liveOnly, legacy?.minChatLines]).to.deep.equal([
				['Old bot message'],
				15,
				true,
				true,
				0
			]);
			expect((await a.timedMessages.due(new Date())).timers.map((timer) => timer.id)).to.deep.equal([legacy!.id]);
		});
	});
}
