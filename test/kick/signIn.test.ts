import { ApplyOptions } from '@sapphire/decorators';
import { expect } from 'chai';
import type { Database } from '#lib/database/Database';
import type { GuildContext } from '#lib/guild/GuildContext';
import { KickApiClient } from '#lib/kick/api/KickApiClient';
import { KickOAuthClient } from '#lib/kick/api/KickOAuthClient';
import { answerKickOAuthCallback, type KickOAuthCallbackPage } from '#lib/kick/answerKickOAuthCallback';
import {
	AUTHORIZATION_LIFETIME_MS,
	KickAuthorizationError,
	KickAuthorizations,
	OAUTH_CALLBACK_PATH,
	type KickOAuthCallback
} from '#lib/kick/KickAuthorizations';
import { KickSignInHandler, type KickSignIn, type KickSignInPage } from '#lib/kick/signIns/KickSignInHandler';
import { KickSignInHandlerStore } from '#lib/kick/signIns/KickSignInHandlerStore';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { GuildSettings } from '#lib/settings/GuildSettings';
import { setting } from '#lib/settings/SettingDefinition';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { rejection } from '#test/helpers/rejection';
import { addServers, emptyDatabase, GUILD_A, GUILD_B, selectRows, storedTokenRows } from '#test/kick/kickTestDatabase';
import { KickStandIn } from '#test/kick-standin/KickStandIn';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const REDIRECT_URI = `${PUBLIC_URL}${OAUTH_CALLBACK_PATH}`;
const VIEWER_ID = 7001n;
const MEMBER_A = 300000000000000001n;
const MEMBER_B = 300000000000000002n;
const START_AGAIN = 'Click the button again for a new link.';

async function authorizationError(promise: Promise<unknown>): Promise<KickAuthorizationError> {
	const error = await rejection(promise);
	expect(error).to.be.an.instanceOf(KickAuthorizationError);
	return error as KickAuthorizationError;
}

/** The settings of a server that switched these plugins off. */
function settingsOf(guildId: bigint, pluginsOff: readonly string[]): GuildSettings {
	const declared = new Map<string, DeclaredSetting>([
		...Object.entries(coreSettings).map(([key, definition]): [string, DeclaredSetting] => [key, { key, definition, declaredBy: 'the core' }]),
		['plugins_off', { key: 'plugins_off', definition: setting.pluginNames(['greeter'], 'off here'), declaredBy: 'the core' }]
	]);
	return new GuildSettings(guildId, new Map([['plugins_off', pluginsOff.join(',') || 'none']]), declared);
}

