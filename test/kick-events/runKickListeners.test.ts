import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { Listener, ListenerStore } from '@sapphire/framework';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';
import { runKickListeners } from '#lib/kick/events/runKickListeners';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import { testGuildContext } from '#test/helpers/guildContext';

const GUILD = 100000000000000001n;
const CHAT: KickChatMessageEvent = {
	type: 'chat.message.sent',
	broadcasterUserId: '4242',
	eventKey: 'chat:m1',
	receivedVia: 'socket',
	at: new Date('2026-03-01T12:00:00Z'),
	messageId: 'm1',
	sender: { userId: '5555', username: 'viewer_anna', channelSlug: null, badges: [] },
	content: 'hello',
	repliesTo: null
};

/** What the listeners of the test did, in order. */
let heard: string[];

/** What a run threw, at once or by rejecting, or null. */
async function failureOf(run: () => Promise<void> | undefined): Promise<unknown> {
	try {
		await run();
		return null;
	} catch (failure) {
		return failure;
	}
}

/** Never emits: the router runs Kick listeners itself. */
const silent = new EventEmitter();

/** A listener of `event` that records its name (or `label`), or throws when `fails`. */
function listenerOf(event: string, options: { readonly fails?: boolean; readonly label?: string } = {}) {
	return class extends Listener {
		public constructor(context: Listener.LoaderContext) {
			super(context, { event, emitter: silent });
		}

		public override run(): void {
			if (options.fails) throw new Error(`${this.name} failed`);
			heard.push(options.label ?? this.name);
		}
	};
}

/** Loads a chat listener named `slow` whose promise resolves (and records it) when the returned function is called. */
async function loadSlowListener(store: ListenerStore): Promise<() => void> {
	let finish!: () => void;
	const slow = class extends Listener {
		public constructor(loaderContext: Listener.LoaderContext) {
			super(loaderContext, { event: KickListenerEvents.ChatMessage, emitter: silent });
		}

		public override run(): Promise<void> {
			return new Promise<void>((resolve) => {
				finish = resolve;
			}).then(() => void heard.push('slow'));
		}
	};
	await store.loadPiece({ name: 'slow', piece: slow });
	return () => finish();
}

describe('runKickListeners', () => {
	const context = testGuildContext({ guildId: GUILD, settings: { get: () => [] } as unknown as GuildSettings, db: {} as GuildRepositories });
	let store: ListenerStore;

	beforeEach(async () => {
		heard = [];
		store = new ListenerStore();
		await store.loadPiece({ name: 'chatA', piece: listenerOf(KickListenerEvents.ChatMessage) });
		await store.loadPiece({ name: 'chatB', piece: listenerOf(KickListenerEvents.ChatMessage) });
		await store.loadPiece({ name: 'follows', piece: listenerOf(KickListenerEvents.Follow) });
		await store.loadAll();
	});

	it('runs the enabled listeners of the event, and only them', async () => {
		store.get('chatB')!.enabled = false;

		await runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context);

		expect(heard).to.deep.equal(['chatA']);
	});

	it('sees listeners loaded, unloaded and reloaded after it first ran', async () => {
		await runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context);
		expect(heard.sort()).to.deep.equal(['chatA', 'chatB']);

		await store.loadPiece({ name: 'chatC', piece: listenerOf(KickListenerEvents.ChatMessage) });
		await store.unload('chatB');
		heard = [];
		await runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context);
		expect(heard.sort(), 'one loaded and one unloaded: the same count').to.deep.equal(['chatA', 'chatC']);

		await store.loadPiece({ name: 'chatA', piece: listenerOf(KickListenerEvents.ChatMessage, { label: 'chatA, reloaded' }) });
		heard = [];
		await runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context);
		expect(heard.sort()).to.deep.equal(['chatA, reloaded', 'chatC']);
	});

	it('runs every listener though one throws, then throws naming the ones that failed', async () => {
		await store.loadPiece({ name: 'broken', piece: listenerOf(KickListenerEvents.ChatMessage, { fails: true }) });

		const error = await failureOf(() => runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context));

		expect(heard.sort()).to.deep.equal(['chatA', 'chatB']);
		expect(error).to.be.an.instanceOf(AggregateError);
		expect((error as AggregateError).message).to.equal(`broken failed on ${KickListenerEvents.ChatMessage} for server ${GUILD}`);
	});

	it('a single listener that throws fails the same way', async () => {
		const single = new ListenerStore();
		await single.loadPiece({ name: 'lonely', piece: listenerOf(KickListenerEvents.Follow, { fails: true }) });
		await single.loadAll();

		const error = await failureOf(() => runKickListeners(single, KickListenerEvents.Follow, CHAT, context));

		expect((error as AggregateError).errors.map((failure) => (failure as Error).message)).to.deep.equal(['lonely failed']);
	});

	it('makes no promise when every listener was done at once, and waits for one that returned a promise', async () => {
		expect(runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context), 'synchronous listeners: nothing to wait for').to.equal(undefined);

		const finish = await loadSlowListener(store);
		heard = [];
		let done = false;
		const running = runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context)?.then(() => {
			done = true;
		});
		expect(running, 'a listener returned a promise').to.be.an.instanceOf(Promise);
		await new Promise((resolve) => setImmediate(resolve));
		expect(done, 'still waiting for the slow listener').to.equal(false);
		finish();
		await running;
		expect(heard.sort()).to.deep.equal(['chatA', 'chatB', 'slow']);
	});

	it('a synchronous listener that throws while another is still running fails once the other is done', async () => {
		const finish = await loadSlowListener(store);
		await store.loadPiece({ name: 'broken', piece: listenerOf(KickListenerEvents.ChatMessage, { fails: true }) });
		const failure = failureOf(() => runKickListeners(store, KickListenerEvents.ChatMessage, CHAT, context));
		finish();

		const error = await failure;
		expect(heard).to.include('slow');
		expect((error as AggregateError).message).to.equal(`broken failed on ${KickListenerEvents.ChatMessage} for server ${GUILD}`);
	});
});
