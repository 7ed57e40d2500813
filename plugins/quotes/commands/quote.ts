import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall, type ContextMenuCall, type GuildContext } from '#core';
import { answerAdd, answerList, answerRemove, answerShow, onlyModerators } from '../lib/quoteAnswers.js';
import { QUOTE_MAX_LENGTH } from '../lib/quoteText.js';

/** A quote number: PostgreSQL's INTEGER holds it. */
const NUMBER = { type: 'integer', min: 1, max: 2_147_483_647 } as const;

/** /quote and !quote: show, add, remove and list this server's quotes; Apps → Save as quote on a message. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Shows, adds and lists this server’s quotes.',
	contextMenus: [{ type: 'message', name: 'Save as quote', description: 'Adds the message’s text as the next quote (moderators).', run: 'saveAsQuote' }],
	guildSubcommands: [
		{
			name: 'show',
			description: 'Shows a quote: the one with that number, or a random one.',
			options: [{ ...NUMBER, name: 'number', description: 'The quote’s number (a random quote when left out)' }],
			run: 'show',
			default: true
		},
		{
			name: 'add',
			description: 'Adds a quote (moderators).',
			options: [
				{
					type: 'string',
					name: 'text',
					description: `What was said, up to ${QUOTE_MAX_LENGTH} characters`,
					required: true,
					maxLength: QUOTE_MAX_LENGTH,
					rest: true
				}
			],
			run: 'add'
		},
		{
			name: 'remove',
			description: 'Removes a quote (moderators).',
			options: [{ ...NUMBER, name: 'number', description: 'The number of the quote to remove', required: true }],
			run: 'remove'
		},
		{
			name: 'list',
			description: 'Lists the quotes, ten to a page.',
			options: [{ ...NUMBER, name: 'page', description: 'The page (the first when left out)' }],
			run: 'list'
		}
	]
})
export class QuoteCommand extends GuildCommand {
	public async show(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerShow(context.db.quotes, call.options.integer('number'), this.howToAdd(call, context)));
	}

	public async add(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators('add quotes', context.settings.get('moderator_role_id')));
			return;
		}
		await call.reply(await answerAdd(context.db.quotes, call.options.string('text') ?? '', { via: 'discord', userId: BigInt(call.user.id) }));
	}

	/** Apps → Save as quote: the message's text, as `/quote add` would take it typed. */
	public async saveAsQuote(call: ContextMenuCall<'message'>, context: GuildContext): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators('add quotes', context.settings.get('moderator_role_id')));
			return;
		}
		// Mentions as the names Discord shows (`@alice`), so the quote reads the same in Kick chat.
		await call.reply(await answerAdd(context.db.quotes, call.targetMessage.cleanContent, { via: 'discord', userId: BigInt(call.user.id) }));
	}

	public async remove(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) {
			await call.reply(onlyModerators('remove quotes', context.settings.get('moderator_role_id')));
			return;
		}
		await call.reply(await answerRemove(context.db.quotes, call.options.integer('number')!));
	}

	public async list(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerList(context.db.quotes, call.options.integer('page') ?? 1, this.howToAdd(call, context)));
	}

	/** `/quote add <text>` or `!quote add <text>`, in the form the member used. */
	private howToAdd(call: CommandCall, context: GuildContext): string {
		const subcommand = this.guildSubcommands.find((candidate) => candidate.name === 'add');
		return this.usage(call.form === 'slash' ? '/' : context.settings.get('prefix'), subcommand);
	}
}
