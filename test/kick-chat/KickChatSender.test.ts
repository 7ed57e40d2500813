import { expect } from 'chai';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
	KickChatSender,
	type ChatSendFailure,
	type ChatSendOutcome,
	type ChatSenderClock,
	type KickChatSenderOptions,
	type OutgoingChatMessage
} from '#lib/kick/chat/KickChatSender';

const GUILD_A = '100000000000000001';
const GUILD_B = '100000000000000002';
const CHANNEL_A = '4242';
const CHANNEL_B = '5353';

/** A clock that only moves when a test advances it; sleeps wake in time order. */
class FakeClock implements ChatSenderClock {
	private time = 0;
	private readonly sleepers = new Set<{ readonly at: number; readonly wake: () => void }>();

	public now(): number {
		return this.time;
	}

	public sleep(ms: number, signal: AbortSignal): Promise<void> {
		return new Promise((resolve) => {
			if (signal.aborted) return resolve();
			const sleeper = {
				at: this.time + ms,
				wake: () => {
					this.sleepers.delete(sleeper);
					signal.removeEventListener('abort', sleeper.wake);
					resolve();
				}
			};
			this.sleepers.add(sleeper);
			signal.addEventListener('abort', sleeper.wake);
		});
	}

	public get sleeping(): number {
		return this.sleepers.size;
	}

	/** Lets every promise settle, then wakes the sleepers one time step at a time until none is left (or `until` is reached). */
	public async run(until = Number.POSITIVE_INFINITY): Promise<void> {
		for (;;) {
			await nextTurn();
			const next = [...this.sleepers].filter((sleeper) => sleeper.at <= until).sort((a, b) => a.at - b.at)[0];
			if (next === undefined) break;
			this.time = Math.max(this.time, next.at);
			next.wake();
		}
		if (Number.isFinite(until)) this.time = Math.max(this.time, until);
		await nextTurn();
	}
}

interface SendCall {
	readonly guildId: string;
	readonly broadcasterUserId: string;
	readonly content: string;
	readonly replyToMessageId: string | undefined;
	readonly at: number;
}

type Responder = (call: SendCall, index: number) => Promise<{ messageId: string | null }>;

class ApiError extends Error {
	public constructor(
		message: string,
		public readonly retryable: boolean,
		public readonly retryAfterMs?: number
	) {
		super(message);
	}
}

/** A sender over a fake clock and a fake send that records every call and answers through `respond`. */
function harness(options: Partial<KickChatSenderOptions> & { intervals?: Record<string, number>; respond?: Responder } = {}) {
	const clock = new FakeClock();
	const calls: SendCall[] = [];
	const failures: ChatSendFailure[] = [];
	const sentIds: { content: string; messageId: string | null }[] = [];
	const intervals: Record<string, number> = options.intervals ?? {};
	const respond: Responder = options.respond ?? ((_call, index) => Promise.resolve({ messageId: `msg-${index + 1}` }));
	const sender = new KickChatSender({
		minIntervalMs: (broadcasterUserId) => intervals[broadcasterUserId] ?? 0,
		onSent: (message, messageId) => sentIds.push({ content: message.content, messageId }),
		onFailed: (failure) => {
			failures.push(failure);
		},
		clock,
		...options,
		send: (message) => {
			const call = { ...message, replyToMessageId: message.replyToMessageId, at: clock.now() };
			calls.push(call);
			return respond(call, calls.length - 1);
		}
	});
	const sent = () => calls.map((call) => ({ to: call.broadcasterUserId, content: call.content, at: call.at }));
	return { sender, clock, calls, sent, failures, sentIds, intervals };
}

function message(broadcasterUserId: string, content: string, extra: Partial<OutgoingChatMessage> = {}): OutgoingChatMessage {
	return { guildId: broadcasterUserId === CHANNEL_B ? GUILD_B : GUILD_A, broadcasterUserId, content, ...extra };
}

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((settle) => {
		resolve = settle;
	});
	return { promise, resolve };
}

