import { expect } from 'chai';
import { forEachAtOnce } from '#lib/tasks/forEachAtOnce';
import { rejection } from '#test/helpers/rejection';

/** A piece of work that finishes when the test says so, and records how many ran at once. */
function gatedWork() {
	const gates = new Map<number, () => void>();
	const started: number[] = [];
	let running = 0;
	let mostAtOnce = 0;
	const work = async (item: number) => {
		started.push(item);
		running++;
		mostAtOnce = Math.max(mostAtOnce, running);
		await new Promise<void>((resolve) => gates.set(item, resolve));
		running--;
	};
	return { work, started, gates, mostAtOnce: () => mostAtOnce };
}

/** Lets the promise callbacks queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachAtOnce (GuildTask’s serversAtOnce)', () => {
	it('runs at most `atOnce` items at a time, starting the next one as soon as one ends, in order', async () => {
		const { work, started, gates, mostAtOnce } = gatedWork();
		const done = forEachAtOnce([1, 2, 3, 4, 5], 2, work);
		await settle();
		expect(started).to.deep.equal([1, 2]);
		gates.get(2)!();
		await settle();
		expect(started).to.deep.equal([1, 2, 3]);
		for (const item of [1, 3, 4, 5]) {
			gates.get(item)?.();
			await settle();
		}
		await done;
		expect(started).to.deep.equal([1, 2, 3, 4, 5]);
		expect(mostAtOnce()).to.equal(2);
	});

	it('one after another with 1, and every item at once when `atOnce` exceeds them', async () => {
		const one = gatedWork();
		const sequential = forEachAtOnce([1, 2, 3], 1, one.work);
		for (const item of [1, 2, 3]) {
			await settle();
			expect(one.started.at(-1)).to.equal(item);
			one.gates.get(item)!();
		}
		await sequential;
		expect(one.mostAtOnce()).to.equal(1);

		const all = gatedWork();
		const parallel = forEachAtOnce([1, 2, 3], 50, all.work);
		await settle();
		expect(all.started).to.deep.equal([1, 2, 3]);
		for (const item of [1, 2, 3]) all.gates.get(item)!();
		await parallel;
		await forEachAtOnce([], 4, () => Promise.reject(new Error('never called')));
	});

	it('runs every item when one fails, then throws the first failure', async () => {
		const ran: number[] = [];
		const failure = await rejection(
			forEachAtOnce([1, 2, 3, 4], 2, async (item) => {
				ran.push(item);
				if (item % 2 === 0) throw new Error(`item ${item} failed`);
			})
		);
		expect(ran.sort()).to.deep.equal([1, 2, 3, 4]);
		expect((failure as Error).message).to.equal('item 2 failed');
	});

	it('refuses an `atOnce` that is not a whole number from 1', async () => {
		for (const atOnce of [0, -1, 1.5, Number.NaN]) expect(await rejection(forEachAtOnce([1], atOnce, async () => undefined))).to.be.instanceOf(TypeError);
	});
});
