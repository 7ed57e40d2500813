import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { GuildId } from '#lib/database/GuildId';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { OverlayDefinition } from '#lib/overlays/OverlayDefinition';
import { overlayKeyHash } from '#lib/overlays/overlayKey';
import { OverlayKeyCache } from '#lib/overlays/OverlayKeyCache';
import { OverlayServer, type FoundOverlay, type OverlaySink } from '#lib/overlays/OverlayServer';
import type { DeclaredOverlay } from '#lib/plugins/PluginCatalog';
import { waitUntil } from '#test/helpers/waitUntil';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;
const GAMMA = 100000000000000003n;
const KEYS: Readonly<Record<string, bigint>> = {
	[overlayKeyHash('a'.repeat(32))]: ALPHA,
	[overlayKeyHash('b'.repeat(32))]: BETA,
	[overlayKeyHash('g'.repeat(32))]: GAMMA
};

/** A page's stream as the route gives it: the states it received, and whether it was ended. */
class RecordingSink implements OverlaySink {
	public readonly states: unknown[] = [];
	public ended = false;
	public write(text: string): void {
		const data = /^event: state\ndata: (.*)\n\n$/.exec(text)?.[1];
		if (data !== undefined) this.states.push(JSON.parse(data));
	}
	public end(): void {
		this.ended = true;
	}
}

describe('OverlayServer: the overlays’ event streams, across processes', function () {
	this.timeout(20_000);

	const keyPrefix = `test-overlays-${randomBytes(4).toString('hex')}`;
	const counts = new Map<GuildId, number>();
	let computed: { guildId: GuildId; name: string }[];
	let off: Set<GuildId>;
	const servers: OverlayServer[] = [];

	const definition: OverlayDefinition = {
		title: 'Counter',
		async state(context) {
			computed.push({ guildId: context.guildId, name: 'counter' });
			return { guild: String(context.guildId), count: counts.get(context.guildId) ?? 0 };
		},
		script: 'function render(state, root) {}'
	};
	const overlays = new Map<string, DeclaredOverlay>([['counter', { name: 'counter', plugin: 'counter', definition }]]);

	/** One bot process's overlay server. */
	const botProcess = async (options: { maxStreamsPerServer?: number; maxStreams?: number } = {}) => {
		const server = new OverlayServer({
			redisUrl: REDIS_URL,
			keyPrefix,
			overlays: () => overlays,
			keys: new OverlayKeyCache({ lookUp: async (keyHash) => KEYS[keyHash] ?? null }),
			loadContext: async (guildId) => ({ guildId, pluginIsOn: () => !off.has(guildId) }) as unknown as GuildContext,
			logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
			...options
		});
		servers.push(server);
		await server.start();
		return server;
	};
	const open = async (server: OverlayServer, key: string): Promise<{ sink: RecordingSink; found: FoundOverlay; close: () => void }> => {
		const found = await server.find(key, 'counter');
		if (found === null) throw new Error(`no overlay for ${key}`);
		const sink = new RecordingSink();
		const close = server.open(found, sink);
		if (close === 'too many') throw new Error('refused');
		await waitUntil(() => sink.states.length > 0);
		return { sink, found, close };
	};

	beforeEach(() => {
		computed = [];
		off = new Set();
		counts.clear();
	});
	afterEach(async () => {
		for (const server of servers.splice(0)) await server.close();
	});

	it('finds an overlay by a server’s key only, and not when its plugin is off there, the name is unknown or the key malformed', async () => {
		const server = await botProcess();
		expect((await server.find('a'.repeat(32), 'counter'))?.guildId).to.equal(ALPHA);
		expect(await server.find('c'.repeat(32), 'counter')).to.equal(null);
		expect(await server.find('a'.repeat(32), 'other')).to.equal(null);
		expect(await server.find('a'.repeat(31), 'counter')).to.equal(null);
		off.add(ALPHA);
		expect(await server.find('a'.repeat(32), 'counter')).to.equal(null);
	});

	it('computes nothing for a change nobody has open, in any process', async () => {
		const first = await botProcess();
		const second = await botProcess();
		// Gamma's page on the second process is the fence: Redis hands it first's changes in order, so once Gamma's is computed, Alpha's and Beta's were handled.
		await open(second, 'g'.repeat(32));
		computed = [];
		first.changed(ALPHA, 'counter');
		first.changed(BETA, 'counter');
		first.changed(GAMMA, 'counter');
		await waitUntil(() => computed.some((entry) => entry.guildId === GAMMA));
		expect(computed).to.deep.equal([{ guildId: GAMMA, name: 'counter' }]);
	});

	it('pushes a change made in another process to this one’s pages, one computation per overlay however many pages, coalesced in a burst', async () => {
		const here = await botProcess();
		const there = await botProcess();
		const pages = await Promise.all([open(here, 'a'.repeat(32)), open(here, 'a'.repeat(32)), open(here, 'b'.repeat(32))]);
		computed = [];

		counts.set(ALPHA, 7);
		for (let index = 0; index < 30; index++) there.changed(ALPHA, 'counter');
		await waitUntil(() => pages[0]!.sink.states.at(-1) !== undefined && (pages[0]!.sink.states.at(-1) as { count: number }).count === 7);
		await waitUntil(() => (pages[1]!.sink.states.at(-1) as { count: number }).count === 7);
		await new Promise((resolve) => setTimeout(resolve, 600));
		const alphaComputations = computed.filter((entry) => entry.guildId === ALPHA).length;
		expect(alphaComputations, 'leading and trailing at most, for both pages').to.be.within(1, 2);
		expect(pages[0]!.sink.states.slice(1)).to.have.length(alphaComputations);
		expect(pages[2]!.sink.states, 'the other server’s page got nothing new').to.deep.equal([{ guild: String(BETA), count: 0 }]);
	});

	it('refuses pages past the limits per server and in all, and takes one again once a page closes', async () => {
		const server = await botProcess({ maxStreamsPerServer: 2, maxStreams: 3 });
		const first = await open(server, 'a'.repeat(32));
		await open(server, 'a'.repeat(32));
		const found = (await server.find('a'.repeat(32), 'counter'))!;
		expect(server.open(found, new RecordingSink())).to.equal('too many');
		await open(server, 'b'.repeat(32));
		expect(server.open((await server.find('b'.repeat(32), 'counter'))!, new RecordingSink()), 'three in all').to.equal('too many');
		first.close();
		expect(server.openStreams(ALPHA)).to.equal(1);
		await open(server, 'a'.repeat(32));
		expect(server.openStreams()).to.equal(3);
	});

	it('closes, in every process, the pages opened with a server’s old key at a rotation, and no other', async () => {
		const here = await botProcess();
		const there = await botProcess();
		const alpha = await open(there, 'a'.repeat(32));
		const beta = await open(there, 'b'.repeat(32));
		here.rotated(ALPHA, overlayKeyHash('new'));
		await waitUntil(() => alpha.sink.ended);
		expect(beta.sink.ended).to.equal(false);
		expect(there.openStreams()).to.equal(1);
	});

	it('ends a page whose plugin was switched off in its server at the next change, and every page when it closes', async () => {
		const server = await botProcess();
		const alpha = await open(server, 'a'.repeat(32));
		const beta = await open(server, 'b'.repeat(32));
		off.add(ALPHA);
		server.changed(ALPHA, 'counter');
		await waitUntil(() => alpha.sink.ended);
		expect(beta.sink.ended).to.equal(false);
		await server.close();
		expect(beta.sink.ended).to.equal(true);
		expect(server.openStreams()).to.equal(0);
	});
});
