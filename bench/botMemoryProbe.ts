import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

/**
 * Loaded into the bot under the `scale` bench (`node --expose-gc --import …/botMemoryProbe.js
 * dist/src/index.js`), never by the bot itself: answers the bench over the IPC channel with the
 * process's memory as it is and after full garbage collections, or writes a heap snapshot.
 */

export interface MemoryFigures {
	readonly rss: number;
	readonly heapTotal: number;
	readonly heapUsed: number;
	readonly external: number;
	/** Bytes each V8 heap space holds from the system (new, old, code, large objects, …). */
	readonly spaces: Readonly<Record<string, number>>;
	/** Resident bytes by kind of mapping (Linux): files (the node binary, libraries), the main malloc heap, the rest anonymous. */
	readonly mapped: { readonly files: number; readonly mallocHeap: number; readonly anonymous: number } | undefined;
}

export type ProbeRequest = { readonly kind: 'memory' } | { readonly kind: 'sweepMembers' } | { readonly kind: 'snapshot'; readonly path: string };
export type ProbeAnswer =
	| { readonly kind: 'memory'; readonly asIs: MemoryFigures; readonly afterGc: MemoryFigures }
	| { readonly kind: 'sweepMembers'; readonly swept: number }
	| { readonly kind: 'snapshot'; readonly path: string };

function mapped(): MemoryFigures['mapped'] {
	let smaps: string;
	try {
		smaps = readFileSync('/proc/self/smaps', 'utf8');
	} catch {
		return undefined;
	}
	const totals = { files: 0, mallocHeap: 0, anonymous: 0 };
	let kind: keyof typeof totals = 'anonymous';
	for (const line of smaps.split('\n')) {
		const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
		if (mapping !== null) kind = mapping[1]!.startsWith('/') ? 'files' : mapping[1] === '[heap]' ? 'mallocHeap' : 'anonymous';
		else if (line.startsWith('Rss:')) totals[kind] += Number(/(\d+)/.exec(line)![1]) * 1024;
	}
	// A match keeps its whole subject (the smaps text) alive as the last match: match something small instead.
	/x/.exec('x');
	return totals;
}

function figures(): MemoryFigures {
	const usage = process.memoryUsage();
	const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]));
	return { rss: usage.rss, heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, spaces, mapped: mapped() };
}

/** Runs the bot's own member sweep (its client's `sweepers.guildMembers`) now rather than at its interval. @returns the members swept. */
async function sweepMembers(): Promise<number> {
	// Loaded by the bot already; the probe asks for it only now, so it changes nothing in the bot's start.
	const { container } = await import('@sapphire/framework');
	const { client } = container;
	const members = client.options.sweepers?.guildMembers;
	// A bot without a member sweeper (an older build, for a comparison) sweeps nothing.
	if (members === undefined || !('filter' in members)) return 0;
	return client.sweepers.sweepGuildMembers(members.filter()!);
}

// gc() without arguments is a full (mark-compact) collection.
const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (request: ProbeRequest) => {
	if (request.kind === 'sweepMembers') {
		void sweepMembers().then((swept) => process.send?.({ kind: 'sweepMembers', swept } satisfies ProbeAnswer));
	} else if (request.kind === 'memory') {
		if (collect === undefined) throw new Error('botMemoryProbe needs node --expose-gc');
		const asIs = figures();
		// Twice: what the first collection's finalizers and weak references let go is collected by the second.
		collect();
		collect();
		process.send?.({ kind: 'memory', asIs, afterGc: figures() } satisfies ProbeAnswer);
	} else {
		process.send?.({ kind: 'snapshot', path: writeHeapSnapshot(request.path) } satisfies ProbeAnswer);
	}
});
// The channel must not keep a stopped bot alive.
process.channel?.unref();
