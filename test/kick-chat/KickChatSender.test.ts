import { expect } from 'chai';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { KickChatSender, type ChatSenderClock, type KickChatSenderOptions } from '#lib/kick/chat/KickChatSender';
import type { DeliveryOutcome, OutboxRecord } from '#lib/outbox/OutboxMessage';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;
const CHANNEL_A = '4242';
const CHANNEL_B = '5353';
const FAR_FUTURE = new Date(8.64e15);

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

/** A sender over a fake clock and a fake send that records every call and answers through `respond`; every claim is recorded and answered by `claim`. */
function harness(
	options: Partial<KickChatSenderOptions> & { intervals?: Record<string, number>; respond?: Responder; claim?: (content: string) => Promise<boolean> } = {}
) {
	const clock = new FakeClock();
	const calls: SendCall[] = [];
	const claims: { content: string; at: number }[] = [];
	const sentIds: { content: string; messageId: string | null }[] = [];
	const intervals: Record<string, number> = options.intervals ?? {};
	const respond: Responder = options.respond ?? ((_call, index) => Promise.resolve({ messageId: `msg-${index + 1}` }));
	const sender = new KickChatSender({
		minIntervalMs: (message) => intervals[message.broadcasterUserId] ?? 0,
		onSent: (message, messageId) => sentIds.push({ content: message.content, messageId }),
		clock,
		...options,
		send: (message) => {
			const call = { ...message, replyToMessageId: message.replyToMessageId, at: clock.now() };
			calls.push(call);
			return respond(call, calls.length - 1);
		}
	});
	let serial = 0n;
	/** Hands a message to the sender as the outbox does, with a claim that is recorded. */
	const deliver = (broadcasterUserId: string, content: string, extra: Partial<OutboxRecord> = {}): Promise<DeliveryOutcome> => {
		const record: OutboxRecord = {
			id: (serial += 1n),
			guildId: broadcasterUserId === CHANNEL_B ? GUILD_B : GUILD_A,
			destination: 'kick_chat',
			targetId: BigInt(broadcasterUserId),
			kind: 'reply',
			dedupeKey: `test:${serial}`,
			content,
			expiresAt: FAR_FUTURE,
			attempts: 0,
			...extra
		};
		return sender.deliver(record, () => {
			claims.push({ content, at: clock.now() });
			return options.claim?.(content) ?? Promise.resolve(true);
		});
	};
	const sent = () => calls.map((call) => ({ to: call.broadcasterUserId, content: call.content, at: call.at }));
	return { sender, clock, calls, claims, sent, sentIds, intervals, deliver };
}

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((settle) => {
		resolve = settle;
	});
	return { promise, resolve };
}

const sentWith = (...messageIds: string[]) => ({ status: 'sent', messageIds, attempts: messageIds.length || 1 });

