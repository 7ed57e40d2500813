import { expect } from 'chai';
import type { Database } from '#lib/database/Database';
import { Outbox } from '#lib/outbox/Outbox';
import type { DeliveryOutcome, NewOutboxMessage, OutboxCourier, OutboxRecord } from '#lib/outbox/OutboxMessage';
import type { OutboxInsert } from '#lib/outbox/OutboxStore';
import { engines, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { emptyDatabase, execute, GUILD_A, GUILD_B, selectRows } from '#test/kick/kickTestDatabase';

const CHANNEL = 4242n;
const OTHER_CHANNEL = 5151n;
const LEASE_MS = 30_000;
const inAMinute = () => new Date(Date.now() + 60_000);

function message(guildId: bigint, dedupeKey: string, extra: Partial<OutboxInsert> = {}): OutboxInsert {
	return {
		guildId,
		destination: 'kick_chat',
		targetId: CHANNEL,
		kind: 'reply',
		dedupeKey,
		content: `answer ${dedupeKey}`,
		expiresAt: inAMinute(),
		status: 'pending',
		...extra
	};
}

interface Row {
	key: string;
	guild: string;
	status: string;
	owner: string | null;
	attempts: number;
	error: string | null;
	sent: string | null;
	finished: boolean;
}

const rows = (database: Database) =>
	selectRows<Row>(
		database,
		`SELECT dedupe_key AS key, discord_server_id::text AS guild, status, owner, attempts, error, sent_message_id AS sent, finished_at IS NOT NULL AS finished
		FROM outbox_messages ORDER BY id`
	);

/** Makes every lease run out now, as if their owners had stopped renewing them a while ago. */
const leasesRunOut = (database: Database) =>
	execute(database, `UPDATE outbox_messages SET leased_until = now() - interval '1 second' WHERE leased_until IS NOT NULL`);

for (const engine of engines) {
	describe(`Outbox store (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: Database;

		before(async () => {
			migrated = await openMigratedDatabase(engine, 'outbox_store');
			database = migrated.database;
		});
		after(() => migrated?.close());
		beforeEach(() => emptyDatabase(database));

		it('records a batch in one statement, each leased to its owner; a (server, key) already recorded, or twice in the batch, is a duplicate', async () => {
			const first = await database.outbox.insert([message(GUILD_A, 'k1'), message(GUILD_A, 'k2')], 'process-1', LEASE_MS);
			expect(first.map((id) => typeof id)).to.deep.equal(['bigint', 'bigint']);

			const second = await database.outbox.insert(
				[message(GUILD_A, 'k1'), message(GUILD_B, 'k1'), message(GUILD_B, 'k3'), message(GUILD_B, 'k3')],
				'process-2',
				LEASE_MS
			);
			expect(second.map((id) => id !== null)).to.deep.equal([false, true, true, false]);

			expect((await rows(database)).map((row) => [row.guild, row.key, row.status, row.owner])).to.deep.equal([
				[String(GUILD_A), 'k1', 'pending', 'process-1'],
				[String(GUILD_A), 'k2', 'pending', 'process-1'],
				[String(GUILD_B), 'k1', 'pending', 'process-2'],
				[String(GUILD_B), 'k3', 'pending', 'process-2']
			]);
		});

		it('records a dropped or expired message as ended, owned by nobody', async () => {
			await database.outbox.insert(
				[
					message(GUILD_A, 'full', { status: 'dropped', error: 'queue full' }),
					message(GUILD_A, 'old', { status: 'expired', error: 'too old', expiresAt: new Date(0) })
				],
				'process-1',
				LEASE_MS
			);
			expect((await rows(database)).map((row) => [row.key, row.status, row.owner, row.error, row.finished])).to.deep.equal([
				['full', 'dropped', null, 'queue full', true],
				['old', 'expired', null, 'too old', true]
			]);
		});

		it('marks as being sent only the messages its owner still holds', async () => {
			const [mine, theirs] = await database.outbox
				.insert([message(GUILD_A, 'mine')], 'process-1', LEASE_MS)
				.then(async (ids) => [ids[0]!, (await database.outbox.insert([message(GUILD_A, 'theirs')], 'process-2', LEASE_MS))[0]!]);

			const held = await database.outbox.markSending([mine!, theirs!], 'process-1');
			expect([...held]).to.deep.equal([mine]);
			expect([...(await database.outbox.markSending([mine!], 'process-1'))], 'once').to.deep.equal([]);
			expect((await rows(database)).map((row) => [row.key, row.status, row.attempts])).to.deep.equal([
				['mine', 'sending', 1],
				['theirs', 'pending', 0]
			]);
		});

		it('records how messages ended, in one statement', async () => {
			const [sent, failed] = await database.outbox.insert([message(GUILD_A, 'sent'), message(GUILD_A, 'failed')], 'process-1', LEASE_MS);
			await database.outbox.markSending([sent!, failed!], 'process-1');

			await database.outbox.finish([
				{ id: sent!, status: 'sent', sentMessageIds: ['kick-1', 'kick-2'], attempts: 2 },
				{ id: failed!, status: 'failed', error: 'Kick answered 400', attempts: 3 }
			]);

			expect((await rows(database)).map((row) => [row.key, row.status, row.sent, row.error, row.attempts, row.finished])).to.deep.equal([
				['sent', 'sent', 'kick-1,kick-2', null, 2, true],
				['failed', 'failed', null, 'Kick answered 400', 3, true]
			]);
		});

		it('takes over the messages of a stopped owner: fresh pending ones to send, stale ones expired, ones being sent interrupted, never again', async () => {
			const ids = await database.outbox.insert(
				[message(GUILD_A, 'fresh'), message(GUILD_A, 'stale'), message(GUILD_B, 'in-flight'), message(GUILD_B, 'alive')],
				'stopped',
				LEASE_MS
			);
			await database.outbox.markSending([ids[2]!], 'stopped');
			await leasesRunOut(database);
			await execute(database, `UPDATE outbox_messages SET expires_at = now() - interval '1 second' WHERE dedupe_key = 'stale'`);
			// Still leased by a process that is alive.
			await execute(database, `UPDATE outbox_messages SET owner = 'alive', leased_until = now() + interval '30 seconds' WHERE dedupe_key = 'alive'`);

			const taken = await database.outbox.takeOver('taker', LEASE_MS, 100);

			expect(taken.pending.map((record) => [record.guildId, record.dedupeKey, record.content, record.targetId])).to.deep.equal([
				[GUILD_A, 'fresh', 'answer fresh', CHANNEL]
			]);
			expect({ interrupted: taken.interrupted, expired: taken.expired }).to.deep.equal({ interrupted: 1, expired: 1 });
			expect((await rows(database)).map((row) => [row.key, row.status, row.owner, row.finished])).to.deep.equal([
				['fresh', 'pending', 'taker', false],
				['stale', 'expired', 'taker', true],
				['in-flight', 'interrupted', 'taker', true],
				['alive', 'pending', 'alive', false]
			]);
			expect((await database.outbox.takeOver('someone else', LEASE_MS, 100)).pending, 'the taker holds it now').to.deep.equal([]);
		});

		it('renews the leases of its owner only, and releases its pending messages at once when it stops', async () => {
			await database.outbox.insert([message(GUILD_A, 'a')], 'process-1', LEASE_MS);
			await database.outbox.insert([message(GUILD_A, 'b')], 'process-2', LEASE_MS);
			await leasesRunOut(database);

			expect(await database.outbox.renew('process-1', LEASE_MS)).to.equal(1);
			expect((await database.outbox.takeOver('taker', LEASE_MS, 100)).pending.map((record) => record.dedupeKey)).to.deep.equal(['b']);

			expect(await database.outbox.release('taker')).to.equal(1);
			expect((await database.outbox.takeOver('next', LEASE_MS, 100)).pending.map((record) => record.dedupeKey)).to.deep.equal(['b']);
		});

		it('prunes ended messages older than the given time only', async () => {
			await database.outbox.insert(
				[message(GUILD_A, 'old', { status: 'dropped' }), message(GUILD_A, 'new', { status: 'dropped' }), message(GUILD_A, 'open')],
				'p',
				LEASE_MS
			);
			await execute(database, `UPDATE outbox_messages SET finished_at = now() - interval '8 days' WHERE dedupe_key = 'old'`);

			expect(await database.outbox.prune(new Date(Date.now() - 7 * 24 * 3600_000))).to.equal(1);
			expect((await rows(database)).map((row) => row.key)).to.deep.equal(['new', 'open']);
		});

		it('summarises one server’s messages for its moderators, and never another’s', async () => {
			const ids = await database.outbox.insert(
				[
					message(GUILD_A, 'ok-1'),
					message(GUILD_A, 'ok-2'),
					message(GUILD_A, 'bad'),
					message(GUILD_A, 'waiting'),
					message(GUILD_A, 'full', { status: 'dropped', error: 'queue full' })
				],
				'p',
				LEASE_MS
			);
			await database.outbox.insert(
				[message(GUILD_B, 'b-bad'), message(GUILD_B, 'discord', { destination: 'discord_channel', targetId: 900000000000000001n })],
				'p',
				LEASE_MS
			);
			await database.outbox.markSending([ids[0]!, ids[1]!, ids[2]!], 'p');
			await database.outbox.finish([
				{ id: ids[0]!, status: 'sent' },
				{ id: ids[1]!, status: 'sent' },
				{ id: ids[2]!, status: 'failed', error: 'Kick answered 500' }
			]);
			const since = new Date(Date.now() - 60_000);

			const summary = await database.forGuild(GUILD_A).outbox.summary('kick_chat', since);
			expect(summary.ended).to.deep.equal({ sent: 2, failed: 1, dropped: 1 });
			expect(summary.waiting).to.equal(1);
			expect(summary.latestUndelivered).to.deep.include({ content: 'answer bad', error: 'Kick answered 500', status: 'failed' });

			const other = await database.forGuild(GUILD_B).outbox.summary('kick_chat', since);
			expect(other).to.deep.equal({ ended: {}, waiting: 1, latestUndelivered: null });
			expect((await database.forGuild(GUILD_B).outbox.summary('discord_channel', since)).waiting).to.equal(1);
		});
	});
}

/** A courier that records what it is handed; it sends at once, or holds everything while `hold` is set. */
class RecordingCourier implements OutboxCourier {
	public readonly destination = 'kick_chat';
	public readonly delivered: OutboxRecord[] = [];
	public hold = false;
	private readonly held: { record: OutboxRecord; claim: () => Promise<boolean>; settle: (outcome: DeliveryOutcome) => void }[] = [];

	public async deliver(record: OutboxRecord, claim: () => Promise<boolean>): Promise<DeliveryOutcome> {
		if (this.hold) return new Promise((settle) => this.held.push({ record, claim, settle }));
		return this.send(record, claim);
	}

	/** Sends what was held. */
	public async flush(): Promise<void> {
		this.hold = false;
		for (const { record, claim, settle } of this.held.splice(0)) settle(await this.send(record, claim));
	}

	/** Claims the held messages (as the real courier does right before posting) and never finishes them: a process dying mid-send. */
	public async claimHeldAndHang(): Promise<void> {
		for (const { claim } of this.held) await claim();
	}

	public waiting(targetId: bigint): number {
		return this.held.filter((entry) => entry.record.targetId === targetId).length;
	}

	public async close(): Promise<void> {
		for (const { settle } of this.held.splice(0)) settle({ status: 'released' });
	}

	private async send(record: OutboxRecord, claim: () => Promise<boolean>): Promise<DeliveryOutcome> {
		if (!(await claim())) return { status: 'lost' };
		this.delivered.push(record);
		return { status: 'sent', messageIds: [`kick-${record.dedupeKey}`], attempts: 1 };
	}
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Outbox on PostgreSQL', () => {
	let migrated: MigratedDatabase;
	let database: Database;
	const outboxes: Outbox[] = [];

	const open = (owner: string, courier: OutboxCourier, extra: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) => {
		const outbox = new Outbox({ store: database.outbox, couriers: [courier], logger: quiet, owner, ...extra });
		outboxes.push(outbox);
		return outbox;
	};
	const post = (outbox: Outbox, dedupeKey: string, extra: Partial<NewOutboxMessage> = {}) =>
		outbox.post({
			guildId: GUILD_A,
			destination: 'kick_chat',
			targetId: CHANNEL,
			kind: 'reply',
			dedupeKey,
			content: `answer ${dedupeKey}`,
			expiresAt: inAMinute(),
			...extra
		});
	const until = async (check: () => Promise<boolean>) => {
		for (let tries = 0; tries < 200 && !(await check()); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
	};
	const statusOf = async (key: string) => (await rows(database)).find((row) => row.key === key)?.status;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'outbox');
		database = migrated.database;
	});
	after(() => migrated?.close());
	beforeEach(() => emptyDatabase(database));
	afterEach(async () => {
		for (const outbox of outboxes.splice(0)) await outbox.close(0);
	});

	it('records a message, has it sent, and records that it was sent', async () => {
		const courier = new RecordingCourier();
		const outbox = open('p1', courier);

		const accepted = await post(outbox, 'hello');

		expect(accepted.status).to.equal('accepted');
		await until(async () => (await statusOf('hello')) === 'sent');
		expect((await rows(database)).map((row) => [row.key, row.status, row.attempts, row.sent])).to.deep.equal([['hello', 'sent', 1, 'kick-hello']]);
		expect(courier.delivered.map((record) => record.content)).to.deep.equal(['answer hello']);
	});

	it('adds nothing for work done again (the same key), and sends it once', async () => {
		const courier = new RecordingCourier();
		const outbox = open('p1', courier);

		const outcomes = await Promise.all([post(outbox, 'same'), post(outbox, 'same'), post(outbox, 'same')]);

		expect(outcomes.map((outcome) => outcome.status).sort()).to.deep.equal(['accepted', 'duplicate', 'duplicate']);
		expect(await post(outbox, 'same')).to.deep.equal({ status: 'duplicate' });
		await until(async () => (await statusOf('same')) === 'sent');
		expect(courier.delivered).to.have.length(1);
	});

	it('records messages of a burst in a few statements, not one each', async () => {
		const courier = new RecordingCourier();
		courier.hold = true;
		const outbox = open('p1', courier, { maxWaitingPerTarget: 1000 });
		const store = database.outbox;
		const insert = store.insert.bind(store);
		const batches: number[] = [];
		store.insert = async (messages, owner, leaseMs) => {
			batches.push(messages.length);
			return insert(messages, owner, leaseMs);
		};
		try {
			const outcomes = await Promise.all(Array.from({ length: 200 }, (_, index) => post(outbox, `burst-${index}`)));
			expect(outcomes.every((outcome) => outcome.status === 'accepted')).to.equal(true);
		} finally {
			store.insert = insert;
		}

		expect(batches.reduce((sum, size) => sum + size, 0)).to.equal(200);
		expect(batches.length, `batches: ${batches.join(', ')}`).to.be.at.most(3);
		expect((await rows(database)).filter((row) => row.status === 'pending')).to.have.length(200);
		await courier.flush();
	});

	it('records as dropped what comes past the waiting limit of its destination, and sends the rest', async () => {
		const courier = new RecordingCourier();
		courier.hold = true;
		const outbox = open('p1', courier, { maxWaitingPerTarget: 2 });

		for (const key of ['m1', 'm2', 'm3']) expect((await post(outbox, key)).status).to.equal(key === 'm3' ? 'dropped' : 'accepted');
		expect((await post(outbox, 'other', { targetId: OTHER_CHANNEL })).status, 'another channel has its own limit').to.equal('accepted');
		await courier.flush();

		await until(async () => (await rows(database)).every((row) => row.finished));
		expect((await rows(database)).map((row) => [row.key, row.status, row.error])).to.deep.equal([
			['m1', 'sent', null],
			['m2', 'sent', null],
			['m3', 'dropped', 'more than 2 messages were waiting for this destination'],
			['other', 'sent', null]
		]);
	});

	it('records as expired a message already too old when it is handed over, and never sends it', async () => {
		const courier = new RecordingCourier();
		const outbox = open('p1', courier);

		expect(await post(outbox, 'late', { expiresAt: new Date(Date.now() - 1) })).to.deep.equal({ status: 'expired' });
		expect((await rows(database)).map((row) => [row.key, row.status])).to.deep.equal([['late', 'expired']]);
		expect(courier.delivered).to.deep.equal([]);
	});

	it('refuses a message without content, recording nothing', async () => {
		const outbox = open('p1', new RecordingCourier());
		const error = await post(outbox, 'empty', { content: ' ' }).then(
			() => null,
			(reason: unknown) => reason
		);
		expect(error).to.be.an.instanceOf(TypeError);
		expect(await rows(database)).to.deep.equal([]);
	});

	it('after a crash: another process sends what was waiting, once; what was being sent is recorded as interrupted and never sent again', async () => {
		const crashed = new RecordingCourier();
		crashed.hold = true;
		const dead = new Outbox({ store: database.outbox, couriers: [crashed], logger: quiet, owner: 'dead', leaseMs: 200 });
		await post(dead, 'waiting');
		await post(dead, 'mid-send');
		// The process claims one message (marked as being sent), then dies: no close, no renewal.
		const heldFirst = (crashed as unknown as { held: { record: OutboxRecord; claim: () => Promise<boolean> }[] }).held;
		await heldFirst.find((entry) => entry.record.dedupeKey === 'mid-send')!.claim();

		const survivor = new RecordingCourier();
		const alive = open('alive', survivor, { leaseMs: LEASE_MS, takeOverEveryMs: 50 });
		alive.start();
		await until(async () => (await statusOf('waiting')) === 'sent' && (await statusOf('mid-send')) === 'interrupted');

		expect((await rows(database)).map((row) => [row.key, row.status, row.owner])).to.deep.equal([
			['waiting', 'sent', 'alive'],
			['mid-send', 'interrupted', 'alive']
		]);
		expect(survivor.delivered.map((record) => record.dedupeKey)).to.deep.equal(['waiting']);
		// The dead process's courier coming back to life cannot send them: they are not its own any more.
		await crashed.flush();
		expect(crashed.delivered).to.deep.equal([]);
	});

	it('on close, sends within the grace period, then leaves the rest to the next process at once (no lease to wait out)', async () => {
		const courier = new RecordingCourier();
		courier.hold = true;
		const stopping = new Outbox({ store: database.outbox, couriers: [courier], logger: quiet, owner: 'stopping', leaseMs: LEASE_MS });
		await post(stopping, 'left');
		await stopping.close(0);
		expect((await rows(database)).map((row) => [row.key, row.status])).to.deep.equal([['left', 'pending']]);

		const next = new RecordingCourier();
		const restarted = open('restarted', next, { leaseMs: LEASE_MS });
		await restarted.takeOver();
		await until(async () => (await statusOf('left')) === 'sent');
		expect(next.delivered.map((record) => record.dedupeKey)).to.deep.equal(['left']);
	});

	it('two processes taking over at once send each left message once', async () => {
		const dead = new Outbox({
			store: database.outbox,
			couriers: [Object.assign(new RecordingCourier(), { hold: true })],
			logger: quiet,
			owner: 'dead',
			leaseMs: 100
		});
		for (let index = 0; index < 40; index++) await post(dead, `left-${index}`);
		await leasesRunOut(database);
		const [first, second] = [new RecordingCourier(), new RecordingCourier()];
		const [one, two] = [open('one', first), open('two', second)];

		await Promise.all([one.takeOver(), two.takeOver()]);
		await until(async () => (await rows(database)).every((row) => row.status === 'sent'));

		const sent = [...first.delivered, ...second.delivered].map((record) => record.dedupeKey).sort();
		expect(sent).to.have.length(40);
		expect(new Set(sent).size).to.equal(40);
	});
});