describe('KickChatSender', () => {
	it('sends the messages of one channel one at a time, in the order they were enqueued', async () => {
		const inFlight: number[] = [];
		let running = 0;
		const { sender, clock, sent, failures, sentIds } = harness({
			respond: async (_call, index) => {
				running += 1;
				inFlight.push(running);
				await nextTurn();
				running -= 1;
				return { messageId: `msg-${index + 1}` };
			}
		});

		const outcomes = Promise.all(['one', 'two', 'three', 'four'].map((content) => sender.enqueue(message(CHANNEL_A, content))));
		expect(sender.pending(CHANNEL_A)).to.equal(4);
		await clock.run();

		expect(await outcomes).to.deep.equal([
			{ sent: 1, failed: 0, messageIds: ['msg-1'] },
			{ sent: 1, failed: 0, messageIds: ['msg-2'] },
			{ sent: 1, failed: 0, messageIds: ['msg-3'] },
			{ sent: 1, failed: 0, messageIds: ['msg-4'] }
		]);
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'one', at: 0 },
			{ to: CHANNEL_A, content: 'two', at: 0 },
			{ to: CHANNEL_A, content: 'three', at: 0 },
			{ to: CHANNEL_A, content: 'four', at: 0 }
		]);
		expect(inFlight).to.deep.equal([1, 1, 1, 1]);
		expect(sentIds.map((entry) => entry.messageId)).to.deep.equal(['msg-1', 'msg-2', 'msg-3', 'msg-4']);
		expect(failures).to.deep.equal([]);
		expect(sender.pending()).to.equal(0);
	});

	it('keeps the interval between the starts of two sends to a channel while another channel goes at its own pace', async () => {
		const { sender, clock, sent, failures } = harness({ intervals: { [CHANNEL_A]: 1000, [CHANNEL_B]: 300 } });

		const outcomes = Promise.all([
			sender.enqueue(message(CHANNEL_A, 'a1')),
			sender.enqueue(message(CHANNEL_A, 'a2')),
			sender.enqueue(message(CHANNEL_B, 'b1')),
			sender.enqueue(message(CHANNEL_B, 'b2')),
			sender.enqueue(message(CHANNEL_B, 'b3')),
			sender.enqueue(message(CHANNEL_A, 'a3'))
		]);
		await clock.run();
		await outcomes;

		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'a1', at: 0 },
			{ to: CHANNEL_B, content: 'b1', at: 0 },
			{ to: CHANNEL_B, content: 'b2', at: 300 },
			{ to: CHANNEL_B, content: 'b3', at: 600 },
			{ to: CHANNEL_A, content: 'a2', at: 1000 },
			{ to: CHANNEL_A, content: 'a3', at: 2000 }
		]);
		expect(failures).to.deep.equal([]);

		// A message enqueued after the channel went idle still waits for the rest of the interval.
		const late = sender.enqueue(message(CHANNEL_A, 'a4'));
		await clock.run(2500);
		expect(sent()).to.have.length(6);
		await clock.run();
		expect(await late).to.deep.equal({ sent: 1, failed: 0, messageIds: ['msg-7'] });
		expect(sent()[6]).to.deep.equal({ to: CHANNEL_A, content: 'a4', at: 3000 });
	});

	it('reads the interval before every send, so a changed setting applies from the next send', async () => {
		const { sender, clock, sent, intervals } = harness({ intervals: { [CHANNEL_A]: 1000 } });

		const outcomes = Promise.all(['x1', 'x2'].map((content) => sender.enqueue(message(CHANNEL_A, content))));
		await clock.run();
		intervals[CHANNEL_A] = 200;
		const x3 = sender.enqueue(message(CHANNEL_A, 'x3'));
		const x4 = sender.enqueue(message(CHANNEL_A, 'x4'));
		await clock.run();
		await Promise.all([outcomes, x3, x4]);

		expect(sent().map((call) => [call.content, call.at])).to.deep.equal([
			['x1', 0],
			['x2', 1000],
			['x3', 1200],
			['x4', 1400]
		]);
	});

	it('sends a 600-character message as 2 parts in order, only the first one as the reply', async () => {
		const { sender, clock, calls, failures, sentIds } = harness({ intervals: { [CHANNEL_A]: 1500 } });
		const first = `${'a'.repeat(299)} ${'b'.repeat(200)}`;
		const second = 'c'.repeat(99);
		const content = `${first} ${second}`;
		expect(content).to.have.length(600);

		const outcome = sender.enqueue(message(CHANNEL_A, content, { replyToMessageId: 'viewer-msg-9' }));
		const next = sender.enqueue(message(CHANNEL_A, 'after'));
		expect(sender.pending(CHANNEL_A)).to.equal(3);
		await clock.run();

		expect(await outcome).to.deep.equal({ sent: 2, failed: 0, messageIds: ['msg-1', 'msg-2'] });
		expect(await next).to.deep.equal({ sent: 1, failed: 0, messageIds: ['msg-3'] });
		expect(calls).to.deep.equal([
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: first, replyToMessageId: 'viewer-msg-9', at: 0 },
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: second, replyToMessageId: undefined, at: 1500 },
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: 'after', replyToMessageId: undefined, at: 3000 }
		]);
		expect(sentIds).to.deep.equal([
			{ content: first, messageId: 'msg-1' },
			{ content: second, messageId: 'msg-2' },
			{ content: 'after', messageId: 'msg-3' }
		]);
		expect(failures).to.deep.equal([]);
	});

	it('retries a retryable error in place after 1 s, keeping the interval, and the next message waits its turn', async () => {
		const { sender, clock, sent, failures } = harness({
			intervals: { [CHANNEL_A]: 400 },
			respond: (_call, index) => (index === 0 ? Promise.reject(new ApiError('Kick answered 503', true)) : Promise.resolve({ messageId: `msg-${index + 1}` }))
		});

		const first = sender.enqueue(message(CHANNEL_A, 'first'));
		const second = sender.enqueue(message(CHANNEL_A, 'second'));
		await clock.run();

		expect(await first).to.deep.equal({ sent: 1, failed: 0, messageIds: ['msg-2'] });
		expect(await second).to.deep.equal({ sent: 1, failed: 0, messageIds: ['msg-3'] });
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'first', at: 0 },
			{ to: CHANNEL_A, content: 'first', at: 1000 },
			{ to: CHANNEL_A, content: 'second', at: 1400 }
		]);
		expect(failures).to.deep.equal([]);
	});

	it('waits for a Retry-After longer than the backoff', async () => {
		const { sender, clock, sent } = harness({
			respond: (_call, index) => (index === 0 ? Promise.reject(new ApiError('Kick answered 429', true, 7000)) : Promise.resolve({ messageId: 'ok' }))
		});

		const outcome = sender.enqueue(message(CHANNEL_A, 'hello'));
		await clock.run();

		expect(await outcome).to.deep.equal({ sent: 1, failed: 0, messageIds: ['ok'] });
		expect(sent().map((call) => call.at)).to.deep.equal([0, 7000]);
	});

	it('after maxAttempts failed sends reports the part once with its attempts, then goes on with the next message', async () => {
		const { sender, clock, sent, failures } = harness({
			maxAttempts: 3,
			intervals: { [CHANNEL_A]: 500 },
			respond: (call) => (call.content === 'doomed' ? Promise.reject(new ApiError('Kick answered 502', true)) : Promise.resolve({ messageId: `id-${call.content}` }))
		});

		const doomed = sender.enqueue(message(CHANNEL_A, 'doomed'));
		const next = sender.enqueue(message(CHANNEL_A, 'next'));
		await clock.run();

		expect(await doomed).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		expect(await next).to.deep.equal({ sent: 1, failed: 0, messageIds: ['id-next'] });
		// Backoff 1 s then 2 s; the next message keeps the interval after the last attempt.
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'doomed', at: 0 },
			{ to: CHANNEL_A, content: 'doomed', at: 1000 },
			{ to: CHANNEL_A, content: 'doomed', at: 3000 },
			{ to: CHANNEL_A, content: 'next', at: 3500 }
		]);
		expect(failures).to.deep.equal([
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: 'doomed', attempts: 3, error: 'Kick answered 502', failedAt: new Date(3000) }
		]);
	});

	it('fails a non-retryable error at once', async () => {
		const { sender, clock, sent, failures } = harness({
			intervals: { [CHANNEL_A]: 250 },
			respond: (call) => (call.content === 'denied' ? Promise.reject(new ApiError('Kick answered 401', false)) : Promise.resolve({ messageId: null }))
		});

		const denied = sender.enqueue(message(CHANNEL_A, 'denied'));
		const next = sender.enqueue(message(CHANNEL_A, 'next'));
		await clock.run();

		expect(await denied).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		// Kick gave no id: the part counts as sent, with no id to remember.
		expect(await next).to.deep.equal({ sent: 1, failed: 0, messageIds: [] });
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'denied', at: 0 },
			{ to: CHANNEL_A, content: 'next', at: 250 }
		]);
		expect(failures).to.deep.equal([
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: 'denied', attempts: 1, error: 'Kick answered 401', failedAt: new Date(0) }
		]);
	});

	it('treats an error without retryable: true as final, and a custom isRetryable decides otherwise', async () => {
		const plain = harness({ respond: () => Promise.reject(new Error('socket hang up')) });
		const plainOutcome = plain.sender.enqueue(message(CHANNEL_A, 'hi'));
		await plain.clock.run();
		expect(await plainOutcome).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		expect(plain.sent().map((call) => call.at)).to.deep.equal([0]);
		expect(plain.failures.map((failure) => [failure.attempts, failure.error])).to.deep.equal([[1, 'socket hang up']]);

		const custom = harness({
			maxAttempts: 2,
			isRetryable: (error) => error instanceof Error && error.message === 'socket hang up',
			retryDelayMs: (attempt) => attempt * 10,
			respond: () => Promise.reject(new Error('socket hang up'))
		});
		const customOutcome = custom.sender.enqueue(message(CHANNEL_A, 'hi'));
		await custom.clock.run();
		expect(await customOutcome).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		expect(custom.sent().map((call) => call.at)).to.deep.equal([0, 10]);
		expect(custom.failures.map((failure) => [failure.attempts, failure.error, failure.failedAt.getTime()])).to.deep.equal([[2, 'socket hang up', 10]]);
	});

	it('drops the oldest waiting part with "queue full" when a channel has more than maxQueueLength waiting', async () => {
		const { sender, clock, sent, failures } = harness({ maxQueueLength: 2, intervals: { [CHANNEL_A]: 1000 } });

		const outcomes = Promise.all(['m1', 'm2', 'm3', 'm4'].map((content) => sender.enqueue(message(CHANNEL_A, content))));
		const other = sender.enqueue(message(CHANNEL_B, 'b1'));
		// m1 is in flight, m3 and m4 wait; m2 was dropped at once.
		expect(sender.pending(CHANNEL_A)).to.equal(3);
		expect(sender.pending()).to.equal(4);
		expect(failures).to.deep.equal([
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: 'm2', attempts: 0, error: 'queue full', failedAt: new Date(0) }
		]);
		await clock.run();

		expect((await outcomes).map((outcome) => [outcome.sent, outcome.failed])).to.deep.equal([
			[1, 0],
			[0, 1],
			[1, 0],
			[1, 0]
		]);
		expect(await other).to.deep.include({ sent: 1, failed: 0 });
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'm1', at: 0 },
			{ to: CHANNEL_B, content: 'b1', at: 0 },
			{ to: CHANNEL_A, content: 'm3', at: 1000 },
			{ to: CHANNEL_A, content: 'm4', at: 2000 }
		]);
		expect(failures).to.have.length(1);
	});

	it('close lets the send under way finish, fails the waiting parts with "bot stopping", refuses new ones and leaves no sleep behind', async () => {
		const held = deferred<{ messageId: string | null }>();
		const { sender, clock, sent, failures } = harness({
			intervals: { [CHANNEL_A]: 1000, [CHANNEL_B]: 1000 },
			respond: (call) => (call.content === 'a1' ? held.promise : Promise.resolve({ messageId: `id-${call.content}` }))
		});

		const a1 = sender.enqueue(message(CHANNEL_A, 'a1'));
		const a2 = sender.enqueue(message(CHANNEL_A, 'a2'));
		const b1 = sender.enqueue(message(CHANNEL_B, 'b1'));
		const b2 = sender.enqueue(message(CHANNEL_B, 'b2'));
		await clock.run(400);
		expect(clock.sleeping).to.equal(1);

		let closed = false;
		const closing = sender.close().then(() => {
			closed = true;
		});
		await clock.run();
		// a1 is still being sent: close waits for it.
		expect(closed).to.equal(false);
		expect(sender.pending(CHANNEL_A)).to.equal(1);
		expect(sender.pending(CHANNEL_B)).to.equal(0);
		expect(await sender.enqueue(message(CHANNEL_A, 'too late'))).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });

		held.resolve({ messageId: 'id-a1' });
		await closing;

		expect(await a1).to.deep.equal({ sent: 1, failed: 0, messageIds: ['id-a1'] });
		expect(await a2).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		expect(await b1).to.deep.equal({ sent: 1, failed: 0, messageIds: ['id-b1'] });
		expect(await b2).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'a1', at: 0 },
			{ to: CHANNEL_B, content: 'b1', at: 0 }
		]);
		expect(failures.map((failure) => [failure.broadcasterUserId, failure.content, failure.attempts, failure.error, failure.failedAt.getTime()])).to.have.deep.members([
			[CHANNEL_B, 'b2', 0, 'bot stopping', 400],
			[CHANNEL_A, 'too late', 0, 'bot stopping', 400],
			[CHANNEL_A, 'a2', 0, 'bot stopping', 400]
		]);
		expect(clock.sleeping).to.equal(0);
		expect(sender.pending()).to.equal(0);
	});

	it('close fails a part waiting to be retried with the attempts it had', async () => {
		const { sender, clock, sent, failures } = harness({ respond: () => Promise.reject(new ApiError('Kick answered 500', true)) });

		const outcome = sender.enqueue(message(CHANNEL_A, 'unlucky'));
		await clock.run(500);
		await sender.close();

		expect(await outcome).to.deep.equal({ sent: 0, failed: 1, messageIds: [] });
		expect(sent()).to.deep.equal([{ to: CHANNEL_A, content: 'unlucky', at: 0 }]);
		expect(failures).to.deep.equal([
			{ guildId: GUILD_A, broadcasterUserId: CHANNEL_A, content: 'unlucky', attempts: 1, error: 'bot stopping', failedAt: new Date(500) }
		]);
		expect(clock.sleeping).to.equal(0);
	});

	it('close with the system clock clears its timers at once', async () => {
		const sends: string[] = [];
		const failures: ChatSendFailure[] = [];
		const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		// Measured after a turn, once Mocha has armed its own timeout for this test.
		await nextTurn();
		const before = timers();
		const sender = new KickChatSender({
			send: (part) => {
				sends.push(part.content);
				return Promise.resolve({ messageId: null });
			},
			minIntervalMs: () => 60_000,
			onFailed: (failure) => {
				failures.push(failure);
			}
		});

		const outcomes = Promise.all([sender.enqueue(message(CHANNEL_A, 'now')), sender.enqueue(message(CHANNEL_A, 'in a minute'))]);
		await nextTurn();
		expect(timers()).to.equal(before + 1);
		const started = Date.now();
		await sender.close();

		expect(Date.now() - started).to.be.below(1000);
		expect(timers()).to.equal(before);
		expect((await outcomes).map((outcome: ChatSendOutcome) => outcome.sent)).to.deep.equal([1, 0]);
		expect(sends).to.deep.equal(['now']);
		expect(failures.map((failure) => [failure.content, failure.error])).to.deep.equal([['in a minute', 'bot stopping']]);
	});

	it('a throwing onFailed or onSent is logged and the queue goes on', async () => {
		const logged: unknown[][] = [];
		const { sender, clock, sent } = harness({
			logger: { error: (...values) => logged.push([...values]) },
			onSent: () => {
				throw new Error('onSent broke');
			},
			onFailed: () => Promise.reject(new Error('database down')),
			respond: (call) => (call.content === 'bad' ? Promise.reject(new ApiError('Kick answered 400', false)) : Promise.resolve({ messageId: 'ok' }))
		});

		const outcomes = Promise.all([sender.enqueue(message(CHANNEL_A, 'bad')), sender.enqueue(message(CHANNEL_A, 'good'))]);
		await clock.run();
		await sender.close();

		expect((await outcomes).map((outcome) => [outcome.sent, outcome.failed])).to.deep.equal([
			[0, 1],
			[1, 0]
		]);
		expect(sent().map((call) => call.content)).to.deep.equal(['bad', 'good']);
		expect(logged.map((values) => [values[0], (values[1] as Error).message])).to.have.deep.members([
			['Kick chat: the onFailed callback failed:', 'database down'],
			['Kick chat: the onSent callback threw:', 'onSent broke']
		]);
	});

	it('an empty message sends nothing', async () => {
		const { sender, sent, failures } = harness();

		expect(await sender.enqueue(message(CHANNEL_A, '  \n '))).to.deep.equal({ sent: 0, failed: 0, messageIds: [] });
		expect(sent()).to.deep.equal([]);
		expect(failures).to.deep.equal([]);
	});
});
