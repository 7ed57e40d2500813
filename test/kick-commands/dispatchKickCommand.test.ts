import { join } from 'node:path';
import { ApplyOptions } from '@sapphire/decorators';
import { expect } from 'chai';
import { testGuildContext } from '#test/helpers/guildContext';
import type { GuildContext } from '#lib/guild/GuildContext';
import { KickCommand, KickCommandArgs } from '#lib/kick/commands/KickCommand';
import { DuplicateKickCommandNameError, KickCommandStore } from '#lib/kick/commands/KickCommandStore';
import {
	accessOf,
	accessOfSender,
	dispatchKickCommand,
	KickCommandCooldowns,
	mayUse,
	type ChatterAccess,
	type KickCommandOutcome
} from '#lib/kick/commands/dispatchKickCommand';
import type { KickBadge, KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import { compiledRoot } from '#lib/paths';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { GuildSettings } from '#lib/settings/GuildSettings';

const BROADCASTER_ID = '900001';
const SERVER_A = 1_100_000_000_000_000_001n;
const SERVER_B = 1_100_000_000_000_000_002n;
const T0 = 1_795_000_000_000;

const badge = {
	broadcaster: { text: 'Broadcaster', type: 'broadcaster' },
	moderator: { text: 'Moderator', type: 'moderator' },
	vip: { text: 'VIP', type: 'vip' },
	og: { text: 'OG', type: 'og' },
	founder: { text: 'Founder', type: 'founder' },
	subscriber: { text: 'Subscriber', type: 'subscriber', count: 3 },
	subGifter: { text: 'Sub Gifter', type: 'sub_gifter', count: 5 },
	verified: { text: 'Verified', type: 'verified' },
	staff: { text: 'Staff', type: 'staff' }
} satisfies Record<string, KickBadge>;

@ApplyOptions<KickCommand.Options>({ aliases: ['pts', 'Balance'], description: 'Shows your points.' })
class PointsCommand extends KickCommand {
	public async run({ commandName, event, reply }: KickCommand.Message, args: KickCommand.Args): Promise<void> {
		await reply(`points(${commandName}) for ${event.sender.username}: [${args.tokens.join('|')}]`);
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'Subscribers only.', access: 'subscribers' })
class PerkCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message): Promise<void> {
		await reply('perk');
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'Moderators only.', access: 'moderators' })
class TimeoutCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message): Promise<void> {
		await reply('timeout');
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'The broadcaster only.', access: 'broadcaster' })
class TitleCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message): Promise<void> {
		await reply('title');
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'Each chatter once per 30 s.', userCooldownSeconds: 30 })
class DiceCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message): Promise<void> {
		await reply('dice');
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'Once per 10 s in the channel.', commandCooldownSeconds: 10 })
class DiscordCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message): Promise<void> {
		await reply('discord');
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'Always fails.' })
class BrokenCommand extends KickCommand {
	public async run(): Promise<void> {
		throw new Error('database is away');
	}
}

@ApplyOptions<KickCommand.Options>({ description: 'Gives points.' })
class GiveCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message, args: KickCommand.Args): Promise<void> {
		const amount = args.integer(1, { min: 1, max: 1000, label: 'amount' });
		await reply(amount.ok ? `gave ${args.pick(0)} ${amount.value}, note: ${args.rest(2)}` : amount.error);
	}
}

const COMMANDS = {
	points: PointsCommand,
	perk: PerkCommand,
	timeout: TimeoutCommand,
	title: TitleCommand,
	dice: DiceCommand,
	discord: DiscordCommand,
	broken: BrokenCommand,
	give: GiveCommand
};

async function loadedStore(): Promise<KickCommandStore> {
	const store = new KickCommandStore();
	for (const [name, piece] of Object.entries(COMMANDS)) await store.loadPiece({ name, piece });
	await store.loadAll();
	return store;
}

const declared = new Map<string, DeclaredSetting>(Object.entries(coreSettings).map(([key, definition]) => [key, { key, definition, declaredBy: 'the core' }]));

/** A server's context with its real settings (only `prefix` stored); no command here touches the database. */
function serverContext(guildId: bigint, prefix: string): GuildContext {
	return testGuildContext({ guildId, settings: new GuildSettings(guildId, new Map([['prefix', prefix]]), declared), db: {} as GuildContext['db'] });
}