describe('A member’s sign-in with Kick for a feature (start → consent → callback) on PostgreSQL with the Kick stand-in', () => {
	let migrated: MigratedDatabase;
	let database: Database;
	let standIn: KickStandIn;
	let clock: number;
	let authorizations: KickAuthorizations;
	let warnings: string[];
	const log = { warn: (message: string) => void warnings.push(message) };

	const startSignIn = (guildId: bigint, discordUserId: bigint, purpose = 'greeter') => authorizations.startSignIn({ guildId, discordUserId, purpose });
	function callbackOf(redirect: string): KickOAuthCallback {
		const url = new URL(redirect);
		return { code: url.searchParams.get('code'), state: url.searchParams.get('state'), error: url.searchParams.get('error') };
	}
	const signedIn = async (guildId: bigint, discordUserId: bigint, asUser = 'viewer_anna') =>
		callbackOf(await standIn.consent((await startSignIn(guildId, discordUserId)).url, asUser));
	const complete = async (callback: KickOAuthCallback) => authorizations.completeSignIn(await authorizations.take(callback), callback, log);
	const pendingStates = async () =>
		(
			await selectRows<{ guild: string; member: string; purpose: string }>(
				database,
				'SELECT discord_server_id::text AS guild, discord_user_id::text AS member, purpose FROM kick_oauth_states ORDER BY 1, 2, 3'
			)
		).map((row) => `${row.guild}/${row.member}/${row.purpose}`);

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'kick_sign_in');
		database = migrated.database;
		standIn = await KickStandIn.start({
			seed: {
				app: { clientId: 'bot-client', clientSecret: 'bot-secret', redirectUris: [REDIRECT_URI] },
				users: [{ username: 'viewer_anna', userId: Number(VIEWER_ID) }, { username: 'GamblerJoe' }]
			}
		});
	});
	after(async () => {
		await standIn?.stop();
		await migrated?.close();
	});
	beforeEach(async () => {
		await emptyDatabase(database);
		await addServers(database, GUILD_A, GUILD_B);
		clock = Date.now();
		authorizations = new KickAuthorizations({
			database,
			oauth: new KickOAuthClient({ authUrl: standIn.authUrl, clientId: 'bot-client', clientSecret: 'bot-secret' }),
			api: new KickApiClient({ apiUrl: standIn.apiUrl }),
			publicUrl: PUBLIC_URL,
			startAgain: (purpose) => (purpose === 'greeter' ? START_AGAIN : undefined),
			now: () => clock
		});
		warnings = [];
		standIn.expireAccessTokensOf('viewer_anna');
	});

	it('asks Kick for user:read only, then reads who signed in for that server and member and revokes the tokens, storing none', async () => {
		const { url, expiresAt } = await startSignIn(GUILD_A, MEMBER_A);
		const authorize = new URL(url);
		expect(authorize.searchParams.get('scope')).to.equal('user:read');
		expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
		expect(authorize.searchParams.get('redirect_uri')).to.equal(REDIRECT_URI);
		expect(expiresAt.getTime()).to.equal(clock + AUTHORIZATION_LIFETIME_MS);
		expect(await pendingStates()).to.deep.equal([`${GUILD_A}/${MEMBER_A}/greeter`]);

		const completed = await complete(callbackOf(await standIn.consent(url, 'viewer_anna')));

		expect(completed).to.deep.equal({ guildId: GUILD_A, discordUserId: MEMBER_A, purpose: 'greeter', kick: { userId: VIEWER_ID, name: 'viewer_anna' } });
		expect(standIn.activeTokensOf('viewer_anna'), 'both tokens revoked at Kick').to.deep.equal([]);
		expect(await storedTokenRows(database)).to.deep.equal([]);
		expect(await pendingStates(), 'the state is spent').to.deep.equal([]);
		expect(warnings).to.deep.equal([]);
	});

	it('keeps a member’s sign-in and a streamer’s authorisation, and one member’s sign-ins in two servers, pending apart', async () => {
		await startSignIn(GUILD_A, MEMBER_A);
		await authorizations.start({ guildId: GUILD_A, discordUserId: MEMBER_A, channelSlug: 'gamblerjoe' });
		await startSignIn(GUILD_B, MEMBER_A);
		expect(await pendingStates()).to.deep.equal([`${GUILD_A}/${MEMBER_A}/broadcaster`, `${GUILD_A}/${MEMBER_A}/greeter`, `${GUILD_B}/${MEMBER_A}/greeter`]);
		expect(await rejection(startSignIn(GUILD_A, MEMBER_A, 'broadcaster'))).to.be.an.instanceOf(TypeError);
	});

	it('refuses a state used once already (410), asking Kick nothing more', async () => {
		const callback = await signedIn(GUILD_A, MEMBER_A);
		await complete(callback);
		const from = standIn.requestLog.mark();

		const error = await authorizationError(complete(callback));

		expect(error.status).to.equal(410);
		expect(error.message).to.equal(
			'This authorisation link was already used or is not ours. Start again from Discord: the command or button that gave you the link makes a new one.'
		);
		expect(standIn.requestLog.filter(() => true, from)).to.have.length(0);
	});

	it('refuses a state past its 10 minutes (410), saying how the feature starts again, and never exchanges the code', async () => {
		const callback = await signedIn(GUILD_A, MEMBER_A);
		const from = standIn.requestLog.mark();
		clock += AUTHORIZATION_LIFETIME_MS + 1;

		const error = await authorizationError(complete(callback));

		expect(error.status).to.equal(410);
		expect(error.message).to.equal(`This authorisation link expired (they work for 10 minutes). ${START_AGAIN}`);
		expect(standIn.requestLog.filter((request) => request.path === '/oauth/token', from)).to.have.length(0);
		expect(standIn.activeTokensOf('viewer_anna')).to.deep.equal([]);
	});

	it('refuses the sign-in of another server’s link brought back with this server’s state (403): Kick’s PKCE binds the code to its link', async () => {
		const stateOfA = new URL((await startSignIn(GUILD_A, MEMBER_A)).url).searchParams.get('state');
		const codeOfB = await signedIn(GUILD_B, MEMBER_B);

		const error = await authorizationError(complete({ ...codeOfB, state: stateOfA }));

		expect(error.status).to.equal(403);
		expect(error.message).to.equal(
			`Kick did not accept this sign-in for this link: it was made through another link, or already used. Nothing was changed. ${START_AGAIN}`
		);
		expect(standIn.activeTokensOf('viewer_anna'), 'Kick issued no token').to.deep.equal([]);
		expect(await pendingStates(), 'A’s state is spent, B’s still waits for its own code').to.deep.equal([`${GUILD_B}/${MEMBER_B}/greeter`]);
	});

	it('says so when the member refused on Kick (403), exchanging nothing', async () => {
		const { url } = await startSignIn(GUILD_A, MEMBER_A);
		const error = await authorizationError(complete(callbackOf(await standIn.deny(url))));
		expect(error.status).to.equal(403);
		expect(error.message).to.equal(`You did not sign in on Kick (access_denied). Nothing was changed. ${START_AGAIN}`);
	});

	it('revokes the tokens when Kick fails to say who signed in (502)', async () => {
		const callback = await signedIn(GUILD_A, MEMBER_A);
		standIn.answerNext({ method: 'GET', path: '/public/v1/users', status: 503 });

		expect((await authorizationError(complete(callback))).status).to.equal(502);

		expect(standIn.activeTokensOf('viewer_anna')).to.deep.equal([]);
	});

	describe('the callback page (answerKickOAuthCallback)', () => {
		let completions: { signIn: KickSignIn; guildId: bigint }[];
		let pluginsOff: Map<bigint, readonly string[]>;
		const handler = {
			plugin: 'greeter',
			startAgain: START_AGAIN,
			complete: async (signIn: KickSignIn, context: GuildContext): Promise<KickSignInPage> => {
				completions.push({ signIn, guildId: context.guildId });
				return { title: 'Greeted', message: `Hello ${signIn.kick.name} in server ${context.guildId}.`, status: 200 };
			}
		};
		const answer = (redirect: string, handlers: Readonly<Record<string, typeof handler>> = { greeter: handler }): Promise<KickOAuthCallbackPage> =>
			answerKickOAuthCallback(Object.fromEntries(new URL(redirect).searchParams), {
				authorizations,
				linkServer: () => Promise.reject(new Error('no streamer authorisation in these tests')),
				signInHandler: (purpose) => handlers[purpose],
				loadContext: async (guildId) =>
					testGuildContext({ guildId, settings: settingsOf(guildId, pluginsOff.get(guildId) ?? []), db: database.forGuild(guildId) }),
				logger: { info: () => undefined, warn: log.warn, error: (message) => void warnings.push(message) }
			});

		beforeEach(() => {
			completions = [];
			pluginsOff = new Map();
		});

		it('hands the Kick account to the purpose’s handler with the context of the server the link was made in, and shows its page', async () => {
			const page = await answer(await standIn.consent((await startSignIn(GUILD_B, MEMBER_B)).url, 'viewer_anna'));

			expect(page).to.deep.equal({ status: 200, title: 'Greeted', message: `Hello viewer_anna in server ${GUILD_B}.` });
			expect(completions).to.deep.equal([
				{ signIn: { discordUserId: String(MEMBER_B), kick: { userId: VIEWER_ID, name: 'viewer_anna' } }, guildId: GUILD_B }
			]);
			expect(standIn.activeTokensOf('viewer_anna')).to.deep.equal([]);
		});

		it('refuses, asking Kick nothing, a sign-in for a plugin that server switched off, or for a purpose no plugin completes', async () => {
			pluginsOff.set(GUILD_A, ['greeter']);
			const from = standIn.requestLog.mark();

			const off = await answer(await standIn.consent((await startSignIn(GUILD_A, MEMBER_A)).url, 'viewer_anna'));
			const unknown = await answer(await standIn.consent((await startSignIn(GUILD_B, MEMBER_B)).url, 'viewer_anna'), {});

			expect(off).to.deep.equal({
				status: 403,
				title: 'The Kick sign-in did not complete',
				message: 'The greeter feature is switched off in that Discord server, so nothing was changed.'
			});
			expect(unknown).to.deep.include({ status: 410, message: 'This sign-in was for a feature this bot no longer runs. Nothing was changed.' });
			expect(completions).to.deep.equal([]);
			expect(standIn.requestLog.filter((request) => request.path === '/oauth/token', from)).to.have.length(0);
		});

		it('shows a reused link’s refusal under a title that names no feature', async () => {
			const redirect = await standIn.consent((await startSignIn(GUILD_A, MEMBER_A)).url, 'viewer_anna');
			await answer(redirect);
			expect(await answer(redirect)).to.deep.include({ status: 410, title: 'The Kick authorisation did not complete' });
			expect(completions).to.have.length(1);
		});
	});
});

