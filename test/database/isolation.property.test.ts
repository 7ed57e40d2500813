import { expect } from 'chai';
import * as fc from 'fast-check';
import {
	applySettingsCall,
	describeIsolation,
	expectSettingsMatch,
	GUILDS,
	guild,
	settingsCall,
	text,
	type IsolationWorld,
	type SettingsCall
} from '#test/helpers/isolationHarness';

// The core's own repositories (bot settings, Kick tokens, the server row, the overlay key); each plugin's have their isolation test in its tests/.

const KICK_USER_IDS = [42n, 43n] as const;

type Call =
	| SettingsCall
	| { kind: 'saveToken'; g: number; kickUserId: bigint; token: string }
	| { kind: 'getToken' | 'deleteToken'; g: number; kickUserId: bigint }
	| { kind: 'ensureServer'; g: number; name: string }
	| { kind: 'overlayKey' | 'rotateOverlayKey'; g: number };

interface CoreModel {
	settings: Map<string, string>;
	tokens: Map<bigint, string>;
	/** undefined while the server has no row. */
	serverName: string | undefined;
	/** undefined until the server's overlay key is first asked for. */
	overlayKey: string | undefined;
}

const kickUserId = fc.constantFrom(...KICK_USER_IDS);

describeIsolation<CoreModel, Call>({
	subject: 'core',
	repositories: new Map(),
	tables: ['bot_settings', 'kick_oauth_tokens', 'servers', 'overlay_keys'],
	emptyModel: () => ({ settings: new Map(), tokens: new Map(), serverName: undefined, overlayKey: undefined }),
	call: fc.oneof(
		{ weight: 5, arbitrary: settingsCall(['prefix', 'moderator_role_id']) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('saveToken' as const), g: guild, kickUserId, token: text }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('getToken' as const, 'deleteToken' as const), g: guild, kickUserId }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('ensureServer' as const), g: guild, name: text }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('overlayKey' as const, 'rotateOverlayKey' as const), g: guild }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({
		bot_settings: model.settings.size,
		kick_oauth_tokens: model.tokens.size,
		servers: model.serverName === undefined ? 0 : 1,
		overlay_keys: model.overlayKey === undefined ? 0 : 1
	})
});

async function apply(world: IsolationWorld<CoreModel>, call: Call): Promise<void> {
	const repositories = world.repositoriesOf(call.g);
	const own = world.model(call.g);
	switch (call.kind) {
		case 'setSetting':
		case 'deleteSetting':
			return applySettingsCall(repositories.settings, own.settings, call);
		case 'saveToken': {
			const token = `${call.token} of ${call.g}`;
			own.tokens.set(call.kickUserId, token);
			const tokens = {
				kickUserId: call.kickUserId,
				kickUsername: 'streamer',
				accessToken: token,
				refreshToken: null,
				scopes: ['chat:write'],
				expiresAt: null
			};
			await repositories.kickTokens.save(tokens);
			return;
		}
		case 'getToken':
			expect((await repositories.kickTokens.get(call.kickUserId))?.accessToken ?? null).to.equal(own.tokens.get(call.kickUserId) ?? null);
			return;
		case 'deleteToken': {
			const existed = own.tokens.delete(call.kickUserId);
			expect(await repositories.kickTokens.delete(call.kickUserId)).to.equal(existed);
			return;
		}
		case 'ensureServer':
			own.serverName = call.name;
			expect((await repositories.server.ensure({ name: call.name, ownerId: null })).guildId).to.equal(GUILDS[call.g]);
			return;
		case 'overlayKey': {
			const key = await repositories.overlayKeys.key();
			if (own.overlayKey !== undefined) expect(key, 'the key asked for again').to.equal(own.overlayKey);
			own.overlayKey = key;
			return;
		}
		case 'rotateOverlayKey': {
			const { key } = await repositories.overlayKeys.rotate();
			expect(key, 'a rotated key').to.not.equal(own.overlayKey);
			own.overlayKey = key;
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<CoreModel>, index: number): Promise<void> {
	const repositories = world.repositoriesOf(index);
	const own = world.model(index);
	const where = `server ${index}`;
	await expectSettingsMatch(repositories.settings, own.settings, `${where} settings`);
	expect(await repositories.kickTokens.userIds(), `${where} Kick token users`).to.deep.equal([...own.tokens.keys()].sort((x, y) => (x < y ? -1 : 1)));
	for (const kickUserId of KICK_USER_IDS) {
		expect((await repositories.kickTokens.get(kickUserId))?.accessToken ?? null, `${where} token of ${kickUserId}`).to.equal(
			own.tokens.get(kickUserId) ?? null
		);
	}
	expect((await repositories.server.get())?.name ?? null, `${where} server row`).to.equal(own.serverName ?? null);
	// Asked for again, the key is the one this server was last given: another server's rotation never changes it.
	if (own.overlayKey !== undefined) expect(await repositories.overlayKeys.key(), `${where} overlay key`).to.equal(own.overlayKey);
}
