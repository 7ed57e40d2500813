import { expect } from 'chai';
import { Database as DatabaseClass, type Database } from '#lib/database/Database';
import { TokenCipher } from '#lib/database/TokenCipher';
import { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickApiError } from '#lib/kick/api/KickApiError';
import { KickOAuthClient } from '#lib/kick/api/KickOAuthClient';
import { createOAuthState, createPkcePair } from '#lib/kick/api/pkce';
import { BROADCASTER_SCOPES } from '#lib/kick/KickAuthorizations';
import { KickReauthorizationNeededError, KickTokenKeeper, REFRESH_MARGIN_MS, TOKEN_REREAD_MS } from '#lib/kick/KickTokenKeeper';
import { countingConnection } from '#test/helpers/countingConnection';
import { openMigratedDatabase, postgresEngine, TEST_TOKEN_KEY, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import { addServers, emptyDatabase, GUILD_A, GUILD_B, GUILD_C, selectRows, storedTokenRows } from '#test/kick/kickTestDatabase';
import type { KickRequest } from '#test/kick-standin/RequestLog';
import { KickStandIn } from '#test/kick-standin/KickStandIn';

const REDIRECT_URI = 'http://127.0.0.1:8080/kick/oauth/callback';
const STREAMER_ID = 4242n;
const TOKEN_LIFETIME_MS = 3600_000;
const MODERATOR = 300000000000000001n;

describe('Kick token keeper on PostgreSQL with the Kick stand-in', () => {
	let migrated: MigratedDatabase;
	let database: Database;
	let standIn: KickStandIn;
	let api: KickApiClient;
	/** The bot's clock: the keeper decides with it, and the OAuth client computes expiries from it. */
	let clock: number;
	let oauth: KickOAuthClient;
	let reauthorizations: [guildId: bigint, reason: string][];
	let keeper: KickTokenKeeper;

	const newKeeper = (oauthClient = oauth) =>
		new KickTokenKeeper({
			database,
			oauth: oauthClient,
			onReauthorizationNeeded: async (guildId, reason) => {
				reauthorizations.push([guildId, reason]);
			},
			now: () => clock,
			raceWaitMs: 0
		});

	/** The streamer authorises the bot for a server (a separate grant per server), as /kick connect leaves it. */
	async function link(guildId: bigint): Promise<{ accessToken: string; refreshToken: string; expiresAt: Date }> {
		const pkce = createPkcePair();
		const url = oauth.authorizeUrl({ redirectUri: REDIRECT_URI, state: createOAuthState(), scopes: BROADCASTER_SCOPES, codeChallenge: pkce.challenge });
		const code = new URL(await standIn.consent(url, 'GamblerJoe')).searchParams.get('code')!;
		const tokens = await oauth.exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier });
		const repositories = database.forGuild(guildId);
		await repositories.kickTokens.save({
			kickUserId: STREAMER_ID,
			kickUsername: 'GamblerJoe',
			accessToken: tokens.accessToken,
			refreshToken: tokens.refreshToken,
			scopes: tokens.scopes,
			expiresAt: tokens.expiresAt
		});
		await repositories.kickConnection.connect({ broadcasterUserId: STREAMER_ID, channelSlug: 'gamblerjoe', connectedBy: MODERATOR, eventsVia: 'webhook' });
		return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken!, expiresAt: tokens.expiresAt };
	}

	const refreshRequests = (from: number): KickRequest[] =>
		standIn.requestLog.filter(
			(request) => request.path === '/oauth/token' && (request.body as Record<string, string>).grant_type === 'refresh_token',
			from
		);
	const storedTokens = (guildId: bigint) => database.forGuild(guildId).kickTokens.get(STREAMER_ID);
	const reauthorizationMarks = async () =>
		(
			await selectRows<{ guild: string; since: Date | null; reason: string | null }>(
				database,
				'SELECT discord_server_id::text AS guild, needs_reauthorization_since AS since, reauthorization_reason AS reason FROM kick_connections ORDER BY 1'
			)
		).filter((row) => row.since !== null);

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'kick_token_keeper');
		database = migrated.database;
		standIn = await KickStandIn.start({
			seed: {
				app: { clientId: 'bot-client', clientSecret: 'bot-secret', redirectUris: [REDIRECT_URI] },
				users: [{ username: 'GamblerJoe', userId: Number(STREAMER_ID) }]
			}
		});
		api = new KickApiClient({ apiUrl: standIn.apiUrl });
	});

	after(async () => {
		await standIn?.stop();
		await migrated?.close();
	});

	beforeEach(async () => {
		await emptyDatabase(database);
		await addServers(database, GUILD_A, GUILD_B, GUILD_C);
		clock = Date.now();
		reauthorizations = [];
		oauth = new KickOAuthClient({ authUrl: standIn.authUrl, clientId: 'bot-client', clientSecret: 'bot-secret', now: () => clock });
		keeper = newKeeper();
	});

	it('hands out a stored token more than 5 minutes from expiry without asking Kick', async () => {
		const linked = await link(GUILD_A);
		clock = linked.expiresAt.getTime() - REFRESH_MARGIN_MS - 1;
		const from = standIn.requestLog.mark();

		expect(await keeper.accessToken(GUILD_A, STREAMER_ID)).to.equal(linked.accessToken);

		expect(standIn.requestLog.filter(() => true, from)).to.have.length(0);
	});

	it('refreshes a token 5 minutes from expiry: the new pair is stored encrypted and Kick refuses the old refresh token', async () => {
		const linked = await link(GUILD_A);
		clock = linked.expiresAt.getTime() - REFRESH_MARGIN_MS;
		const from = standIn.requestLog.mark();

		const accessToken = await keeper.accessToken(GUILD_A, STREAMER_ID);

		expect(accessToken).to.not.equal(linked.accessToken);
		const refreshes = refreshRequests(from);
		expect(refreshes).to.have.length(1);
		expect((refreshes[0]!.body as Record<string, string>).refresh_token).to.equal(linked.refreshToken);
		const stored = await storedTokens(GUILD_A);
		expect(stored?.accessToken).to.equal(accessToken);
		expect(stored?.refreshToken).to.be.a('string').and.not.equal(linked.refreshToken);
		expect(stored?.expiresAt?.getTime()).to.equal(clock + TOKEN_LIFETIME_MS);
		const [row] = await storedTokenRows(database);
		expect(row!.access_token)
			.to.match(/^enc:v1:/)
			.and.not.contain(accessToken);
		expect(row!.refresh_token)
			.to.match(/^enc:v1:/)
			.and.not.contain(stored!.refreshToken!);
		expect((await api.currentUser(accessToken)).name, 'the new token works at Kick').to.equal('GamblerJoe');
		const oldRefresh = await rejection(oauth.refresh(linked.refreshToken));
		expect(oldRefresh).to.be.an.instanceOf(KickApiError).that.deep.includes({ status: 400, retryable: false });

		const later = standIn.requestLog.mark();
		expect(await keeper.accessToken(GUILD_A, STREAMER_ID), 'the refreshed token is used from then on').to.equal(accessToken);
		expect(standIn.requestLog.filter(() => true, later)).to.have.length(0);
	});

	it('shares one refresh between concurrent requests for one server’s token', async () => {
		const linked = await link(GUILD_A);
		clock = linked.expiresAt.getTime() - 60_000;
		const from = standIn.requestLog.mark();

		const tokens = await Promise.all(Array.from({ length: 8 }, () => keeper.accessToken(GUILD_A, STREAMER_ID)));

		expect(new Set(tokens).size).to.equal(1);
		expect(tokens[0]).to.not.equal(linked.accessToken);
		expect(refreshRequests(from)).to.have.length(1);
		expect((await storedTokens(GUILD_A))?.accessToken).to.equal(tokens[0]);
	});

	it('marks the server and tells its moderators once when Kick refuses the refresh; later calls fail without asking Kick', async () => {
		const linked = await link(GUILD_A);
		clock = linked.expiresAt.getTime() - 60_000;
		standIn.refuseRefreshFor('GamblerJoe');
		const from = standIn.requestLog.mark();

		const concurrent = await Promise.allSettled(Array.from({ length: 3 }, () => keeper.accessToken(GUILD_A, STREAMER_ID)));
		const later = [
			await rejection(keeper.accessToken(GUILD_A, STREAMER_ID)),
			await rejection(keeper.accessToken(GUILD_A, STREAMER_ID, { forceRefresh: true }))
		];

		for (const error of [...concurrent.map((result) => (result.status === 'rejected' ? result.reason : result.value)), ...later]) {
			expect(error).to.be.an.instanceOf(KickReauthorizationNeededError).with.property('guildId', GUILD_A);
		}
		expect(reauthorizations).to.have.length(1);
		expect(reauthorizations[0]![0]).to.equal(GUILD_A);
		expect(reauthorizations[0]![1]).to.contain('invalid_grant');
		const marks = await reauthorizationMarks();
		expect(marks.map((mark) => mark.guild)).to.deep.equal([String(GUILD_A)]);
		expect(marks[0]!.reason).to.equal(reauthorizations[0]![1]);
		expect((await database.forGuild(GUILD_A).kickConnection.get())?.needsReauthorizationSince).to.be.an.instanceOf(Date);
		expect(refreshRequests(from), 'one refresh, then the mark stops every call before Kick').to.have.length(1);
	});

	it('throws a retryable KickApiError and leaves the server unmarked when Kick’s token endpoint fails for a while', async () => {
		const linked = await link(GUILD_A);
		clock = linked.expiresAt.getTime() - 60_000;
		standIn.answerNext({ method: 'POST', path: '/oauth/token', status: 503 });

		const error = await rejection(keeper.accessToken(GUILD_A, STREAMER_ID));

		expect(error).to.be.an.instanceOf(KickApiError).that.deep.includes({ status: 503, retryable: true });
		expect(await reauthorizationMarks()).to.deep.equal([]);
		expect(reauthorizations).to.deep.equal([]);
		expect((await storedTokens(GUILD_A))?.accessToken, 'the stored tokens are kept').to.equal(linked.accessToken);
		const renewed = await keeper.accessToken(GUILD_A, STREAMER_ID);
		expect(renewed, 'the next call refreshes').to.not.equal(linked.accessToken);
	});

	it('refreshExpiring refreshes only the servers whose tokens expire soon and skips marked and unlinked ones', async () => {
		const expiringA = await link(GUILD_A);
		const markedC = await link(GUILD_C);
		await database.forGuild(GUILD_C).kickConnection.markNeedsReauthorization('Kick refused the tokens');
		clock += 30 * 60_000;
		const freshB = await link(GUILD_B);
		const unlinked = 100000000000000009n;
		clock = expiringA.expiresAt.getTime() - 4 * 60_000;
		const from = standIn.requestLog.mark();

		const refreshed = await keeper.refreshExpiring([
			{ guildId: GUILD_A, broadcasterUserId: STREAMER_ID },
			{ guildId: GUILD_B, broadcasterUserId: STREAMER_ID },
			{ guildId: GUILD_C, broadcasterUserId: STREAMER_ID },
			{ guildId: unlinked, broadcasterUserId: STREAMER_ID }
		]);

		expect(refreshed).to.equal(1);
		expect(refreshRequests(from).map((request) => (request.body as Record<string, string>).refresh_token)).to.deep.equal([expiringA.refreshToken]);
		expect((await storedTokens(GUILD_A))?.accessToken).to.not.equal(expiringA.accessToken);
		expect((await storedTokens(GUILD_B))?.accessToken).to.equal(freshB.accessToken);
		expect((await storedTokens(GUILD_C))?.accessToken).to.equal(markedC.accessToken);
		expect(reauthorizations).to.deep.equal([]);
	});

	it('refreshExpiring goes on with the other servers when Kick fails for one', async () => {
		const a = await link(GUILD_A);
		const b = await link(GUILD_B);
		clock = a.expiresAt.getTime() - 60_000;
		standIn.answerNext({ method: 'POST', path: '/oauth/token', status: 503 });

		expect(
			await keeper.refreshExpiring([
				{ guildId: GUILD_A, broadcasterUserId: STREAMER_ID },
				{ guildId: GUILD_B, broadcasterUserId: STREAMER_ID }
			])
		).to.equal(1);

		expect((await storedTokens(GUILD_A))?.accessToken, 'left for the next run').to.equal(a.accessToken);
		expect((await storedTokens(GUILD_B))?.accessToken).to.not.equal(b.accessToken);
		expect(await reauthorizationMarks()).to.deep.equal([]);
	});

	// Bug in src/lib/kick/KickTokenKeeper.ts refreshExpiring: the tokens are read outside its try, so one server's unreadable row stops every later server.
	it('refreshExpiring goes on with the other servers when one server’s stored tokens cannot be decrypted', async () => {
		const a = await link(GUILD_A);
		const b = await link(GUILD_B);
		// A's row as a bot process with another TOKEN_ENCRYPTION_KEY wrote it.
		const otherKey = new DatabaseClass(database.connection, { tokenCipher: new TokenCipher(Buffer.alloc(32, 9)) });
		try {
			await otherKey.forGuild(GUILD_A).kickTokens.save({
				kickUserId: STREAMER_ID,
				kickUsername: 'GamblerJoe',
				accessToken: a.accessToken,
				refreshToken: a.refreshToken,
				scopes: [],
				expiresAt: a.expiresAt
			});
		} finally {
			await otherKey.close();
		}
		clock = b.expiresAt.getTime() - 60_000;

		const refreshed = await keeper.refreshExpiring([
			{ guildId: GUILD_A, broadcasterUserId: STREAMER_ID },
			{ guildId: GUILD_B, broadcasterUserId: STREAMER_ID }
		]);

		expect(refreshed).to.equal(1);
		expect((await storedTokens(GUILD_B))?.accessToken).to.not.equal(b.accessToken);
	});

	it('never marks server B when Kick refuses server A’s refresh, though both follow the same channel', async () => {
		const a = await link(GUILD_A);
		const b = await link(GUILD_B);
		clock = a.expiresAt.getTime() - 60_000;
		standIn.refuseRefreshFor('GamblerJoe');

		const refreshed = await keeper.refreshExpiring([
			{ guildId: GUILD_A, broadcasterUserId: STREAMER_ID },
			{ guildId: GUILD_B, broadcasterUserId: STREAMER_ID }
		]);

		expect(refreshed).to.equal(1);
		expect((await reauthorizationMarks()).map((mark) => mark.guild)).to.deep.equal([String(GUILD_A)]);
		expect(reauthorizations.map(([guildId]) => guildId)).to.deep.equal([GUILD_A]);
		expect(await rejection(keeper.accessToken(GUILD_A, STREAMER_ID))).to.be.an.instanceOf(KickReauthorizationNeededError);
		const tokenOfB = await keeper.accessToken(GUILD_B, STREAMER_ID);
		expect(tokenOfB).to.not.equal(b.accessToken);
		expect((await api.currentUser(tokenOfB)).name).to.equal('GamblerJoe');
		expect((await database.forGuild(GUILD_B).kickConnection.get())?.needsReauthorizationSince).to.equal(null);
	});

	it('takes the tokens another bot process just rotated instead of marking the server when its own refresh is refused', async () => {
		const linked = await link(GUILD_A);
		clock = linked.expiresAt.getTime() - 60_000;
		const otherProcess = newKeeper();
		let otherProcessRefreshes: (() => Promise<string>) | null = () => otherProcess.accessToken(GUILD_A, STREAMER_ID);
		// This process has read the old tokens; the other process refreshes just before this one's request reaches Kick.
		const racingOAuth = new KickOAuthClient({
			authUrl: standIn.authUrl,
			clientId: 'bot-client',
			clientSecret: 'bot-secret',
			now: () => clock,
			fetch: async (input, init) => {
				const first = otherProcessRefreshes;
				otherProcessRefreshes = null;
				if (first !== null) await first();
				return fetch(input, init);
			}
		});
		const from = standIn.requestLog.mark();

		const token = await newKeeper(racingOAuth).accessToken(GUILD_A, STREAMER_ID);

		expect(
			refreshRequests(from).map((request) => request.status),
			'the other process’s refresh, then this one’s, refused'
		).to.deep.equal([200, 400]);
		expect(token).to.not.equal(linked.accessToken);
		expect(token).to.equal((await storedTokens(GUILD_A))?.accessToken);
		expect(await reauthorizationMarks()).to.deep.equal([]);
		expect(reauthorizations).to.deep.equal([]);
	});

	it('asks for a new authorisation without marking anything when the server holds no tokens', async () => {
		await database
			.forGuild(GUILD_A)
			.kickConnection.connect({ broadcasterUserId: STREAMER_ID, channelSlug: 'gamblerjoe', connectedBy: MODERATOR, eventsVia: 'webhook' });

		const error = await rejection(keeper.accessToken(GUILD_A, STREAMER_ID));

		expect(error).to.be.an.instanceOf(KickReauthorizationNeededError);
		expect((error as Error).message).to.contain('no tokens are stored');
		expect(await reauthorizationMarks()).to.deep.equal([]);
	});

	describe('holding the decrypted tokens in memory', () => {
		let counted: { readonly database: Database; readonly statements: string[] };
		const reads = (table: string) => counted.statements.filter((sql) => /^\s*select/i.test(sql) && sql.includes(`"${table}"`)).length;
		const countedKeeper = () =>
			new KickTokenKeeper({ database: counted.database, oauth, onReauthorizationNeeded: async () => undefined, now: () => clock, raceWaitMs: 0 });
		const sendChat = (keeper: KickTokenKeeper, content: string) =>
			keeper.withToken(GUILD_A, STREAMER_ID, (token) => api.sendChat(token, { type: 'bot', content }));

		beforeEach(() => {
			const counter = countingConnection(database.connection);
			// Closing it disconnects its client only: the connection is the suite's.
			counted = {
				database: new DatabaseClass({ ...counter.connection, close: async () => undefined }, { tokenCipher: new TokenCipher(TEST_TOKEN_KEY) }),
				statements: counter.statements
			};
		});

		afterEach(() => counted.database.close());

		it('reads and decrypts a server’s tokens once for many sends, and again once a minute, so another process’s refresh is seen', async () => {
			const linked = await link(GUILD_A);
			const keeper = countedKeeper();

			for (let n = 0; n < 20; n++) await sendChat(keeper, `message ${n}`);

			expect(standIn.chat.list('GamblerJoe').slice(-20)).to.have.length(20);
			expect(reads('kick_oauth_tokens'), 'token row reads for 20 sends').to.equal(1);
			expect(reads('kick_connections'), 'connection row reads for 20 sends').to.equal(1);

			// Another bot process refreshes: this one keeps the token it holds until a minute has passed, then takes the new one.
			const refreshedElsewhere = await newKeeper().accessToken(GUILD_A, STREAMER_ID, { forceRefresh: true });
			expect(await keeper.accessToken(GUILD_A, STREAMER_ID)).to.equal(linked.accessToken);
			clock += TOKEN_REREAD_MS;
			const from = standIn.requestLog.mark();
			expect(await keeper.accessToken(GUILD_A, STREAMER_ID)).to.equal(refreshedElsewhere);
			expect(reads('kick_oauth_tokens')).to.equal(2);
			expect(refreshRequests(from), 'the other process’s tokens are taken, not refreshed again').to.have.length(0);
		});

		it('on a 401, reads the tokens again and retries once with the token another process refreshed, without refreshing', async () => {
			const linked = await link(GUILD_A);
			const keeper = countedKeeper();
			await sendChat(keeper, 'before');
			// Another process refreshed, and Kick ended the token this process holds.
			const refreshedElsewhere = await newKeeper().accessToken(GUILD_A, STREAMER_ID, { forceRefresh: true });
			standIn.expireAccessToken(linked.accessToken);
			const from = standIn.requestLog.mark();

			await sendChat(keeper, 'after the 401');

			const chats = standIn.requestLog.filter((request) => request.path === '/public/v1/chat', from);
			expect(chats.map((request) => request.status)).to.deep.equal([401, 200]);
			expect(refreshRequests(from)).to.have.length(0);
			expect(reads('kick_oauth_tokens'), 'read again once after the 401').to.equal(2);
			expect(await keeper.accessToken(GUILD_A, STREAMER_ID)).to.equal(refreshedElsewhere);
		});

		it('on a 401 with no newer token stored, refreshes once and retries once; a second 401 is the caller’s error', async () => {
			const linked = await link(GUILD_A);
			const keeper = countedKeeper();
			await sendChat(keeper, 'before');
			standIn.expireAccessToken(linked.accessToken);
			const from = standIn.requestLog.mark();

			await sendChat(keeper, 'after the 401');

			expect(standIn.requestLog.filter((request) => request.path === '/public/v1/chat', from).map((request) => request.status)).to.deep.equal([401, 200]);
			expect(refreshRequests(from)).to.have.length(1);

			const calls: string[] = [];
			const refused = await rejection(
				keeper.withToken(GUILD_A, STREAMER_ID, async (token) => {
					calls.push(token);
					throw new KickApiError({ endpoint: 'POST /chat', status: 401, message: 'Unauthorized', retryable: false });
				})
			);
			expect(refused).to.be.an.instanceOf(KickApiError).with.property('status', 401);
			expect(calls, 'tried twice, not more').to.have.length(2);
		});

		it('uses no held token once the server is unlinked in this process', async () => {
			await link(GUILD_A);
			const keeper = countedKeeper();
			await sendChat(keeper, 'while linked');
			await counted.database.forGuild(GUILD_A).kickTokens.delete(STREAMER_ID);
			await counted.database.forGuild(GUILD_A).kickConnection.disconnect();
			keeper.forget(GUILD_A);
			const from = standIn.requestLog.mark();

			const error = await rejection(sendChat(keeper, 'after the unlink'));

			expect(error).to.be.an.instanceOf(KickReauthorizationNeededError);
			expect((error as Error).message).to.contain('no tokens are stored');
			expect(standIn.requestLog.filter((request) => request.path === '/public/v1/chat', from)).to.deep.equal([]);
		});
	});
});
