import { expect } from 'chai';
import type { GuildShared } from '#core';
import { finishBeforeStopping } from '#test/helpers/botStopping';
import { rejection } from '#test/helpers/rejection';
import { CHAT_LINES_KEY, ChatLineCounter, linesSince, type CountingContext } from '../lib/ChatLineCounter.js';
import { chatLines } from '../lib/processChatLines.js';

// The counter's batching without Redis: what a flush sends, and what it keeps when Redis refuses.

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;

describe('timed-messages: ChatLineCounter (chat lines per server, batched per flush)', () => {
	let sent: [bigint, string, number][];
	let refuse: boolean;
	const contextOf = (guildId: bigint): CountingContext => ({
		guildId,
		shared: {
			guildId,
			increment: (key: string, by: number) => {
				if (refuse) return Promise.reject(new Error('Redis is away'));
				sent.push([guildId, key, by]);
				return Promise.resolve(by);
			}
		} as unknown as GuildShared
	});

	beforeEach(() => {
		sent = [];
		refuse = false;
	});

	it('sends one increment per server per flush, with all its lines, and nothing when nothing was counted', async () => {
		const counter = new ChatLineCounter({ flushEveryMs: 3_600_000 });
		for (let line = 0; line < 250; line++) counter.record(contextOf(ALPHA));
		counter.record(contextOf(BETA));
		await counter.flush();
		expect(sent).to.deep.equal([
			[ALPHA, CHAT_LINES_KEY, 250],
			[BETA, CHAT_LINES_KEY, 1]
		]);
		await counter.flush();
		expect(sent).to.have.length(2);
		await counter.close();
	});

	it('keeps the lines of a refused flush for the next one, added to those counted since', async () => {
		const counter = new ChatLineCounter({ flushEveryMs: 3_600_000 });
		counter.record(contextOf(ALPHA), 3);
		refuse = true;
		expect(await rejection(counter.flush())).to.be.an.instanceOf(Error);
		refuse = false;
		counter.record(contextOf(ALPHA), 2);
		await counter.close();
		expect(sent).to.deep.equal([[ALPHA, CHAT_LINES_KEY, 5]]);
	});

	it('the process’s counter adds what it counted since its last flush when the bot stops', async () => {
		chatLines.record(contextOf(ALPHA), 4);
		const failures: unknown[] = [];

		await finishBeforeStopping((error) => failures.push(error));

		expect(failures).to.deep.equal([]);
		expect(sent).to.deep.equal([[ALPHA, CHAT_LINES_KEY, 4]]);
	});

	it('counts lines since a mark, and from 0 again when the counter was lost', () => {
		expect(linesSince(12, null)).to.equal(12);
		expect(linesSince(12, 7)).to.equal(5);
		expect(linesSince(3, 40), 'Redis emptied: the counter started again').to.equal(3);
	});
});