describe('KickChatSender', () => {
	it('sends the messages of one channel one at a time, in the order they were handed over, each claimed right before its send', async () => {
		const inFlight: number[] = [];
		let running = 0;
		const { sender, clock, sent, sentIds, claims, deliver } = harness({
			respond: async (_call, index) => {
				running += 1;
				inFlight.push(running);
				await nextTurn();
				running -= 1;
				return { messageId: `msg-${index + 1}` };
			}
		});

		const outcomes = Promise.all(['one', 'two', 'three', 'four'].map((content) => deliver(CHANNEL_A, content)));
		expect(sender.waiting(BigInt(CHANNEL_A))).to.equal(4);
		await clock.run();

		expect(await outcomes).to.deep.equal([sentWith('msg-1'), sentWith('msg-2'), sentWith('msg-3'), sentWith('msg-4')]);
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'one', at: 0 },
			{ to: CHANNEL_A, content: 'two', at: 0 },
			{ to: CHANNEL_A, content: 'three', at: 0 },
			{ to: CHANNEL_A, content: 'four', at: 0 }
		]);
		expect(claims.map((claim) => claim.content)).to.deep.equal(['one', 'two', 'three', 'four']);
		expect(inFlight).to.deep.equal([1, 1, 1, 1]);
		expect(sentIds.map((entry) => entry.messageId)).to.deep.equal(['msg-1', 'msg-2', 'msg-3', 'msg-4']);
		expect(sender.waiting()).to.equal(0);
	});

	it('keeps the interval between the starts of two sends to a channel while another channel goes at its own pace', async () => {
		const { sender, clock, sent, claims, deliver } = harness({ intervals: { [CHANNEL_A]: 1000, [CHANNEL_B]: 300 } });

		const outcomes = Promise.all([
			deliver(CHANNEL_A, 'a1'),
			deliver(CHANNEL_A, 'a2'),
			deliver(CHANNEL_B, 'b1'),
			deliver(CHANNEL_B, 'b2'),
			deliver(CHANNEL_B, 'b3'),
			deliver(CHANNEL_A, 'a3')
		]);
		await clock.run();
		expect((await outcomes).map((outcome) => outcome.status)).to.deep.equal(['sent', 'sent', 'sent', 'sent', 'sent', 'sent']);
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'a1', at: 0 },
			{ to: CHANNEL_B, content: 'b1', at: 0 },
			{ to: CHANNEL_B, content: 'b2', at: 300 },
			{ to: CHANNEL_B, content: 'b3', at: 600 },
			{ to: CHANNEL_A, content: 'a2', at: 1000 },
			{ to: CHANNEL_A, content: 'a3', at: 2000 }
		]);
		// Each claimed after the wait for its turn: a message never sits marked "being sent" behind others.
		expect(claims.map((claim) => [claim.content, claim.at])).to.deep.equal(sent().map((call) => [call.content, call.at]));

		// A message handed over after the channel went idle still waits for the rest of the interval.
		const late = deliver(CHANNEL_A, 'a4');
		await clock.run(2500);
		expect(sent()).to.have.length(6);
		await clock.run();
		expect(await late).to.deep.equal(sentWith('msg-7'));
		expect(sent()[6]).to.deep.equal({ to: CHANNEL_A, content: 'a4', at: 3000 });
		expect(sender.waiting()).to.equal(0);
	});

	it('reads the interval before every send, so a changed setting applies from the next send', async () => {
		const { clock, sent, intervals, deliver } = harness({ intervals: { [CHANNEL_A]: 1000 } });

		const outcomes = Promise.all(['x1', 'x2'].map((content) => deliver(CHANNEL_A, content)));
		await clock.run();
		intervals[CHANNEL_A] = 200;
		const later = Promise.all([deliver(CHANNEL_A, 'x3'), deliver(CHANNEL_A, 'x4')]);
		await clock.run();
		await Promise.all([outcomes, later]);

		expect(sent().map((call) => [call.content, call.at])).to.deep.equal([
			['x1', 0],
			['x2', 1000],
			['x3', 1200],
			['x4', 1400]
		]);
	});

	it('sends a 600-character message as 2 parts in order, only the first one as the reply, claimed once', async () => {
		const { sender, clock, calls, claims, deliver } = harness({ intervals: { [CHANNEL_A]: 1500 } });
		const first = `${'a'.repeat(299)} ${'b'.repeat(200)}`;
		const second = 'c'.repeat(99);
		const content = `${first} ${second}`;
		expect(content).to.have.length(600);

		const outcome = deliver(CHANNEL_A, content, { replyTo: 'viewer-msg-9' });
		const next = deliver(CHANNEL_A, 'after');
		expect(sender.waiting(BigInt(CHANNEL_A))).to.equal(2);
		await clock.run();

		expect(await outcome).to.deep.equal({ status: 'sent', messageIds: ['msg-1', 'msg-2'], attempts: 2 });
		expect(await next).to.deep.equal(sentWith('msg-3'));
		expect(calls).to.deep.equal([
			{ guildId: String(GUILD_A), broadcasterUserId: CHANNEL_A, content: first, replyToMessageId: 'viewer-msg-9', at: 0 },
			{ guildId: String(GUILD_A), broadcasterUserId: CHANNEL_A, content: second, replyToMessageId: undefined, at: 1500 },
			{ guildId: String(GUILD_A), broadcasterUserId: CHANNEL_A, content: 'after', replyToMessageId: undefined, at: 3000 }
		]);
		expect(claims.map((claim) => claim.at)).to.deep.equal([0, 3000]);
	});

	it('retries a retryable error in place after 1 s, keeping the interval, and the next message waits its turn', async () => {
		const { clock, sent, deliver } = harness({
			intervals: { [CHANNEL_A]: 400 },
			respond: (_call, index) =>
				index === 0 ? Promise.reject(new ApiError('Kick answered 503', true)) : Promise.resolve({ messageId: `msg-${index + 1}` })
		});

		const first = deliver(CHANNEL_A, 'first');
		const second = deliver(CHANNEL_A, 'second');
		await clock.run();

		expect(await first).to.deep.equal({ status: 'sent', messageIds: ['msg-2'], attempts: 2 });
		expect(await second).to.deep.equal(sentWith('msg-3'));
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'first', at: 0 },
			{ to: CHANNEL_A, content: 'first', at: 1000 },
			{ to: CHANNEL_A, content: 'second', at: 1400 }
		]);
	});

	it('waits for a Retry-After longer than the backoff', async () => {
		const { clock, sent, deliver } = harness({
			respond: (_call, index) => (index === 0 ? Promise.reject(new ApiError('Kick answered 429', true, 7000)) : Promise.resolve({ messageId: 'ok' }))
		});

		const outcome = deliver(CHANNEL_A, 'hello');
		await clock.run();

		expect(await outcome).to.deep.equal({ status: 'sent', messageIds: ['ok'], attempts: 2 });
		expect(sent().map((call) => call.at)).to.deep.equal([0, 7000]);
	});

	it('after maxAttempts failed sends reports the message as failed with its attempts, then goes on with the next one', async () => {
		const { clock, sent, deliver } = harness({
			maxAttempts: 3,
			intervals: { [CHANNEL_A]: 500 },
			respond: (call) =>
				call.content === 'doomed' ? Promise.reject(new ApiError('Kick answered 502', true)) : Promise.resolve({ messageId: `id-${call.content}` })
		});

		const doomed = deliver(CHANNEL_A, 'doomed');
		const next = deliver(CHANNEL_A, 'next');
		await clock.run();

		expect(await doomed).to.deep.equal({ status: 'failed', error: 'Kick answered 502', attempts: 3 });
		expect(await next).to.deep.equal(sentWith('id-next'));
		// Backoff 1 s then 2 s; the next message keeps the interval after the last attempt.
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'doomed', at: 0 },
			{ to: CHANNEL_A, content: 'doomed', at: 1000 },
			{ to: CHANNEL_A, content: 'doomed', at: 3000 },
			{ to: CHANNEL_A, content: 'next', at: 3500 }
		]);
	});

	it('names the part that failed when a message in several parts fails half-way', async () => {
		const { clock, deliver } = harness({
			respond: (call) =>
				call.content.startsWith('c') ? Promise.reject(new ApiError('Kick answered 400', false)) : Promise.resolve({ messageId: 'first-part' })
		});

		const outcome = deliver(CHANNEL_A, `${'a'.repeat(499)} ${'c'.repeat(20)}`);
		await clock.run();

		expect(await outcome).to.deep.equal({ status: 'failed', error: 'part 2 of 2: Kick answered 400', attempts: 2 });
	});

	it('fails a non-retryable error at once; a part Kick gave no id to counts as sent', async () => {
		const { clock, sent, deliver } = harness({
			intervals: { [CHANNEL_A]: 250 },
			respond: (call) => (call.content === 'denied' ? Promise.reject(new ApiError('Kick answered 401', false)) : Promise.resolve({ messageId: null }))
		});

		const denied = deliver(CHANNEL_A, 'denied');
		const next = deliver(CHANNEL_A, 'next');
		await clock.run();

		expect(await denied).to.deep.equal({ status: 'failed', error: 'Kick answered 401', attempts: 1 });
		expect(await next).to.deep.equal({ status: 'sent', messageIds: [], attempts: 1 });
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'denied', at: 0 },
			{ to: CHANNEL_A, content: 'next', at: 250 }
		]);
	});

	it('treats an error without retryable: true as final, and a custom isRetryable decides otherwise', async () => {
		const plain = harness({ respond: () => Promise.reject(new Error('socket hang up')) });
		const plainOutcome = plain.deliver(CHANNEL_A, 'hi');
		await plain.clock.run();
		expect(await plainOutcome).to.deep.equal({ status: 'failed', error: 'socket hang up', attempts: 1 });
		expect(plain.sent().map((call) => call.at)).to.deep.equal([0]);

		const custom = harness({
			maxAttempts: 2,
			isRetryable: (error) => error instanceof Error && error.message === 'socket hang up',
			retryDelayMs: (attempt) => attempt * 10,
			respond: () => Promise.reject(new Error('socket hang up'))
		});
		const customOutcome = custom.deliver(CHANNEL_A, 'hi');
		await custom.clock.run();
		expect(await customOutcome).to.deep.equal({ status: 'failed', error: 'socket hang up', attempts: 2 });
		expect(custom.sent().map((call) => call.at)).to.deep.equal([0, 10]);
	});

	it('never sends a message that went stale while it waited its turn, nor claims it', async () => {
		const { clock, sent, claims, deliver } = harness({ intervals: { [CHANNEL_A]: 1000 } });

		const first = deliver(CHANNEL_A, 'first');
		const stale = deliver(CHANNEL_A, 'stale', { expiresAt: new Date(500) });
		const fresh = deliver(CHANNEL_A, 'fresh', { expiresAt: new Date(5000) });
		await clock.run();

		expect(await first).to.deep.equal(sentWith('msg-1'));
		expect(await stale).to.deep.equal({ status: 'expired' });
		expect(await fresh).to.deep.equal(sentWith('msg-2'));
		expect(sent().map((call) => [call.content, call.at])).to.deep.equal([
			['first', 0],
			['fresh', 1000]
		]);
		expect(claims.map((claim) => claim.content)).to.deep.equal(['first', 'fresh']);
	});

	it('sends nothing when the claim is refused (another process took the message over) or cannot be made (the database is away)', async () => {
		const { clock, sent, deliver } = harness({
			claim: (content) =>
				content === 'taken' ? Promise.resolve(false) : content === 'unmarked' ? Promise.reject(new Error('database away')) : Promise.resolve(true)
		});

		const outcomes = Promise.all([deliver(CHANNEL_A, 'taken'), deliver(CHANNEL_A, 'unmarked'), deliver(CHANNEL_A, 'mine')]);
		await clock.run();

		expect(await outcomes).to.deep.equal([{ status: 'lost' }, { status: 'released' }, sentWith('msg-1')]);
		expect(sent().map((call) => call.content)).to.deep.equal(['mine']);
	});

	it('close lets the send under way finish, releases what waits and what comes after, and leaves no sleep behind', async () => {
		const held = deferred<{ messageId: string | null }>();
		const { sender, clock, sent, deliver } = harness({
			intervals: { [CHANNEL_A]: 1000, [CHANNEL_B]: 1000 },
			respond: (call) => (call.content === 'a1' ? held.promise : Promise.resolve({ messageId: `id-${call.content}` }))
		});

		const a1 = deliver(CHANNEL_A, 'a1');
		const a2 = deliver(CHANNEL_A, 'a2');
		const b1 = deliver(CHANNEL_B, 'b1');
		const b2 = deliver(CHANNEL_B, 'b2');
		await clock.run(400);
		expect(clock.sleeping).to.equal(1);

		let closed = false;
		const closing = sender.close(0).then(() => {
			closed = true;
		});
		// Past the (empty) grace period: from now on nothing new starts.
		await new Promise((resolve) => setTimeout(resolve, 20));
		await clock.run();
		// a1 is still being sent: close waits for it.
		expect(closed).to.equal(false);
		expect(await deliver(CHANNEL_A, 'too late')).to.deep.equal({ status: 'released' });

		held.resolve({ messageId: 'id-a1' });
		await closing;

		expect(await a1).to.deep.equal(sentWith('id-a1'));
		expect(await a2).to.deep.equal({ status: 'released' });
		expect(await b1).to.deep.equal(sentWith('id-b1'));
		expect(await b2).to.deep.equal({ status: 'released' });
		expect(sent()).to.deep.equal([
			{ to: CHANNEL_A, content: 'a1', at: 0 },
			{ to: CHANNEL_B, content: 'b1', at: 0 }
		]);
		expect(clock.sleeping).to.equal(0);
		expect(sender.waiting()).to.equal(0);
	});

	it('close fails a claimed message waiting to be retried, with the attempts it had: it may not be sent again', async () => {
		const { sender, clock, sent, deliver } = harness({ respond: () => Promise.reject(new ApiError('Kick answered 500', true)) });

		const outcome = deliver(CHANNEL_A, 'unlucky');
		await clock.run(500);
		await sender.close(0);

		expect(await outcome).to.deep.equal({ status: 'failed', error: 'the bot stopped before it could be posted', attempts: 1 });
		expect(sent()).to.deep.equal([{ to: CHANNEL_A, content: 'unlucky', at: 0 }]);
		expect(clock.sleeping).to.equal(0);
	});

	it('close keeps sending for its grace period, then stops, with the system clock, clearing its timers', async () => {
		const sends: string[] = [];
		const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		// Measured after a turn, once Mocha has armed its own timeout for this test.
		await nextTurn();
		const before = timers();
		const sender = new KickChatSender({
			send: (part) => {
				sends.push(part.content);
				return Promise.resolve({ messageId: null });
			},
			minIntervalMs: () => 150
		});
		const record = (content: string, id: bigint): OutboxRecord => ({
			id,
			guildId: GUILD_A,
			destination: 'kick_chat',
			targetId: BigInt(CHANNEL_A),
			kind: 'reply',
			dedupeKey: content,
			content,
			expiresAt: FAR_FUTURE,
			attempts: 0
		});

		const outcomes = Promise.all(
			['now', 'soon', 'in a minute'].map((content, index) => sender.deliver(record(content, BigInt(index + 1)), async () => true))
		);
		await nextTurn();
		const started = Date.now();
		// 250 ms of grace: 'now' at 0 and 'soon' at 150 ms go out, 'in a minute' (due at 300 ms) is released.
		await sender.close(250);

		expect(Date.now() - started).to.be.within(200, 1000);
		expect(timers()).to.equal(before);
		expect((await outcomes).map((outcome) => outcome.status)).to.deep.equal(['sent', 'sent', 'released']);
		expect(sends).to.deep.equal(['now', 'soon']);
	});

	it('a throwing onSent is logged and the queue goes on', async () => {
		const logged: unknown[][] = [];
		const { clock, sent, deliver } = harness({
			logger: { error: (...values) => logged.push([...values]) },
			onSent: () => {
				throw new Error('onSent broke');
			}
		});

		const outcomes = Promise.all([deliver(CHANNEL_A, 'one'), deliver(CHANNEL_A, 'two')]);
		await clock.run();

		expect((await outcomes).map((outcome) => outcome.status)).to.deep.equal(['sent', 'sent']);
		expect(sent().map((call) => call.content)).to.deep.equal(['one', 'two']);
		expect(logged.map((values) => [values[0], (values[1] as Error).message])).to.deep.equal([
			['Kick chat: the onSent callback threw:', 'onSent broke'],
			['Kick chat: the onSent callback threw:', 'onSent broke']
		]);
	});

	it('an empty message is never claimed nor sent', async () => {
		const { clock, sent, claims, deliver } = harness();

		const outcome = deliver(CHANNEL_A, '  \n ');
		await clock.run();
		expect(await outcome).to.deep.equal({ status: 'failed', error: 'nothing to post (an empty message)', attempts: 0 });
		expect(sent()).to.deep.equal([]);
		expect(claims).to.deep.equal([]);
	});
});
