import { expect } from 'chai';
import { Database } from '#lib/database/Database';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import { secureLegacyKickTokens } from '#lib/kick/secureLegacyKickTokens';
import { engines, openMigratedDatabase, type MigratedDatabase } from '#test/helpers/databases';
import { emptyDatabase, execute, GUILD_A, GUILD_B, selectRows, storedTokenRows } from '#test/kick/kickTestDatabase';

const STREAMER_ID = 4242n;
const MODERATOR = 300000000000000001n;
const OTHER_MODERATOR = 300000000000000002n;
const T0 = new Date('2030-01-01T12:00:00Z');
const minutes = (count: number) => new Date(T0.getTime() + count * 60_000);

for (const engine of engines) {
	describe(`Kick repositories (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: Database;
		let a: GuildRepositories;
		let b: GuildRepositories;

		const linkA = () =>
			a.kickConnection.connect({ broadcasterUserId: STREAMER_ID, channelSlug: 'gamblerjoe', connectedBy: MODERATOR, eventsVia: 'webhook' });

		before(async () => {
			migrated = await openMigratedDatabase(engine, 'kick_repositories');
			database = migrated.database;
		});
		after(() => migrated?.close());
		beforeEach(async () => {
			await emptyDatabase(database);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		describe('KickConnectionRepository', () => {
			it('links a server and reads the link back in that server only', async () => {
				const linked = await linkA();

				expect(linked).to.deep.include({
					broadcasterUserId: STREAMER_ID,
					channelSlug: 'gamblerjoe',
					connectedBy: MODERATOR,
					eventsVia: 'webhook',
					subscriptionState: 'pending',
					subscriptionDetail: null,
					needsReauthorizationSince: null,
					isLive: null,
					lastEventAt: null
				});
				expect(await a.kickConnection.get()).to.deep.equal(linked);
				expect(await b.kickConnection.get()).to.equal(null);
				const socket = await b.kickConnection.connect({
					broadcasterUserId: STREAMER_ID,
					channelSlug: 'gamblerjoe',
					connectedBy: OTHER_MODERATOR,
					eventsVia: 'socket'
				});
				expect({ via: socket.eventsVia, state: socket.subscriptionState, by: socket.connectedBy }).to.deep.equal({
					via: 'socket',
					state: 'not needed',
					by: OTHER_MODERATOR
				});
				expect((await a.kickConnection.get())?.connectedBy, 'B’s link leaves A’s alone').to.equal(MODERATOR);
			});

			it('links again with no leftover health from the earlier link', async () => {
				await linkA();
				await a.kickConnection.markNeedsReauthorization('Kick refused the tokens');
				await a.kickConnection.recordLiveStatus({ isLive: true, title: 'Bonus hunt', startedAt: minutes(0), at: minutes(10) });
				await a.kickConnection.recordSubscription('failed', 'no scope');
				await database.system.recordKickEvents([{ guildId: GUILD_A, type: 'chat.message.sent', at: minutes(10) }]);

				const again = await a.kickConnection.connect({
					broadcasterUserId: 5151n,
					channelSlug: 'viewer_anna',
					connectedBy: OTHER_MODERATOR,
					eventsVia: 'webhook'
				});

				expect(again).to.deep.include({
					broadcasterUserId: 5151n,
					channelSlug: 'viewer_anna',
					subscriptionState: 'pending',
					subscriptionDetail: null,
					needsReauthorizationSince: null,
					reauthorizationReason: null,
					isLive: null,
					liveTitle: null,
					lastEventAt: null,
					lastEventType: null
				});
				const olderThanTheOldLinksStatus = { isLive: false, title: null, startedAt: null, at: minutes(1) };
				expect(await a.kickConnection.recordLiveStatus(olderThanTheOldLinksStatus), 'the old link’s status time is forgotten').to.equal(true);
			});

			it('disconnects only its own server’s link', async () => {
				await linkA();

				expect(await b.kickConnection.disconnect()).to.equal(false);
				expect(await a.kickConnection.get()).to.not.equal(null);
				expect(await a.kickConnection.disconnect()).to.equal(true);
				expect(await a.kickConnection.disconnect()).to.equal(false);
				expect(await a.kickConnection.get()).to.equal(null);
			});

			it('marks a server for reauthorisation once (true the first time only) and never another server', async () => {
				await linkA();
				await b.kickConnection.connect({
					broadcasterUserId: STREAMER_ID,
					channelSlug: 'gamblerjoe',
					connectedBy: OTHER_MODERATOR,
					eventsVia: 'webhook'
				});

				expect(await a.kickConnection.markNeedsReauthorization('Kick refused: invalid_grant', minutes(1))).to.equal(true);
				expect(await a.kickConnection.markNeedsReauthorization('again', minutes(2))).to.equal(false);

				expect(await a.kickConnection.get()).to.deep.include({
					needsReauthorizationSince: minutes(1),
					reauthorizationReason: 'Kick refused: invalid_grant'
				});
				expect((await b.kickConnection.get())?.needsReauthorizationSince).to.equal(null);
				expect(await database.forGuild(100000000000000009n).kickConnection.markNeedsReauthorization('unlinked'), 'a server without a link').to.equal(
					false
				);
			});

			it('records the live status in time order: an older one is ignored, the same or a newer one applies', async () => {
				await linkA();
				await b.kickConnection.connect({
					broadcasterUserId: STREAMER_ID,
					channelSlug: 'gamblerjoe',
					connectedBy: OTHER_MODERATOR,
					eventsVia: 'webhook'
				});

				expect(await a.kickConnection.recordLiveStatus({ isLive: true, title: 'Bonus hunt', startedAt: minutes(-5), at: minutes(0) })).to.equal(true);
				expect(await a.kickConnection.recordLiveStatus({ isLive: false, title: null, startedAt: null, at: minutes(-1) })).to.equal(false);
				expect(await a.kickConnection.get()).to.deep.include({ isLive: true, liveTitle: 'Bonus hunt', liveSince: minutes(-5) });

				expect(await a.kickConnection.recordLiveStatus({ isLive: true, title: 'Slots', startedAt: null, at: minutes(0) })).to.equal(true);
				expect(await a.kickConnection.get(), 'live without a start time: since the status').to.deep.include({
					isLive: true,
					liveTitle: 'Slots',
					liveSince: minutes(0)
				});
				expect(await a.kickConnection.recordLiveStatus({ isLive: false, title: null, startedAt: minutes(-5), at: minutes(30) })).to.equal(true);
				expect(await a.kickConnection.get()).to.deep.include({ isLive: false, liveTitle: null, liveSince: null });

				expect((await b.kickConnection.get())?.isLive, 'B heard nothing').to.equal(null);
				expect(await b.kickConnection.recordLiveStatus({ isLive: true, title: 'B', startedAt: null, at: minutes(-60) })).to.equal(true);
				expect((await a.kickConnection.get())?.isLive, 'B’s status leaves A alone').to.equal(false);
				expect(
					await database.forGuild(100000000000000009n).kickConnection.recordLiveStatus({ isLive: true, title: null, startedAt: null, at: minutes(0) })
				).to.equal(false);
			});

			it('switches how events arrive, resetting the subscription state only on a change, in its own server only', async () => {
				await linkA();
				await a.kickConnection.recordSubscription('subscribed', 'subscribed 8 event type(s)', minutes(0));

				await a.kickConnection.setEventsVia('webhook');
				expect(await a.kickConnection.get(), 'no change').to.deep.include({
					eventsVia: 'webhook',
					subscriptionState: 'subscribed',
					subscriptionDetail: 'subscribed 8 event type(s)'
				});

				await b.kickConnection.setEventsVia('socket');
				expect((await a.kickConnection.get())?.eventsVia, 'B cannot switch A').to.equal('webhook');
				expect(await b.kickConnection.get()).to.equal(null);

				await a.kickConnection.setEventsVia('socket');
				expect(await a.kickConnection.get()).to.deep.include({ eventsVia: 'socket', subscriptionState: 'not needed', subscriptionDetail: null });
				await a.kickConnection.setEventsVia('webhook');
				expect(await a.kickConnection.get()).to.deep.include({ eventsVia: 'webhook', subscriptionState: 'pending' });
			});
		});

		describe('KickOAuthStatesRepository and system.consumeKickOAuthState', () => {
			const pendingOf = (state: string, discordUserId = MODERATOR, expiresAt = minutes(10)) => ({
				state,
				discordUserId,
				purpose: 'broadcaster' as const,
				codeVerifier: `verifier-of-${state}`,
				requestedSlug: 'gamblerjoe',
				expiresAt
			});
			const pendingStates = async () =>
				(
					await selectRows<{ state: string; guild: string }>(
						database,
						'SELECT state, discord_server_id::text AS guild FROM kick_oauth_states ORDER BY state'
					)
				).map((row) => `${row.guild}:${row.state}`);

			it('hands a state out once, with the server and moderator it was made for', async () => {
				await a.kickOAuthStates.create(pendingOf('state-1'));

				expect(await database.system.consumeKickOAuthState('state-1', minutes(9))).to.deep.equal({
					outcome: 'taken',
					pending: { ...pendingOf('state-1'), guildId: GUILD_A }
				});
				expect(await database.system.consumeKickOAuthState('state-1', minutes(9))).to.deep.equal({ outcome: 'unknown' });
				expect(await database.system.consumeKickOAuthState('never-made', minutes(9))).to.deep.equal({ outcome: 'unknown' });
			});

			it('reports an expired state as expired (at its expiry time exactly) and forgets it', async () => {
				await a.kickOAuthStates.create(pendingOf('late'));
				await a.kickOAuthStates.create(pendingOf('in-time', OTHER_MODERATOR));

				expect(await database.system.consumeKickOAuthState('late', minutes(10))).to.deep.equal({ outcome: 'expired', purpose: 'broadcaster' });
				expect(await database.system.consumeKickOAuthState('late', minutes(0))).to.deep.equal({ outcome: 'unknown' });
				expect((await database.system.consumeKickOAuthState('in-time', new Date(minutes(10).getTime() - 1))).outcome).to.equal('taken');
			});

			it('replaces a moderator’s earlier pending state in the same server only', async () => {
				await a.kickOAuthStates.create(pendingOf('a-first'));
				await a.kickOAuthStates.create(pendingOf('a-other-moderator', OTHER_MODERATOR));
				await b.kickOAuthStates.create(pendingOf('b-same-moderator'));
				await a.kickOAuthStates.create(pendingOf('a-again'));

				expect(await pendingStates()).to.deep.equal([`${GUILD_A}:a-again`, `${GUILD_A}:a-other-moderator`, `${GUILD_B}:b-same-moderator`]);
				expect(await database.system.consumeKickOAuthState('a-first', minutes(1))).to.deep.equal({ outcome: 'unknown' });

				await b.kickOAuthStates.create(pendingOf('b-again'));
				expect(await pendingStates(), 'B starting again leaves A’s states alone').to.deep.equal([
					`${GUILD_A}:a-again`,
					`${GUILD_A}:a-other-moderator`,
					`${GUILD_B}:b-again`
				]);
				const taken = await database.system.consumeKickOAuthState('b-again', minutes(1));
				expect(taken.outcome === 'taken' && taken.pending.guildId).to.equal(GUILD_B);
			});

			it('prunes only the expired states of every server', async () => {
				await a.kickOAuthStates.create(pendingOf('a-expired', MODERATOR, minutes(1)));
				await b.kickOAuthStates.create(pendingOf('b-expired', MODERATOR, minutes(2)));
				await b.kickOAuthStates.create(pendingOf('b-pending', OTHER_MODERATOR, minutes(3)));

				expect(await database.system.pruneExpiredKickOAuthStates(minutes(2))).to.equal(2);
				expect(await pendingStates()).to.deep.equal([`${GUILD_B}:b-pending`]);
			});
		});

		describe('KickEventReceipts', () => {
			it('lets an event key be claimed once, also by racing claims', async () => {
				expect(await database.kickEventReceipts.claim('chat:1')).to.equal(true);
				expect(await database.kickEventReceipts.claim('chat:1')).to.equal(false);

				const racing = await Promise.all(Array.from({ length: 10 }, () => database.kickEventReceipts.claim('delivery-2')));
				expect(racing.filter(Boolean)).to.have.length(1);
			});

			it('prunes receipts older than the given time only; a pruned key can be claimed again', async () => {
				await database.kickEventReceipts.claim('old');
				await database.kickEventReceipts.claim('recent');
				await execute(database, `UPDATE kick_event_receipts SET received_at = now() - interval '2 days' WHERE event_key = 'old'`);

				expect(await database.kickEventReceipts.prune(new Date(Date.now() - 24 * 3600_000))).to.equal(1);

				expect(await database.kickEventReceipts.claim('recent')).to.equal(false);
				expect(await database.kickEventReceipts.claim('old')).to.equal(true);
			});
		});

		describe('secureLegacyKickTokens', () => {
			/** What the old bot left: plain text, in A with a refresh token and in B without. */
			async function insertLegacyRows(): Promise<void> {
				await execute(
					database,
					`INSERT INTO kick_oauth_tokens (discord_server_id, user_id, kick_username, access_token, refresh_token, scopes, expires_at) VALUES
						(${GUILD_A}, 555, 'oldstreamer', 'plain-access-A', 'plain-refresh-A', 'chat:write events:subscribe', '2030-01-01 00:00:00'),
						(${GUILD_B}, 555, 'oldstreamer', 'plain-access-B', NULL, 'chat:write', NULL)`
				);
			}
			const newTokens = {
				kickUserId: 556n,
				kickUsername: 'newstreamer',
				accessToken: 'new-access',
				refreshToken: 'new-refresh',
				scopes: ['chat:write'],
				expiresAt: T0
			};

			it('encrypts the plain-text rows of every server in place, readable as before; a second run changes nothing', async () => {
				await insertLegacyRows();
				await a.kickTokens.save(newTokens);
				const alreadyEncrypted = (await storedTokenRows(database)).find((row) => row.kick_user === '556')!;
				const log: string[] = [];

				expect(await secureLegacyKickTokens(database, true, (line) => log.push(line))).to.equal(2);

				const rows = await storedTokenRows(database);
				expect(rows.map((row) => [row.guild, row.kick_user])).to.deep.equal([
					[String(GUILD_A), '555'],
					[String(GUILD_A), '556'],
					[String(GUILD_B), '555']
				]);
				for (const row of rows) {
					expect(row.access_token)
						.to.match(/^enc:v1:/)
						.and.not.contain('plain');
					if (row.refresh_token !== null)
						expect(row.refresh_token)
							.to.match(/^enc:v1:/)
							.and.not.contain('plain');
				}
				expect(rows[1], 'the row that was encrypted already is untouched').to.deep.equal(alreadyEncrypted);
				expect(await a.kickTokens.get(555n)).to.deep.include({
					accessToken: 'plain-access-A',
					refreshToken: 'plain-refresh-A',
					kickUsername: 'oldstreamer'
				});
				expect((await a.kickTokens.get(555n))?.scopes).to.deep.equal(['chat:write', 'events:subscribe']);
				expect(await b.kickTokens.get(555n)).to.deep.include({ accessToken: 'plain-access-B', refreshToken: null });
				expect(await a.kickTokens.get(556n)).to.deep.include({ accessToken: 'new-access', refreshToken: 'new-refresh' });
				expect(log).to.have.length(2);
				expect(log[0]).to.contain(`server ${GUILD_A}`);
				expect(log[1]).to.contain(`server ${GUILD_B}`);

				const secondLog: string[] = [];
				expect(await secureLegacyKickTokens(database, true, (line) => secondLog.push(line))).to.equal(0);
				expect(await storedTokenRows(database)).to.deep.equal(rows);
				expect(secondLog).to.deep.equal([]);
			});

			it('encrypts only its own server’s rows when one server’s repository is asked', async () => {
				await insertLegacyRows();

				expect(await a.kickTokens.encryptPlaintextRows()).to.equal(1);

				const rowOfB = (await storedTokenRows(database)).find((row) => row.guild === String(GUILD_B));
				expect(rowOfB?.access_token).to.equal('plain-access-B');
				expect(await a.kickTokens.forgetPlaintextRows(), 'A has no plain rows left').to.equal(0);
				expect((await storedTokenRows(database)).find((row) => row.guild === String(GUILD_B))?.access_token).to.equal('plain-access-B');
			});

			it('without an encryption key, forgets the plain-text tokens of every server and leaves encrypted ones; a second run changes nothing', async () => {
				await insertLegacyRows();
				await a.kickTokens.save(newTokens);
				const keyless = new Database(database.connection);
				try {
					const log: string[] = [];

					expect(await secureLegacyKickTokens(keyless, false, (line) => log.push(line))).to.equal(2);

					const rows = await storedTokenRows(database);
					expect(rows.map((row) => [row.guild, row.kick_user, row.access_token === null, row.refresh_token === null])).to.deep.equal([
						[String(GUILD_A), '555', true, true],
						[String(GUILD_A), '556', false, false],
						[String(GUILD_B), '555', true, true]
					]);
					expect(await a.kickTokens.get(555n), 'a forgotten row reads as no tokens').to.equal(null);
					expect(await b.kickTokens.get(555n)).to.equal(null);
					expect(await a.kickTokens.get(556n)).to.deep.include({ accessToken: 'new-access' });
					expect(log.map((line) => line.includes('forgot 1 plain-text token row(s)'))).to.deep.equal([true, true]);

					expect(await secureLegacyKickTokens(keyless, false, () => expect.fail('nothing to log'))).to.equal(0);
					expect(await storedTokenRows(database)).to.deep.equal(rows);
				} finally {
					// PostgreSQL: ends this client's own pool. PGlite: the connection is the test's database, so it stays open.
					if (engine.name === 'postgres') await keyless.close();
				}
			});
		});
	});
}