interface Chat {
	readonly userId?: string;
	readonly username?: string;
	readonly badges?: readonly KickBadge[];
}

let sent = 0;

function chatMessage(content: string, { userId = '1001', username = 'viewer', badges = [] }: Chat = {}): KickChatMessageEvent {
	sent += 1;
	return {
		type: 'chat.message.sent',
		broadcasterUserId: BROADCASTER_ID,
		eventKey: `message-${sent}`,
		receivedVia: 'webhook',
		at: new Date(T0),
		messageId: `message-${sent}`,
		sender: { userId, username, channelSlug: username, badges },
		content,
		repliesTo: null
	};
}

describe('Kick chat commands: dispatchKickCommand', () => {
	let store: KickCommandStore;
	let cooldowns: KickCommandCooldowns;
	let replies: string[];
	const servers = { a: serverContext(SERVER_A, '!'), b: serverContext(SERVER_B, '?') };

	beforeEach(async () => {
		store = await loadedStore();
		cooldowns = new KickCommandCooldowns();
		replies = [];
	});

	afterEach(() => {
		cooldowns.clear(SERVER_A);
		cooldowns.clear(SERVER_B);
	});

	/** Dispatches as the chat listener does: the prefix from the server's settings, replies collected. */
	function dispatch(content: string, chat: Chat = {}, at: { server?: GuildContext; now?: number } = {}): Promise<KickCommandOutcome> {
		const { server = servers.a, now = T0 } = at;
		return dispatchKickCommand({
			store,
			context: server,
			event: chatMessage(content, chat),
			prefix: server.settings.get('prefix'),
			reply: async (reply) => {
				replies.push(reply);
			},
			cooldowns,
			now
		});
	}

	const kindOf = async (outcome: Promise<KickCommandOutcome>) => (await outcome).kind;

	describe('prefix', () => {
		it('uses each server’s own prefix: "!" in one, "?" in the other', async () => {
			expect(await kindOf(dispatch('!points', {}, { server: servers.a }))).to.equal('ran');
			expect(await kindOf(dispatch('?points', {}, { server: servers.a }))).to.equal('not-a-command');
			expect(await kindOf(dispatch('?points', {}, { server: servers.b }))).to.equal('ran');
			expect(await kindOf(dispatch('!points', {}, { server: servers.b }))).to.equal('not-a-command');
			expect(replies).to.deep.equal(['points(points) for viewer: []', 'points(points) for viewer: []']);
		});

		it('a prefix alone, or followed by a space, is not a command; nor is text that only contains it', async () => {
			for (const content of ['!', '! points', '!  ', 'hello !points', ' !points', '']) {
				expect(await kindOf(dispatch(content)), JSON.stringify(content)).to.equal('not-a-command');
			}
			expect(replies).to.deep.equal([]);
		});

		it('matches the prefix case-sensitively, and a longer prefix as a whole', async () => {
			const server = serverContext(SERVER_A, 'k!');
			expect(await kindOf(dispatch('k!points', {}, { server }))).to.equal('ran');
			expect(await kindOf(dispatch('K!points', {}, { server }))).to.equal('not-a-command');
			expect(await kindOf(dispatch('!points', {}, { server }))).to.equal('not-a-command');
		});
	});

	describe('names and aliases', () => {
		it('finds a command by name or alias whatever its case; the command sees the name as typed', async () => {
			for (const typed of ['points', 'POINTS', 'pts', 'PtS', 'balance', 'BALANCE']) {
				const outcome = await dispatch(`!${typed} a b`);
				expect(outcome.kind, typed).to.equal('ran');
				if (outcome.kind === 'ran') expect(outcome.command.name).to.equal('points');
			}
			expect(replies.map((reply) => reply.slice(0, reply.indexOf(')') + 1))).to.deep.equal([
				'points(points)',
				'points(POINTS)',
				'points(pts)',
				'points(PtS)',
				'points(balance)',
				'points(BALANCE)'
			]);
		});

		it('an unknown name is silent and reported with the name as typed (a custom command may answer it)', async () => {
			expect(await dispatch('!Lurk now')).to.deep.equal({ kind: 'unknown', name: 'Lurk' });
			expect(replies).to.deep.equal([]);
		});

		it('the store resolves names and aliases ignoring case; get is undefined and resolve throws for an unknown word', () => {
			expect(store.get('BALANCE')?.name).to.equal('points');
			expect(store.has('Pts')).to.equal(true);
			expect(store.resolve('PTS').name).to.equal('points');
			expect(store.get('lurk')).to.equal(undefined);
			expect(() => store.resolve('lurk')).to.throw(/does not exist/);
		});

		it('an unloaded command takes its aliases with it', async () => {
			await store.unload('points');
			expect(store.get('pts')).to.equal(undefined);
			expect(await dispatch('!balance')).to.deep.equal({ kind: 'unknown', name: 'balance' });
		});
	});

	describe('access from badges', () => {
		const cases: Array<[string, readonly KickBadge[], ChatterAccess]> = [
			['no badge', [], 'everyone'],
			['og', [badge.og], 'everyone'],
			['verified', [badge.verified], 'everyone'],
			['staff', [badge.staff], 'everyone'],
			['sub_gifter without a subscription', [badge.subGifter], 'everyone'],
			['subscriber', [badge.subscriber], 'subscriber'],
			['sub_gifter and subscriber', [badge.subGifter, badge.subscriber], 'subscriber'],
			['founder', [badge.founder], 'subscriber'],
			['vip', [badge.vip], 'subscriber'],
			['moderator', [badge.moderator], 'moderator'],
			['moderator, sub_gifter and subscriber (Kick’s documented example)', [badge.moderator, badge.subGifter, badge.subscriber], 'moderator'],
			['vip and moderator', [badge.vip, badge.moderator], 'moderator'],
			['broadcaster', [badge.broadcaster], 'broadcaster'],
			['an unknown badge type', [{ text: 'Sidekick', type: 'sidekick' }], 'everyone'],
			['a badge type named like an Object property', [{ text: 'x', type: 'constructor' }], 'everyone']
		];
		for (const [label, badges, access] of cases) {
			it(`${label} → ${access}`, () => expect(accessOf(badges)).to.equal(access));
		}

		it('the channel owner is the broadcaster by id, whatever badges came with the message', () => {
			expect(accessOfSender(chatMessage('!title', { userId: BROADCASTER_ID }))).to.equal('broadcaster');
			expect(accessOfSender(chatMessage('!title', { userId: '1001', badges: [badge.subscriber] }))).to.equal('subscriber');
		});

		it('each level may use the commands of its level and below: broadcaster ⊃ moderators ⊃ subscribers ⊃ everyone', () => {
			const table = (['everyone', 'subscriber', 'moderator', 'broadcaster'] as const).map((access) =>
				(['everyone', 'subscribers', 'moderators', 'broadcaster'] as const).map((required) => (mayUse(access, required) ? 'y' : '-')).join('')
			);
			expect(table).to.deep.equal(['y---', 'yy--', 'yyy-', 'yyyy']);
		});

		it('runs or silently denies each restricted command for each badge set', async () => {
			const chatters: Array<[string, Chat]> = [
				['viewer', { badges: [badge.og] }],
				['subscriber', { badges: [badge.subscriber] }],
				['vip', { badges: [badge.vip] }],
				['moderator', { badges: [badge.moderator] }],
				['broadcaster', { userId: BROADCASTER_ID, badges: [badge.broadcaster] }]
			];
			const seen: Record<string, string> = {};
			for (const [who, chat] of chatters) {
				let row = '';
				for (const name of ['perk', 'timeout', 'title']) {
					const outcome = await dispatch(`!${name}`, chat);
					row += outcome.kind === 'ran' ? 'y' : outcome.kind === 'denied' && outcome.reason === 'access' ? '-' : '?';
				}
				seen[who] = row;
			}
			expect(seen).to.deep.equal({ viewer: '---', subscriber: 'y--', vip: 'y--', moderator: 'yy-', broadcaster: 'yyy' });
			// The seven runs answered; the eight refusals said nothing.
			expect(replies).to.have.length(7);
		});
	});

	describe('cooldowns', () => {
		const alice: Chat = { userId: '2001', username: 'alice' };
		const bob: Chat = { userId: '2002', username: 'bob' };

		it('a per-user cooldown holds that chatter only, silently, until it ends', async () => {
			expect(await kindOf(dispatch('!dice', alice, { now: T0 }))).to.equal('ran');
			const held = await dispatch('!dice', alice, { now: T0 + 1_000 });
			expect(held).to.include({ kind: 'cooldown', scope: 'user', remainingMs: 29_000 });
			expect(await kindOf(dispatch('!dice', bob, { now: T0 + 1_000 }))).to.equal('ran');
			expect(await kindOf(dispatch('!DICE', alice, { now: T0 + 29_999 }))).to.equal('cooldown');
			expect(await kindOf(dispatch('!dice', alice, { now: T0 + 30_000 }))).to.equal('ran');
			expect(replies).to.deep.equal(['dice', 'dice', 'dice']);
		});

		it('a per-command cooldown holds everyone after anyone used it', async () => {
			expect(await kindOf(dispatch('!discord', alice, { now: T0 }))).to.equal('ran');
			expect(await dispatch('!discord', bob, { now: T0 + 4_000 })).to.include({ kind: 'cooldown', scope: 'command', remainingMs: 6_000 });
			expect(await kindOf(dispatch('!discord', alice, { now: T0 + 9_000 }))).to.equal('cooldown');
			expect(await kindOf(dispatch('!discord', bob, { now: T0 + 10_000 }))).to.equal('ran');
		});

		it('one server’s cooldown does not hold the same chatter with the same command in another server', async () => {
			expect(await kindOf(dispatch('!dice', alice, { server: servers.a, now: T0 }))).to.equal('ran');
			expect(await kindOf(dispatch('?dice', alice, { server: servers.b, now: T0 + 1 }))).to.equal('ran');
			expect(await kindOf(dispatch('!discord', alice, { server: servers.a, now: T0 }))).to.equal('ran');
			expect(await kindOf(dispatch('?discord', bob, { server: servers.b, now: T0 + 1 }))).to.equal('ran');
			expect(await kindOf(dispatch('!dice', alice, { server: servers.a, now: T0 + 2 }))).to.equal('cooldown');
		});

		it('the broadcaster and moderators are never held, and their use starts the cooldown for viewers', async () => {
			const moderator: Chat = { userId: '3001', badges: [badge.moderator] };
			const broadcaster: Chat = { userId: BROADCASTER_ID, badges: [badge.broadcaster] };
			for (const now of [T0, T0 + 1, T0 + 2]) {
				expect(await kindOf(dispatch('!dice', moderator, { now }))).to.equal('ran');
				expect(await kindOf(dispatch('!discord', moderator, { now }))).to.equal('ran');
				expect(await kindOf(dispatch('!discord', broadcaster, { now }))).to.equal('ran');
			}
			expect(await dispatch('!discord', alice, { now: T0 + 3 })).to.include({ kind: 'cooldown', scope: 'command' });
		});

		it('a refused or unknown command starts no cooldown', async () => {
			expect(await kindOf(dispatch('!perk', { ...alice, badges: [] }, { now: T0 }))).to.equal('denied');
			expect(await kindOf(dispatch('!perk', { ...alice, badges: [badge.subscriber] }, { now: T0 + 1 }))).to.equal('ran');
		});

		it('clear(server) forgets that server’s cooldowns only', async () => {
			await dispatch('!dice', alice, { server: servers.a, now: T0 });
			await dispatch('?dice', alice, { server: servers.b, now: T0 });
			cooldowns.clear(SERVER_A);
			expect(await kindOf(dispatch('!dice', alice, { server: servers.a, now: T0 + 1 }))).to.equal('ran');
			expect(await kindOf(dispatch('?dice', alice, { server: servers.b, now: T0 + 1 }))).to.equal('cooldown');
		});

		it('forgets the servers whose cooldowns all ended (at a use, at most once a minute): only servers with a running cooldown are kept', async () => {
			await dispatch('!dice', alice, { server: servers.a, now: T0 });
			await dispatch('?discord', alice, { server: servers.b, now: T0 + 1 });
			expect(cooldowns.serversHeld).to.equal(2);
			// A's 30 s cooldown has ended, B's 10 s one too; the next use, a minute after the last sweep, forgets both before it starts its own.
			expect(await kindOf(dispatch('!discord', bob, { server: servers.a, now: T0 + 60_000 }))).to.equal('ran');
			expect(cooldowns.serversHeld, 'A holds its new cooldown, B is forgotten').to.equal(1);
			expect(await kindOf(dispatch('?discord', bob, { server: servers.b, now: T0 + 60_001 }))).to.equal('ran');
			expect(await kindOf(dispatch('!discord', alice, { server: servers.a, now: T0 + 60_002 })), 'A’s running cooldown is kept').to.equal('cooldown');
		});
	});

	describe('a failing command', () => {
		it('comes back as failed with its error, never thrown; the next message is served as usual', async () => {
			const outcome = await dispatch('!broken');
			expect(outcome.kind).to.equal('failed');
			if (outcome.kind === 'failed') {
				expect(outcome.command.name).to.equal('broken');
				expect((outcome.error as Error).message).to.equal('database is away');
			}
			expect(await kindOf(dispatch('!points'))).to.equal('ran');
		});

		it('a reply that fails inside the command is the command’s failure too', async () => {
			const outcome = await dispatchKickCommand({
				store,
				context: servers.a,
				event: chatMessage('!points'),
				prefix: '!',
				reply: () => Promise.reject(new Error('Kick refused the message')),
				cooldowns,
				now: T0
			});
			expect(outcome).to.include({ kind: 'failed' });
		});
	});

	describe('arguments', () => {
		it('splits words, keeps quoted words together (straight or curly quotes), and passes the rest as typed', async () => {
			await dispatch('!points  give "big prize"   “two words”  5 ');
			expect(replies).to.deep.equal(['points(points) for viewer: [give|big prize|two words|5]']);

			const args = new KickCommandArgs(' give "big prize"   “two words”  5 ');
			expect(args.raw).to.equal('give "big prize"   “two words”  5');
			expect(args.pick(1)).to.equal('big prize');
			expect(args.pick(9)).to.equal(undefined);
			expect(args.rest(1)).to.equal('"big prize"   “two words”  5');
			expect(args.rest(4)).to.equal('');
			expect(new KickCommandArgs('').tokens).to.deep.equal([]);
			expect(new KickCommandArgs('"unclosed quote').tokens).to.deep.equal(['"unclosed', 'quote']);
		});

		it('integer() gives the number, or an error to say in chat', async () => {
			await dispatch('!give @bob 250 for the "clip"');
			await dispatch('!give @bob');
			await dispatch('!give @bob lots');
			await dispatch('!give @bob 1001');
			await dispatch('!give @bob 2.5');
			await dispatch(`!give @bob ${'9'.repeat(60)}`);
			expect(replies).to.deep.equal([
				'gave @bob 250, note: for the "clip"',
				'Missing amount: use a whole number from 1 to 1000.',
				'"lots" is not a valid amount: use a whole number from 1 to 1000.',
				'"1001" is not a valid amount: use a whole number from 1 to 1000.',
				'"2.5" is not a valid amount: use a whole number from 1 to 1000.',
				`"${'9'.repeat(29)}…" is not a valid amount: use a whole number from 1 to 1000.`
			]);
			await dispatch(`!give @bob ${'🎲'.repeat(20)}`);
			// Cut at 29 characters, not inside the 15th die (a half surrogate pair would show as \ud83c).
			expect(replies.at(-1)).to.equal(`"${'🎲'.repeat(14)}…" is not a valid amount: use a whole number from 1 to 1000.`);
			const signed = new KickCommandArgs('-3 +7 +7');
			expect(signed.integer(0, { min: -5, max: 10 })).to.deep.equal({ ok: true, value: -3 });
			expect(signed.integer(1, { min: -5, max: 10 })).to.deep.equal({ ok: true, value: 7 });
			expect(signed.integer(2, { min: -5, max: 5 })).to.deep.equal({ ok: false, error: '"+7" is not a valid number: use a whole number from -5 to 5.' });
		});
	});

	describe('content longer than Kick allows', () => {
		it('a message over 500 characters is not run (too-long): no reply, no cooldown started', async () => {
			const long = `!dice ${'x'.repeat(495)}`;
			expect(await kindOf(dispatch(long))).to.equal('too-long');
			expect(await kindOf(dispatch('!dice'))).to.equal('ran');
			expect(replies).to.deep.equal(['dice']);
		});

		it('counts characters, not UTF-16 units: 500 characters with emoji are within the limit', async () => {
			expect(await kindOf(dispatch(`!points ${'🎲'.repeat(492)}`))).to.equal('ran');
			expect(await kindOf(dispatch(`!points ${'🎲'.repeat(493)}`))).to.equal('too-long');
		});

		it('answers at once for a huge message whose quotes would take the lexer minutes', async () => {
			const started = performance.now();
			expect(await kindOf(dispatch(`!points ${'「 '.repeat(100_000)}`))).to.equal('too-long');
			expect(performance.now() - started).to.be.below(200);
		});

		it('a long message that does not start with the prefix is no command', async () => {
			expect(await kindOf(dispatch(`hello ${'x'.repeat(5000)}`))).to.equal('not-a-command');
		});
	});
});