describe('The kick-sign-ins store', () => {
	/** A handler without options of its own: each test piece below declares them (an ApplyOptions of a parent class would win over the child's). */
	abstract class Polite extends KickSignInHandler {
		public override async complete(): Promise<KickSignInPage> {
			return { title: 'Hi', message: 'Hello.' };
		}
	}
	@ApplyOptions<KickSignInHandler.Options>({ purpose: 'greeter', startAgain: START_AGAIN })
	class Greeter extends Polite {}
	@ApplyOptions<KickSignInHandler.Options>({ purpose: 'greeter', startAgain: START_AGAIN })
	class Copycat extends Polite {}
	@ApplyOptions<KickSignInHandler.Options>({ purpose: 'broadcaster', startAgain: START_AGAIN })
	class Thief extends Polite {}
	@ApplyOptions({ purpose: 'mute' } as KickSignInHandler.Options)
	class Mute extends Polite {}

	async function loadedStore(): Promise<KickSignInHandlerStore> {
		const store = new KickSignInHandlerStore();
		await store.loadAll();
		return store;
	}

	it('finds the handler of a purpose, and refuses a second handler of one purpose, naming both', async () => {
		const store = await loadedStore();
		await store.loadPiece({ name: 'greeter', piece: Greeter });
		expect(store.handlerFor('greeter')?.name).to.equal('greeter');
		expect(store.handlerFor('other')).to.equal(undefined);

		expect(await rejection(store.loadPiece({ name: 'copycat', piece: Copycat })))
			.to.be.an.instanceOf(TypeError)
			.with.property(
				'message',
				'Two Kick sign-in handlers complete purpose "greeter": piece "greeter" (loaded without a file) and piece "copycat" (loaded without a file). A purpose has one handler.'
			);
		expect(store.handlerFor('greeter')?.name).to.equal('greeter');
	});

	it('refuses the core’s purpose, and a handler that does not say how to start again', async () => {
		const store = await loadedStore();
		expect(await rejection(store.loadPiece({ name: 'thief', piece: Thief })))
			.to.be.an.instanceOf(TypeError)
			.with.property('message')
			.that.matches(/^Kick sign-in handler "thief": purpose "broadcaster" is not a purpose/);
		expect(await rejection(store.loadPiece({ name: 'mute', piece: Mute })))
			.to.be.an.instanceOf(TypeError)
			.with.property('message', 'Kick sign-in handler "mute": startAgain is missing (a sentence: how a member starts the sign-in again).');
	});
});
