import { expect } from 'chai';
import { GroupCommit } from '#lib/database/GroupCommit';
import { ManualTimer } from '#test/helpers/manualTimer';

/** Resolves once the promises queued so far have run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit: a window of time and a size limit per write', () => {
	let timer: ManualTimer;
	let writes: number[][];
	let release: (() => void) | undefined;

	const groupCommit = (options: { maxBatch: number; windowMs: number; hold?: boolean }) =>
		new GroupCommit<number, string>(
			async (items) => {
				writes.push([...items]);
				if (options.hold) await new Promise<void>((resolve) => (release = resolve));
				return items.map((item) => `wrote ${item}`);
			},
			{ maxBatch: options.maxBatch, windowMs: options.windowMs, timer: timer.timer }
		);

	beforeEach(() => {
		timer = new ManualTimer();
		writes = [];
		release = undefined;
	});

	it('writes what came in during the window once it closes (the time limit), one statement for all, each with its own result', async () => {
		const batch = groupCommit({ maxBatch: 10, windowMs: 5 });

		const results = [batch.submit(1), batch.submit(2), batch.submit(3)];
		await settle();
		expect(writes, 'nothing before the window closes').to.deep.equal([]);
		expect(timer.pending.map((entry) => entry.ms)).to.deep.equal([5]);

		timer.fire();
		expect(await Promise.all(results)).to.deep.equal(['wrote 1', 'wrote 2', 'wrote 3']);
		expect(writes).to.deep.equal([[1, 2, 3]]);
	});

	it('writes a full batch at once without waiting out its window (the size limit), and the rest when their window closes', async () => {
		const batch = groupCommit({ maxBatch: 3, windowMs: 5 });

		const full = [batch.submit(1), batch.submit(2), batch.submit(3)];
		expect(await Promise.all(full)).to.deep.equal(['wrote 1', 'wrote 2', 'wrote 3']);
		expect(writes).to.deep.equal([[1, 2, 3]]);
		expect(timer.open, 'the window of the first item was closed by the full batch').to.equal(0);

		const rest = batch.submit(4);
		await settle();
		expect(writes).to.have.length(1);
		timer.fire();
		expect(await rest).to.equal('wrote 4');
		expect(writes).to.deep.equal([[1, 2, 3], [4]]);
	});

	it('runs one write at a time: what comes in meanwhile waits for it, then goes out in batches of at most the size limit', async () => {
		const batch = groupCommit({ maxBatch: 2, windowMs: 5, hold: true });
		const first = batch.submit(1);
		timer.fire();
		await settle();
		expect(writes).to.deep.equal([[1]]);

		const meanwhile = [batch.submit(2), batch.submit(3), batch.submit(4)];
		await settle();
		expect(writes, 'no second write while the first runs').to.have.length(1);
		expect(timer.open, 'no window opens while a write runs').to.equal(0);

		release!();
		await first;
		await settle();
		expect(writes, 'a full batch goes out at once after the write').to.deep.equal([[1], [2, 3]]);
		release!();
		await settle();
		timer.fire();
		await settle();
		release!();
		expect(await Promise.all(meanwhile)).to.deep.equal(['wrote 2', 'wrote 3', 'wrote 4']);
		expect(writes).to.deep.equal([[1], [2, 3], [4]]);
	});

	it('rejects every item of a write that failed, and writes the next ones', async () => {
		let fail = true;
		const batch = new GroupCommit<number, number>(
			async (items) => {
				if (fail) throw new Error('the database is away');
				return items.map((item) => item * 10);
			},
			{ windowMs: 5, timer: timer.timer }
		);
		const failed = [batch.submit(1), batch.submit(2)].map((result) => result.catch((error: Error) => error.message));
		timer.fire();
		expect(await Promise.all(failed)).to.deep.equal(['the database is away', 'the database is away']);

		fail = false;
		const next = batch.submit(3);
		timer.fire();
		expect(await next).to.equal(30);
	});

	it('settled() writes what waits in an open window at once', async () => {
		const batch = groupCommit({ maxBatch: 10, windowMs: 60_000 });
		const result = batch.submit(7);

		await batch.settled();

		expect(await result).to.equal('wrote 7');
		expect(writes).to.deep.equal([[7]]);
		expect(timer.open).to.equal(0);
	});
});
