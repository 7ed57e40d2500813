import { expect } from 'chai';
import { testGuildContext } from '#test/helpers/guildContext';
import { Database as DatabaseClass, type Database } from '#lib/database/Database';
import type { GroupCommitTimer } from '#lib/database/GroupCommit';
import type { KickChatMessageEvent, KickEvent, KickLiveStatusEvent } from '#lib/kick/events/KickEvent';
import { KickEventRouter, type KickEventRouterOptions, type RouteOutcome } from '#lib/kick/events/KickEventRouter';
import { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import { countingConnection } from '#test/helpers/countingConnection';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { ManualTimer } from '#test/helpers/manualTimer';
import { addServers, emptyDatabase, execute, GUILD_A, GUILD_B, GUILD_C, selectRows } from '#test/kick/kickTestDatabase';

const STREAMER_ID = '4242';
const OTHER_STREAMER_ID = '5151';
/** Linked to the streamer's channel but the bot left it. */
const GUILD_LEFT = 100000000000000004n;
/** Linked to the streamer's channel in kick_connections but never recorded in servers. */
const GUILD_UNKNOWN = 100000000000000005n;
const MODERATOR = 300000000000000001n;
const T0 = new Date('2026-03-01T12:00:00Z');

let sequence = 0;

function chatMessage(broadcasterUserId = STREAMER_ID, messageId = `msg-${++sequence}`): KickChatMessageEvent {
	return {
		type: 'chat.message.sent',
		broadcasterUserId,
		eventKey: `chat:${messageId}`,
		receivedVia: 'webhook',
		at: T0,
		messageId,
		sender: { userId: '5555', username: 'viewer_anna', channelSlug: 'viewer_anna', badges: [] },
		content: '!points',
		repliesTo: null
	};
}

function liveStatus(change: { isLive: boolean; at: Date; title?: string; startedAt?: Date | null }): KickLiveStatusEvent {
	return {
		type: 'livestream.status.updated',
		broadcasterUserId: STREAMER_ID,
		eventKey: `delivery-${++sequence}`,
		receivedVia: 'webhook',
		at: change.at,
		isLive: change.isLive,
		title: change.title ?? null,
		startedAt: change.startedAt ?? null,
		endedAt: change.isLive ? null : change.at
	};
}

describe('Kick event router on PostgreSQL', () => {
	let migrated: MigratedDatabase;
	let database: Database;
	let emitted: { name: string; guildId: bigint; eventKey: string; contextGuildId: bigint }[];
	let failures: { guildId: bigint; eventKey: string; error: unknown }[];
	let eventFailures: { eventKey: string; parked: boolean; error: unknown }[];
	let failingGuilds: Set<bigint>;
	/** Listeners of these event keys throw. */
	let failingListeners: Set<string>;
	let clock: number;
	let router: KickEventRouter;

	const link = (guildId: bigint, broadcasterUserId = STREAMER_ID) =>
		database.forGuild(guildId).kickConnection.connect({
			broadcasterUserId: BigInt(broadcasterUserId),
			channelSlug: `channel-${broadcasterUserId}`,
			connectedBy: MODERATOR,
			eventsVia: 'webhook'
		});
	const receivers = (eventKey: string) => emitted.filter((emit) => emit.eventKey === eventKey).map((emit) => emit.guildId);

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'kick_event_router');
		database = migrated.database;
	});

	after(() => migrated?.close());

	beforeEach(async () => {
		await emptyDatabase(database);
		await addServers(database, GUILD_A, GUILD_B, GUILD_C, GUILD_LEFT);
		await link(GUILD_A);
		await link(GUILD_B);
		await link(GUILD_C, OTHER_STREAMER_ID);
		await link(GUILD_LEFT);
		await link(GUILD_UNKNOWN);
		await database.forGuild(GUILD_LEFT).server.markLeft();
		emitted = [];
		failures = [];
		eventFailures = [];
		failingGuilds = new Set();
		failingListeners = new Set();
		clock = Date.now();
		router = new KickEventRouter({
			database,
			loadContext: async (guildId) => {
				if (failingGuilds.has(guildId)) throw new Error(`the settings of ${guildId} could not load`);
				return testGuildContext({ guildId, settings: {} as GuildSettings, db: database.forGuild(guildId) });
			},
			emit: async (name, event, context) => {
				if (failingListeners.has(event.eventKey)) throw new Error(`a listener failed on ${event.eventKey}`);
				emitted.push({ name, guildId: context.guildId, eventKey: event.eventKey, contextGuildId: context.db.guildId });
			},
			onServerFailure: (guildId, event, error) => failures.push({ guildId, eventKey: event.eventKey, error }),
			onEventFailure: (event, error, parked) => eventFailures.push({ eventKey: event.eventKey, parked, error }),
			now: () => clock
		});
	});

	it('hands an event to every server linked to its channel, each with its own repositories, and to no other', async () => {
		const event = chatMessage();

		const outcome = await router.route(event);

		expect(outcome).to.deep.equal({ outcome: 'routed', guildIds: [GUILD_A, GUILD_B] } satisfies RouteOutcome);
		expect(emitted).to.deep.equal([
			{ name: KickListenerEvents.ChatMessage, guildId: GUILD_A, eventKey: event.eventKey, contextGuildId: GUILD_A },
			{ name: KickListenerEvents.ChatMessage, guildId: GUILD_B, eventKey: event.eventKey, contextGuildId: GUILD_B }
		]);
		const lastEvents = await selectRows<{ guild: string; type: string | null; at: Date | null }>(
			database,
			'SELECT discord_server_id::text AS guild, last_event_type AS type, last_event_at AS at FROM kick_connections ORDER BY 1'
		);
		expect(lastEvents.filter((row) => row.type !== null).map((row) => [row.guild, row.type, row.at?.toISOString()])).to.deep.equal([
			[String(GUILD_A), 'chat.message.sent', T0.toISOString()],
			[String(GUILD_B), 'chat.message.sent', T0.toISOString()]
		]);
		expect(failures).to.deep.equal([]);
	});

	it('hands another channel’s event only to the server linked to that channel, and reports a channel nobody follows as unlinked', async () => {
		const other = chatMessage(OTHER_STREAMER_ID);
		expect(await router.route(other)).to.deep.equal({ outcome: 'routed', guildIds: [GUILD_C] });
		expect(receivers(other.eventKey)).to.deep.equal([GUILD_C]);

		const nobodys = chatMessage('999999');
		expect(await router.route(nobodys)).to.deep.equal({ outcome: 'unlinked' });
		expect(receivers(nobodys.eventKey)).to.deep.equal([]);
	});

	it('gives nothing to a server the bot left, though its link is still stored', async () => {
		await database.forGuild(GUILD_B).server.markLeft();
		const event = chatMessage();

		await router.route(event);

		expect(receivers(event.eventKey)).to.deep.equal([GUILD_A]);
		expect((await database.forGuild(GUILD_B).kickConnection.get())?.lastEventAt).to.equal(null);
		expect((await database.forGuild(GUILD_LEFT).kickConnection.get())?.lastEventAt).to.equal(null);
	});

	it('routes an event key once: a redelivery is a duplicate and emits nothing', async () => {
		const event = chatMessage();
		await router.route(event);

		expect(await router.route(event)).to.deep.equal({ outcome: 'duplicate' });
		expect(await router.route({ ...event, receivedVia: 'socket' }), 'the other reader’s copy too').to.deep.equal({ outcome: 'duplicate' });

		expect(receivers(event.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
	});

	it('routes exactly one of 20 concurrent deliveries of one event', async () => {
		const event = chatMessage();

		const outcomes = await Promise.all(Array.from({ length: 20 }, () => router.route(event)));

		expect(outcomes.filter((outcome) => outcome.outcome === 'routed')).to.have.length(1);
		expect(outcomes.filter((outcome) => outcome.outcome === 'duplicate')).to.have.length(19);
		expect(receivers(event.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
		expect(await selectRows(database, 'SELECT event_key FROM kick_event_receipts')).to.deep.equal([{ event_key: event.eventKey }]);
	});

	it('records the live status in every linked server, and an older status arriving later does not overwrite a newer one', async () => {
		const startedAt = new Date(T0.getTime() - 60_000);
		const newer = liveStatus({ isLive: true, at: T0, title: 'Bonus hunt', startedAt });
		const late = liveStatus({ isLive: false, at: new Date(T0.getTime() - 5 * 60_000) });
		await router.route(newer);
		await router.route(late);
		expect(receivers(newer.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
		expect(receivers(late.eventKey), 'a status older than the stored one is not news for listeners').to.deep.equal([]);

		for (const guildId of [GUILD_A, GUILD_B]) {
			const connection = await database.forGuild(guildId).kickConnection.get();
			expect({ isLive: connection?.isLive, title: connection?.liveTitle, since: connection?.liveSince?.toISOString() }, String(guildId)).to.deep.equal({
				isLive: true,
				title: 'Bonus hunt',
				since: startedAt.toISOString()
			});
		}
		expect((await database.forGuild(GUILD_C).kickConnection.get())?.isLive, 'another channel’s server').to.equal(null);

		await router.route(liveStatus({ isLive: false, at: new Date(T0.getTime() + 60_000) }));
		expect((await database.forGuild(GUILD_A).kickConnection.get())?.isLive, 'a newer status applies').to.equal(false);
		expect((await database.forGuild(GUILD_A).kickConnection.get())?.liveSince).to.equal(null);
	});

	it('still delivers to the other servers when one server’s context fails to load, and hands it to that server alone on the next attempt', async () => {
		failingGuilds.add(GUILD_A);
		const event = chatMessage();

		const outcome = await router.route(event);

		expect(outcome).to.deep.include({ outcome: 'failed', parked: false });
		expect(receivers(event.eventKey)).to.deep.equal([GUILD_B]);
		expect(failures.map((failure) => [failure.guildId, failure.eventKey])).to.deep.equal([[GUILD_A, event.eventKey]]);
		expect((failures[0]!.error as Error).message).to.equal(`the settings of ${GUILD_A} could not load`);
		const [stored] = await selectRows<{ handed_to: string[]; handled_at: Date | null }>(
			database,
			'SELECT handed_to::text[] AS handed_to, handled_at FROM kick_event_receipts WHERE event_key = $1',
			[event.eventKey]
		);
		expect(stored).to.deep.equal({ handed_to: [String(GUILD_B)], handled_at: null });

		failingGuilds.clear();
		await execute(database, `UPDATE kick_event_receipts SET leased_until = now() - interval '1 second'`);
		expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 1, failed: 0, parked: 0, abandoned: 0 });
		expect(receivers(event.eventKey), 'B is not handed it twice').to.deep.equal([GUILD_B, GUILD_A]);
	});

	it('hands events to a newly linked server at once after forgetLinks, and within 10 s without it', async () => {
		await database.forGuild(GUILD_B).kickConnection.disconnect();
		const before = chatMessage();
		await router.route(before);
		expect(receivers(before.eventKey)).to.deep.equal([GUILD_A]);

		await link(GUILD_B);
		const cached = chatMessage();
		await router.route(cached);
		expect(receivers(cached.eventKey), 'the links are cached').to.deep.equal([GUILD_A]);

		router.forgetLinks(BigInt(STREAMER_ID));
		const after = chatMessage();
		await router.route(after);
		expect(receivers(after.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);

		await execute(database, `UPDATE servers SET left_at = now() WHERE discord_server_id = ${GUILD_A}`);
		clock += 9_999;
		const stillCached = chatMessage();
		await router.route(stillCached);
		expect(receivers(stillCached.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
		clock += 1;
		const reread = chatMessage();
		await router.route(reread);
		expect(receivers(reread.eventKey), 'read again after 10 s').to.deep.equal([GUILD_B]);
	});

	it('forgetLinks of one channel leaves the other channels’ cached links alone; forgetLinks() forgets them all', async () => {
		await router.route(chatMessage(OTHER_STREAMER_ID));
		await link(GUILD_A, OTHER_STREAMER_ID);

		router.forgetLinks(BigInt(STREAMER_ID));
		const stillCached = chatMessage(OTHER_STREAMER_ID);
		await router.route(stillCached);
		expect(receivers(stillCached.eventKey)).to.deep.equal([GUILD_C]);

		router.forgetLinks();
		const reread = chatMessage(OTHER_STREAMER_ID);
		await router.route(reread);
		expect(receivers(reread.eventKey)).to.deep.equal([GUILD_A, GUILD_C]);
	});

	it('reads which servers follow many channels in one statement, and reads the channels due again together', async () => {
		const counter = countingConnection(database.connection);
		const counted = new DatabaseClass({ ...counter.connection, close: async () => undefined }, { repositories: new Map() });
		const linkReads = () => counter.statements.filter((sql) => /from\s+kick_connections\s+k\s+join\s+servers/i.test(sql)).length;
		try {
			const reading = new KickEventRouter({
				database: counted,
				loadContext: async (guildId) => testGuildContext({ guildId, settings: {} as GuildSettings, db: counted.forGuild(guildId) }),
				emit: async (name, event, context) => {
					emitted.push({ name, guildId: context.guildId, eventKey: event.eventKey, contextGuildId: context.db.guildId });
				},
				onServerFailure: (guildId, event, error) => failures.push({ guildId, eventKey: event.eventKey, error }),
				onEventFailure: (event, error, parked) => eventFailures.push({ eventKey: event.eventKey, parked, error }),
				now: () => clock
			});
			const events = [chatMessage(), chatMessage(OTHER_STREAMER_ID), chatMessage('999999')];

			expect((await Promise.all(events.map((event) => reading.route(event)))).map((outcome) => outcome.outcome)).to.deep.equal([
				'routed',
				'routed',
				'unlinked'
			]);
			expect(linkReads(), 'three channels, one read').to.equal(1);
			await reading.route(chatMessage(OTHER_STREAMER_ID));
			expect(linkReads(), 'cached').to.equal(1);

			// Past the cache's life for the first channel, the others (read as long ago) come along in the same statement.
			await link(GUILD_C);
			clock += 10_000;
			expect(await reading.route(chatMessage())).to.deep.equal({ outcome: 'routed', guildIds: [GUILD_A, GUILD_B, GUILD_C] });
			expect(await reading.route(chatMessage(OTHER_STREAMER_ID))).to.deep.equal({ outcome: 'unlinked' });
			expect(linkReads(), 'one read for the three channels due').to.equal(2);
		} finally {
			await counted.close();
		}
	});

	it('writes last_event_at at most every 30 s per server for chat, and writes the servers due together in one statement', async () => {
		const counter = countingConnection(database.connection);
		const counted = new DatabaseClass({ ...counter.connection, close: async () => undefined }, { repositories: new Map() });
		const writes = () => counter.statements.filter((sql) => /update\s+kick_connections\s+k\s+set\s+last_event_at/i.test(sql)).length;
		const lastEvents = async () =>
			Object.fromEntries(
				(
					await selectRows<{ guild: string; at: Date | null }>(
						database,
						'SELECT discord_server_id::text AS guild, last_event_at AS at FROM kick_connections WHERE last_event_at IS NOT NULL ORDER BY 1'
					)
				).map((row) => [row.guild, row.at?.toISOString()])
			);
		const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
		try {
			const writing = new KickEventRouter({
				database: counted,
				loadContext: async (guildId) => testGuildContext({ guildId, settings: {} as GuildSettings, db: counted.forGuild(guildId) }),
				emit: async () => undefined,
				onServerFailure: (guildId, event, error) => failures.push({ guildId, eventKey: event.eventKey, error }),
				onEventFailure: (event, error, parked) => eventFailures.push({ eventKey: event.eventKey, parked, error }),
				now: () => clock
			});
			const chat = async (channel: string, seconds: number) => writing.route({ ...chatMessage(channel), at: at(seconds) });

			await chat(STREAMER_ID, 0);
			await chat(OTHER_STREAMER_ID, 0);
			expect(writes(), 'each server’s first event').to.equal(3);
			clock += 20_000;
			await chat(STREAMER_ID, 20);
			await chat(OTHER_STREAMER_ID, 20);
			expect(writes(), 'within 30 s: kept for later').to.equal(3);
			expect(await lastEvents()).to.deep.equal({
				[String(GUILD_A)]: at(0).toISOString(),
				[String(GUILD_B)]: at(0).toISOString(),
				[String(GUILD_C)]: at(0).toISOString()
			});

			clock += 10_000;
			await chat(STREAMER_ID, 30);
			expect(writes(), 'one statement for the three servers due').to.equal(4);
			expect(await lastEvents()).to.deep.equal({
				[String(GUILD_A)]: at(30).toISOString(),
				[String(GUILD_B)]: at(20).toISOString(),
				[String(GUILD_C)]: at(20).toISOString()
			});
		} finally {
			await counted.close();
		}
	});

	describe('events taken before a bot process stopped, and events that fail', () => {
		/** As if a process claimed the event `ageMs` ago and stopped before handing it over: its lease ran out. */
		const takenAndStopped = async (event: KickEvent, ageMs: number) => {
			expect(await database.kickEventReceipts.claim(event.eventKey, { event })).to.equal(true);
			await execute(
				database,
				`UPDATE kick_event_receipts SET received_at = now() - make_interval(secs => $2::double precision / 1000), leased_until = now() - interval '1 second' WHERE event_key = $1`,
				[event.eventKey, ageMs]
			);
		};
		const receipt = async (eventKey: string) =>
			(
				await selectRows<{
					handled_at: Date | null;
					parked_at: Date | null;
					attempts: number;
					last_error: string | null;
					owner: string | null;
					channel: string | null;
				}>(database, 'SELECT handled_at, parked_at, attempts, last_error, owner, channel FROM kick_event_receipts WHERE event_key = $1', [eventKey])
			)[0];
		const handledAt = async (eventKey: string) => (await receipt(eventKey))?.handled_at ?? null;
		const storedEvent = async (eventKey: string) =>
			(await selectRows<{ event: string | null }>(database, 'SELECT event::text AS event FROM kick_event_receipts WHERE event_key = $1', [eventKey]))[0]
				?.event ?? null;
		/** A router whose listeners do not finish until `release` is called. */
		const routerWithHeldListeners = () => {
			let release!: () => void;
			let begin!: () => void;
			const held = new Promise<void>((resolve) => (release = resolve));
			const listening = new Promise<void>((resolve) => (begin = resolve));
			const slow = new KickEventRouter({
				database,
				loadContext: async (guildId) => testGuildContext({ guildId, settings: {} as GuildSettings, db: database.forGuild(guildId) }),
				emit: () => {
					begin();
					return held;
				},
				onServerFailure: () => undefined,
				onEventFailure: () => undefined
			});
			return { slow, release, listening };
		};
		/** The wait a failed event has before it is tried again, skipped. */
		const retryNow = (eventKey: string) =>
			execute(database, `UPDATE kick_event_receipts SET leased_until = now() - interval '1 second' WHERE event_key = $1`, [eventKey]);

		it('marks an event handled once it was handed to every server, and records the channel and this process as its owner, without the event', async () => {
			const event = chatMessage();
			await router.route(event);
			await database.kickEventReceipts.settled();
			expect(await storedEvent(event.eventKey), 'only an event not handed over is ever read again').to.equal(null);
			expect(await receipt(event.eventKey)).to.deep.include({
				attempts: 1,
				last_error: null,
				parked_at: null,
				channel: STREAMER_ID,
				owner: database.kickEventReceipts.owner
			});
			expect(await handledAt(event.eventKey)).to.be.an.instanceOf(Date);
		});

		it('marks an event handled only after every server’s listeners are done', async () => {
			const { slow, release, listening } = routerWithHeldListeners();
			const event = chatMessage();

			const routing = slow.route(event);
			await listening;
			await database.kickEventReceipts.settled();
			expect(await handledAt(event.eventKey), 'listeners still running').to.equal(null);
			expect(await storedEvent(event.eventKey), 'kept while it is being handed over, for another process to take over').to.not.equal(null);
			release();
			await routing;
			await database.kickEventReceipts.settled();
			expect(await handledAt(event.eventKey)).to.be.an.instanceOf(Date);
		});

		it('hands such an event over once its lease ran out, once, with its fields intact', async () => {
			const event = liveStatus({ isLive: true, at: T0, title: 'Recovered', startedAt: new Date(T0.getTime() - 1000) });
			await takenAndStopped(event, 2 * 60_000);

			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 1, failed: 0, parked: 0, abandoned: 0 });
			expect(receivers(event.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
			expect((await database.forGuild(GUILD_A).kickConnection.get())?.liveSince?.toISOString()).to.equal(new Date(T0.getTime() - 1000).toISOString());
			await database.kickEventReceipts.settled();
			expect(await handledAt(event.eventKey)).to.be.an.instanceOf(Date);
			expect((await receipt(event.eventKey))?.attempts).to.equal(2);
			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 0, failed: 0, parked: 0, abandoned: 0 });
			expect(receivers(event.eventKey)).to.have.length(2);
		});

		it('leaves an event whose lease still runs (its process may be handing it over), and gives up one too old to act on', async () => {
			const inFlight = chatMessage();
			const stale = chatMessage();
			expect(await database.kickEventReceipts.claim(inFlight.eventKey, { event: inFlight })).to.equal(true);
			await takenAndStopped(stale, 20 * 60_000);

			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 0, failed: 0, parked: 0, abandoned: 1 });
			expect(receivers(inFlight.eventKey)).to.deep.equal([]);
			expect(receivers(stale.eventKey)).to.deep.equal([]);
			expect(await handledAt(inFlight.eventKey)).to.equal(null);
			expect(await receipt(stale.eventKey)).to.deep.include({ last_error: 'given up: not handed over in time' });
			expect(await handledAt(stale.eventKey)).to.be.an.instanceOf(Date);
		});

		it('renews the lease of an event while this process hands it over, and only then', async () => {
			const leaseOf = async (eventKey: string) =>
				(
					await selectRows<{ leased_until: Date }>(database, 'SELECT leased_until FROM kick_event_receipts WHERE event_key = $1', [eventKey])
				)[0]!.leased_until.getTime();
			const { slow, release } = routerWithHeldListeners();
			const busy = chatMessage();
			const idle = chatMessage();
			const routing = slow.route(busy);
			await database.kickEventReceipts.claim(idle.eventKey, { event: idle });
			await execute(database, `UPDATE kick_event_receipts SET leased_until = now() + interval '1 second'`);
			const before = { busy: await leaseOf(busy.eventKey), idle: await leaseOf(idle.eventKey) };

			await slow.renewLeases();

			expect(await leaseOf(busy.eventKey)).to.be.above(before.busy + 20_000);
			expect(await leaseOf(idle.eventKey), 'not being handed over here: its lease runs out').to.equal(before.idle);
			release();
			await routing;
		});

		it('parks an event that keeps failing after 3 attempts, with its error, while the events after it are handed over', async () => {
			const poison = chatMessage();
			failingListeners.add(poison.eventKey);
			const good = [chatMessage(), chatMessage()];
			for (const event of [poison, ...good]) await takenAndStopped(event, 60_000);

			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 2, failed: 1, parked: 0, abandoned: 0 });
			for (const event of good) expect(receivers(event.eventKey), event.eventKey).to.deep.equal([GUILD_A, GUILD_B]);
			const error = `AggregateError: 2 servers could not take chat.message.sent ${poison.eventKey} (first: Error: a listener failed on ${poison.eventKey})`;
			expect(await receipt(poison.eventKey)).to.deep.include({ attempts: 2, parked_at: null, handled_at: null, last_error: error });

			// Not before its wait is over: a failed event does not come back at the next look.
			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 0, failed: 0, parked: 0, abandoned: 0 });
			await retryNow(poison.eventKey);
			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 0, failed: 1, parked: 1, abandoned: 0 });
			expect(await receipt(poison.eventKey)).to.deep.include({ attempts: 3, handled_at: null });
			expect((await receipt(poison.eventKey))?.parked_at).to.be.an.instanceOf(Date);
			expect(eventFailures.map((failure) => [failure.eventKey, failure.parked])).to.deep.equal([
				[poison.eventKey, false],
				[poison.eventKey, true]
			]);

			// Parked for good: never taken again, and not given up as if it were merely old.
			await retryNow(poison.eventKey);
			await execute(database, `UPDATE kick_event_receipts SET received_at = now() - interval '1 hour' WHERE event_key = $1`, [poison.eventKey]);
			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 0, failed: 0, parked: 0, abandoned: 0 });
			const parked = await database.kickEventReceipts.parked(STREAMER_ID, new Date(Date.now() - 60_000));
			expect(parked.count).to.equal(1);
			expect(parked.latest).to.deep.include({ eventKey: poison.eventKey, error });
			expect(await database.kickEventReceipts.parked(OTHER_STREAMER_ID, new Date(Date.now() - 60_000))).to.deep.equal({ count: 0, latest: null });
		});

		it('parks at once a stored event this version cannot read, and hands over the others', async () => {
			const unreadable = chatMessage();
			const good = chatMessage();
			for (const event of [unreadable, good]) await takenAndStopped(event, 60_000);
			await execute(database, `UPDATE kick_event_receipts SET event = '{"type": "chat.message.sent"}' WHERE event_key = $1`, [unreadable.eventKey]);

			expect(await router.recoverUnhandled()).to.deep.equal({ recovered: 1, failed: 0, parked: 0, abandoned: 0 });
			expect(receivers(good.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
			expect((await receipt(unreadable.eventKey))?.parked_at).to.be.an.instanceOf(Date);
			expect((await receipt(unreadable.eventKey))?.last_error).to.match(/^TypeError: not a stored Kick event/);
		});

		it('hands over an event whose channel id is out of any range as unlinked, without blocking the others', async () => {
			const huge = chatMessage('123456789012345678901234567890');
			const good = chatMessage();
			for (const event of [huge, good]) await takenAndStopped(event, 60_000);

			const outcome = await router.recoverUnhandled();
			expect(outcome.recovered + outcome.parked + outcome.failed).to.equal(2);
			expect(receivers(good.eventKey)).to.deep.equal([GUILD_A, GUILD_B]);
			expect(receivers(huge.eventKey)).to.deep.equal([]);
		});

		it('hands an event over once when two bot processes recover at the same moment', async () => {
			const events = [chatMessage(), chatMessage(), chatMessage()];
			for (const event of events) await takenAndStopped(event, 2 * 60_000);
			const other = new KickEventRouter({
				database,
				loadContext: async (guildId) => testGuildContext({ guildId, settings: {} as GuildSettings, db: database.forGuild(guildId) }),
				emit: async (name, event, context) => {
					emitted.push({ name, guildId: context.guildId, eventKey: event.eventKey, contextGuildId: context.db.guildId });
				},
				onServerFailure: (guildId, event, error) => failures.push({ guildId, eventKey: event.eventKey, error }),
				onEventFailure: () => undefined
			});

			const [mine, theirs] = await Promise.all([router.recoverUnhandled(), other.recoverUnhandled()]);
			expect(mine.recovered + theirs.recovered).to.equal(3);
			for (const event of events) expect(receivers(event.eventKey), event.eventKey).to.deep.equal([GUILD_A, GUILD_B]);
		});

		describe('in batches, across bot processes', () => {
			let handovers: string[];
			let handoverWaiters: { readonly count: number; readonly resolve: () => void }[];
			let opened: Database[];
			/** Another bot process on the same database: its own owner, its statements counted, its batch windows closed by hand when `timer` is given. */
			const otherProcess = (owner: string, timer?: GroupCommitTimer) => {
				const counter = countingConnection(database.connection);
				const other = new DatabaseClass(
					{ ...counter.connection, close: async () => undefined },
					{ owner, repositories: new Map(), ...(timer === undefined ? {} : { receiptBatch: { timer } }) }
				);
				opened.push(other);
				return { database: other, statements: counter.statements };
			};
			const routerOn = (on: Database, emit: KickEventRouterOptions['emit']) =>
				new KickEventRouter({
					database: on,
					loadContext: async (guildId) => testGuildContext({ guildId, settings: {} as GuildSettings, db: on.forGuild(guildId) }),
					emit,
					onServerFailure: (guildId, event, error) => failures.push({ guildId, eventKey: event.eventKey, error }),
					onEventFailure: (event, error, parked) => eventFailures.push({ eventKey: event.eventKey, parked, error })
				});
			const handedOver = (by: string) => {
				handovers.push(by);
				for (const waiter of handoverWaiters.filter((entry) => entry.count <= handovers.length)) waiter.resolve();
			};
			/** Resolves once `count` handovers (one per server per event) have happened. */
			const handoversReach = (count: number) =>
				new Promise<void>((resolve) => (count <= handovers.length ? resolve() : handoverWaiters.push({ count, resolve })));
			const record =
				(by: string): KickEventRouterOptions['emit'] =>
				async (name, event, context) => {
					emitted.push({ name, guildId: context.guildId, eventKey: event.eventKey, contextGuildId: context.db.guildId });
					handedOver(by);
				};

			beforeEach(() => {
				handovers = [];
				handoverWaiters = [];
				opened = [];
			});

			afterEach(async () => {
				for (const other of opened) await other.close();
			});

			it('claims a batch in one statement: the events another process claimed first stay its own, the rest are this one’s, handed over once', async () => {
				const events = [chatMessage(), chatMessage(), chatMessage(), chatMessage()];
				for (const event of events.slice(0, 2)) expect(await database.kickEventReceipts.claim(event.eventKey, { event })).to.equal(true);
				const windows = new ManualTimer();
				const b = otherProcess('process-b', windows.timer);
				const router = routerOn(b.database, record('b'));

				const routing = Promise.all(events.map((event) => router.route(event)));
				windows.fire();
				await handoversReach(4);
				await new Promise((resolve) => setImmediate(resolve));
				windows.fire();
				const outcomes = await routing;

				expect(outcomes.map((outcome) => outcome.outcome)).to.deep.equal(['duplicate', 'duplicate', 'routed', 'routed']);
				for (const event of events.slice(2)) expect(receivers(event.eventKey), event.eventKey).to.deep.equal([GUILD_A, GUILD_B]);
				for (const event of events.slice(0, 2)) expect(receivers(event.eventKey), 'the other process’s').to.deep.equal([]);
				const claims = b.statements.filter((sql) => /insert\s+into\s+kick_event_receipts/i.test(sql));
				const marks = b.statements.filter((sql) => /update\s+kick_event_receipts\s+set\s+handled_at/i.test(sql));
				expect([claims.length, marks.length], 'one claim statement and one mark statement for the four').to.deep.equal([1, 1]);
				const rows = await selectRows<{ event_key: string; owner: string; handled: boolean }>(
					database,
					'SELECT event_key, owner, handled_at IS NOT NULL AS handled FROM kick_event_receipts ORDER BY event_key'
				);
				expect(rows).to.deep.equal(
					events
						.map((event, index) => ({
							event_key: event.eventKey,
							owner: index < 2 ? database.kickEventReceipts.owner : 'process-b',
							handled: index >= 2
						}))
						.sort((x, y) => (x.event_key < y.event_key ? -1 : 1))
				);
			});

			it('two processes claiming the same burst at once never take the same event, never deadlock, and hand every event over once', async () => {
				const events = Array.from({ length: 60 }, () => chatMessage());
				const routerB = routerOn(otherProcess('process-b').database, record('b'));
				const routerC = routerOn(otherProcess('process-c').database, record('c'));

				// Both read the same chat (two processes on one socket channel): every event reaches both, in opposite orders.
				const outcomes = await Promise.all([
					...events.map((event) => routerB.route(event)),
					...[...events].reverse().map((event) => routerC.route(event))
				]);

				expect(outcomes.filter((outcome) => outcome.outcome === 'failed')).to.deep.equal([]);
				expect(outcomes.filter((outcome) => outcome.outcome === 'routed')).to.have.length(events.length);
				for (const event of events) expect(receivers(event.eventKey), event.eventKey).to.deep.equal([GUILD_A, GUILD_B]);
			});

			it('after a crash between the claim and the handled mark, another process hands the event over, and its effect counts once', async () => {
				const windows = new ManualTimer();
				const a = otherProcess('process-a', windows.timer);
				const event = chatMessage();
				/** What listeners do: a reply recorded in the outbox, keyed by the message, as every effect of a listener is. */
				const reply =
					(on: Database, by: string): KickEventRouterOptions['emit'] =>
					async (_name, handed, context) => {
						await on.outbox.insert(
							[
								{
									guildId: context.guildId,
									destination: 'kick_chat',
									targetId: BigInt(STREAMER_ID),
									kind: 'reply',
									dedupeKey: `kick:reply:${(handed as KickChatMessageEvent).messageId}:0`,
									content: 'Points: 42',
									expiresAt: new Date(Date.now() + 60_000),
									status: 'pending'
								}
							],
							by,
							30_000
						);
						handedOver(by);
					};

				// Process A claims the event and its listeners run; it dies before its handled mark is written.
				const routing = routerOn(a.database, reply(a.database, 'a')).route(event);
				const markWindow = windows.nextWindow();
				windows.fire();
				await markWindow;
				expect(handovers).to.deep.equal(['a', 'a']);
				expect(await receipt(event.eventKey), 'claimed, never marked').to.deep.include({ handled_at: null, owner: 'process-a', attempts: 1 });

				// Its lease runs out; this process takes the event over.
				await execute(database, `UPDATE kick_event_receipts SET leased_until = now() - interval '1 second' WHERE event_key = $1`, [event.eventKey]);
				const b = routerOn(database, reply(database, 'b'));
				expect(await b.recoverUnhandled()).to.deep.equal({ recovered: 1, failed: 0, parked: 0, abandoned: 0 });
				await database.kickEventReceipts.settled();

				expect(handovers, 'handed over again by the process that took it over').to.deep.equal(['a', 'a', 'b', 'b']);
				expect(await receipt(event.eventKey)).to.deep.include({ owner: database.kickEventReceipts.owner, attempts: 2 });
				expect(await handledAt(event.eventKey)).to.be.an.instanceOf(Date);
				const replies = await selectRows<{ guild: string }>(
					database,
					'SELECT discord_server_id::text AS guild FROM outbox_messages WHERE dedupe_key = $1 ORDER BY 1',
					[`kick:reply:${event.messageId}:0`]
				);
				expect(replies, 'one reply per server, though the listeners ran twice').to.deep.equal([{ guild: String(GUILD_A) }, { guild: String(GUILD_B) }]);
				expect(await b.recoverUnhandled(), 'and never again').to.deep.equal({ recovered: 0, failed: 0, parked: 0, abandoned: 0 });

				// A mark of the dead process written after all changes nothing.
				windows.fire();
				expect(await routing).to.deep.include({ outcome: 'routed' });
				expect(handovers).to.have.length(4);
			});
		});
	});
});