describe('Kick chat commands: KickCommandStore refuses a word two commands answer to', () => {
	const fixture = join(compiledRoot, 'test', 'fixtures', 'plugins-kick-commands-duplicate');

	async function loadError(store: KickCommandStore): Promise<Error> {
		const error = await store.loadAll().then(
			() => {
				throw new Error('expected the store to refuse the load');
			},
			(thrown: unknown) => thrown
		);
		expect(error).to.be.instanceOf(DuplicateKickCommandNameError);
		return error as Error;
	}

	it('an alias used by two plugins’ commands (in different case) stops the load, naming both files', async () => {
		const store = new KickCommandStore();
		// Sapphire guesses the module system from the working directory's package.json; these files are ES modules wherever mocha starts.
		Object.assign(store.strategy, { clientUsesESModules: true });
		store.registerPath(join(fixture, 'one', 'kick-commands')).registerPath(join(fixture, 'two', 'kick-commands'));

		const error = await loadError(store);
		expect(error.message).to.equal(
			'Two Kick chat commands answer to "pts": ' +
				'test/fixtures/plugins-kick-commands-duplicate/one/kick-commands/points.ts by its alias "pts" and ' +
				'test/fixtures/plugins-kick-commands-duplicate/two/kick-commands/leaderboard.ts by its alias "PTS". ' +
				'Rename one or drop the alias (names and aliases are compared ignoring case).'
		);
	});

	it('a name equal to another command’s alias, or two names differing in case, are refused too', async () => {
		@ApplyOptions<KickCommand.Options>({ description: 'Named like the points command’s alias.' })
		class BalanceCommand extends KickCommand {
			public async run(): Promise<void> {}
		}
		const aliasTaken = new KickCommandStore();
		await aliasTaken.loadPiece({ name: 'points', piece: PointsCommand });
		await aliasTaken.loadPiece({ name: 'BALANCE', piece: BalanceCommand });
		expect((await loadError(aliasTaken)).message).to.include(
			'answer to "balance": piece "points" (loaded without a file) by its alias "Balance" and piece "BALANCE" (loaded without a file) by its name "BALANCE".'
		);

		const nameTaken = new KickCommandStore();
		await nameTaken.loadPiece({ name: 'dice', piece: DiceCommand });
		await nameTaken.loadPiece({ name: 'Dice', piece: DiscordCommand });
		expect((await loadError(nameTaken)).message).to.include('answer to "dice"');
	});

	it('a command without a description, or with an unknown access level, is refused when constructed', async () => {
		class Undescribed extends KickCommand {
			public async run(): Promise<void> {}
		}
		@ApplyOptions<KickCommand.Options>({ description: 'x', access: 'vips' as KickCommand.Options['access'] })
		class WrongAccess extends KickCommand {
			public async run(): Promise<void> {}
		}
		const store = new KickCommandStore();
		await store.loadAll();
		let thrown: unknown = await store.loadPiece({ name: 'undescribed', piece: Undescribed }).catch((error: unknown) => error);
		expect(thrown)
			.to.be.instanceOf(TypeError)
			.with.property('message', 'Kick command "undescribed": description is missing (one line, shown by !commands).');
		thrown = await store.loadPiece({ name: 'wrong', piece: WrongAccess }).catch((error: unknown) => error);
		expect(thrown)
			.to.be.instanceOf(TypeError)
			.with.property('message', 'Kick command "wrong": access "vips" is not one of everyone, subscribers, moderators, broadcaster.');
	});
});
