import { ApplyOptions } from '@sapphire/decorators';
import { expect } from 'chai';
import * as fc from 'fast-check';
import type { GuildContext } from '#lib/guild/GuildContext';
import { KickCommand, KickCommandArgs } from '#lib/kick/commands/KickCommand';
import { KickCommandStore } from '#lib/kick/commands/KickCommandStore';
import { dispatchKickCommand, KickCommandCooldowns } from '#lib/kick/commands/dispatchKickCommand';
import type { KickChatMessageEvent } from '#lib/kick/events/KickEvent';
import type { DeclaredSetting } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { GuildSettings } from '#lib/settings/GuildSettings';
import { testGuildContext } from '#test/helpers/guildContext';

const NUM_RUNS = 500;
const SERVER = 1_100_000_000_000_000_001n;
const QUOTES = ['"', '“', '”', '«', '»', '「', '」'];

/** Uses every way of reading its arguments, as plugins' commands do. */
@ApplyOptions<KickCommand.Options>({ aliases: ['g'], description: 'Reads its arguments every way.' })
class GiveCommand extends KickCommand {
	public async run({ reply }: KickCommand.Message, args: KickCommand.Args): Promise<void> {
		const amount = args.integer(1, { min: 1, max: 1000, label: 'amount' });
		await reply(amount.ok ? `gave ${args.pick(0)} ${amount.value}: ${args.rest(2)} [${args.tokens.length}]` : amount.error);
	}
}

const declared = new Map<string, DeclaredSetting>(Object.entries(coreSettings).map(([key, definition]) => [key, { key, definition, declaredBy: 'the core' }]));
const context: GuildContext = testGuildContext({
	guildId: SERVER,
	settings: new GuildSettings(SERVER, new Map([['prefix', '!']]), declared),
	db: {} as GuildContext['db']
});

function chatMessage(content: string): KickChatMessageEvent {
	return {
		type: 'chat.message.sent',
		broadcasterUserId: '900001',
		eventKey: 'chat:m',
		receivedVia: 'webhook',
		at: new Date(),
		messageId: 'm',
		sender: { userId: '1001', username: 'viewer', channelSlug: null, badges: [] },
		content,
		repliesTo: null
	};
}

/** Any UTF-16 text, lone surrogates and NUL included, with quotes and spaces mixed in. */
const unit = fc.oneof(
	fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
	fc.constantFrom(...QUOTES, ' ', '\n', '\t', '\u0000', '\ud800', '\udc00', '🎲', '-', '5')
);
const hostileArguments = fc.oneof(
	fc.array(unit, { maxLength: 120 }).map((units) => units.join('')),
	fc.array(unit, { minLength: 400, maxLength: 600 }).map((units) => units.join('')),
	fc.integer({ min: 1, max: 100_000 }).chain((count) => fc.constantFrom(...QUOTES).map((quote) => `${quote} `.repeat(count)))
);
const content = fc.oneof(
	hostileArguments.map((rest) => `!give ${rest}`),
	hostileArguments.map((rest) => `!g${rest}`),
	hostileArguments,
	fc.constantFrom('!', '!!', '! give', '!give', '!GIVE 5 5', '')
);

/** Code points, as Kick's limit counts them. */
const characters = (text: string) => [...text].length;

describe('Kick chat command arguments under arbitrary input (fast-check)', () => {
	let store: KickCommandStore;

	before(async () => {
		store = new KickCommandStore();
		await store.loadPiece({ name: 'give', piece: GiveCommand });
		await store.loadAll();
	});

	it('dispatchKickCommand never throws for any content: it runs, or says why not; what is over 500 characters is never run', async () => {
		await fc.assert(
			fc.asyncProperty(content, async (text) => {
				const replies: string[] = [];
				const outcome = await dispatchKickCommand({
					store,
					context,
					event: chatMessage(text),
					prefix: '!',
					reply: async (reply) => void replies.push(reply),
					cooldowns: new KickCommandCooldowns()
				});
				expect(['not-a-command', 'too-long', 'unknown', 'ran']).to.include(outcome.kind);
				if (text.startsWith('!') && characters(text) > 500) expect(outcome.kind).to.equal('too-long');
				if (outcome.kind === 'ran') expect(replies).to.have.length(1);
				else expect(replies).to.deep.equal([]);
			}),
			{ numRuns: NUM_RUNS }
		);
	});

	it('KickCommandArgs reads any text up to Kick’s limit: words, rest and numbers, never a throw, and an error short enough for chat', () => {
		fc.assert(
			fc.property(
				fc.array(unit, { maxLength: 500 }).map((units) => units.join('')),
				fc.nat({ max: 10 }),
				(text, index) => {
					const args = new KickCommandArgs(text);
					expect(args.tokens.every((token) => typeof token === 'string')).to.equal(true);
					expect(args.rest(index)).to.be.a('string');
					const number = args.integer(index, { min: -1000, max: 1000 });
					if (number.ok) expect(number.value).to.be.within(-1000, 1000);
					// The echo is cut to 30 characters, each at most 6 once escaped (\u0000).
					else expect(number.error.length).to.be.below(300);
				}
			),
			{ numRuns: NUM_RUNS }
		);
	});
});
