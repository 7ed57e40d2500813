import { ApplyOptions } from '@sapphire/decorators';
import { escapeMarkdown, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { importForm } from '../lib/forms.js';
import { parseMoney } from '../lib/money.js';
import { postPanel, slotsChanged } from '../lib/panel.js';
import {
	answerBan,
	answerBlacklist,
	answerCatalogue,
	answerCatalogueAdd,
	answerImportFile,
	answerQueue,
	answerRemove,
	answerVerify,
	onlyModerators,
	refusal
} from '../lib/slotAnswers.js';
import { blacklistCaller, clearQueue, pickRequest, playRequest, setRequestsOpen, skipRequest } from '../lib/slotActions.js';
import { SLOT_NAME_MAX } from '../lib/slotNames.js';

const BLACKLIST = { name: 'blacklist', description: 'Callers whose slot requests are ignored.' };
const CATALOGUE = { name: 'catalogue', description: 'The slots viewers may request.' };
const PANEL = { name: 'panel', description: 'The moderators’ panel of buttons.' };
const PAGE = { type: 'integer', name: 'page', description: 'The page (the first when left out)', min: 1, max: 100_000 } as const;
const REQUEST = { type: 'integer', name: 'request', description: 'The request’s number (#id)', min: 1, max: 2_147_483_647 } as const;
const SLOT = { type: 'string', name: 'slot', description: 'The slot’s name', required: true, maxLength: SLOT_NAME_MAX, rest: true } as const;
const KICK_USER = { type: 'string', name: 'user', description: 'The Kick username', required: true, maxLength: 30 } as const;

/** /slots and !slots: the moderators' side of slot requests, as the panel's buttons, and the catalogue; queue and verify for everyone. */
@ApplyOptions<GuildCommand.Options>({
	description: 'Slot requests: the queue, fair picks, results, the catalogue and the blacklist.',
	guildSubcommands: [
		{ name: 'queue', description: 'The open requests, oldest first.', options: [PAGE], run: 'queue', default: true },
		{ name: 'open', description: 'Opens slot requests (moderators).', run: 'open' },
		{ name: 'close', description: 'Closes slot requests (moderators).', run: 'close' },
		{ name: 'pick', description: 'Picks a random open request, fairly, and announces it (moderators).', run: 'pick' },
		{
			name: 'played',
			description: 'Records a request’s bet and payout (moderators).',
			options: [
				{ ...REQUEST, required: true },
				{ type: 'string', name: 'bet', description: 'The bet, e.g. 2.00', required: true, maxLength: 20 },
				{ type: 'string', name: 'payout', description: 'What it paid, e.g. 250.00 (0 for nothing)', required: true, maxLength: 20 }
			],
			run: 'played'
		},
		{ name: 'skip', description: 'Skips a request, the current pick by default (moderators).', options: [REQUEST], run: 'skip' },
		{ name: 'clear', description: 'Removes every open request (moderators).', run: 'clear' },
		{ name: 'add', description: 'Adds a request for a viewer, open or not (moderators).', options: [KICK_USER, SLOT], run: 'add' },
		{
			name: 'verify',
			description: 'Recomputes a pick from its seeds and says whether it holds.',
			options: [{ type: 'integer', name: 'pick', description: 'The pick’s number', required: true, min: 1, max: 2_147_483_647 }],
			run: 'verify'
		},
		{ name: 'add', group: BLACKLIST, description: 'Ignores a caller’s requests (moderators).', options: [KICK_USER], run: 'blacklistAdd' },
		{ name: 'remove', group: BLACKLIST, description: 'Takes a caller off the blacklist (moderators).', options: [KICK_USER], run: 'blacklistRemove' },
		{ name: 'list', group: BLACKLIST, description: 'The blacklisted callers (moderators).', options: [PAGE], run: 'blacklistList' },
		{
			name: 'import',
			group: CATALOGUE,
			description: 'Adds and updates slots from CSV or JSON (name, provider, slug, banned, active) (moderators).',
			options: [{ type: 'attachment', name: 'file', description: 'The .csv or .json file (leave out to paste its text in a form)' }],
			run: 'catalogueImport'
		},
		{
			name: 'add',
			group: CATALOGUE,
			description: 'Adds a slot (moderators).',
			options: [
				{ type: 'string', name: 'name', description: 'The slot’s name', required: true, maxLength: SLOT_NAME_MAX },
				{ type: 'string', name: 'provider', description: 'Its provider', maxLength: SLOT_NAME_MAX, rest: true }
			],
			run: 'catalogueAdd'
		},
		{ name: 'ban', group: CATALOGUE, description: 'Bans a slot: requests for it are refused (moderators).', options: [SLOT], run: 'catalogueBan' },
		{ name: 'unban', group: CATALOGUE, description: 'Allows a banned slot again (moderators).', options: [SLOT], run: 'catalogueUnban' },
		{ name: 'remove', group: CATALOGUE, description: 'Removes a slot from the catalogue (moderators).', options: [SLOT], run: 'catalogueRemove' },
		{ name: 'list', group: CATALOGUE, description: 'The catalogue, by name.', options: [PAGE], run: 'catalogueList' },
		{
			name: 'post',
			group: PANEL,
			description: 'Posts the panel here or in a channel; it keeps itself up to date (moderators).',
			options: [{ type: 'channel', name: 'channel', description: 'Where (this channel when left out)' }],
			run: 'panelPost'
		}
	]
})
export class SlotsCommand extends GuildCommand {
	private readonly log = (line: string) => this.container.logger.warn(line);

	public async queue(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerQueue(context, call.options.integer('page') ?? 1));
	}

	public async open(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('open slot requests')));
		await call.reply({ content: await setRequestsOpen(context, true, this.log) });
	}

	public async close(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('close slot requests')));
		await call.reply({ content: await setRequestsOpen(context, false, this.log) });
	}

	public async pick(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('pick slot requests')));
		await call.reply({ content: await pickRequest(context, call.user.id, this.log) });
	}

	public async played(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('record results')));
		const bet = parseMoney(call.options.string('bet') ?? '', 'bet');
		if (!bet.ok) return void (await call.reply(refusal(`${bet.error} Nothing was changed.`)));
		const payout = parseMoney(call.options.string('payout') ?? '', 'payout', { allowZero: true });
		if (!payout.ok) return void (await call.reply(refusal(`${payout.error} Nothing was changed.`)));
		await call.reply({ content: escapeMarkdown(await playRequest(context, call.options.integer('request')!, bet.cents, payout.cents, this.log)) });
	}

	public async skip(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('skip requests')));
		await call.reply({ content: escapeMarkdown(await skipRequest(context, call.options.integer('request'), this.log)) });
	}

	public async clear(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('clear the queue')));
		await call.reply({ content: await clearQueue(context, this.log) });
	}

	public async add(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('add requests for viewers')));
		const user = (call.options.string('user') ?? '').trim().replace(/^@/, '');
		if (!/^[A-Za-z0-9_.-]{1,30}$/.test(user))
			return void (await call.reply(refusal('A Kick username is 1 to 30 letters, digits, _ . or -. Nothing was changed.')));
		const catalogue = await context.db.slotCatalogue.find(call.options.string('slot') ?? '');
		const request = await context.db.slotRequests.add(user, catalogue?.name ?? call.options.string('slot') ?? '');
		slotsChanged(context, this.log);
		await call.reply({ content: `Added #${request.id} ${escapeMarkdown(request.slotCall)} for ${escapeMarkdown(user)}.` });
	}

	public async verify(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerVerify(context, call.options.integer('pick')!));
	}

	public async blacklistAdd(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('blacklist callers')));
		const user = call.options.string('user') ?? '';
		if (!/^@?[A-Za-z0-9_.-]{1,30}$/.test(user.trim()))
			return void (await call.reply(refusal('A Kick username is 1 to 30 letters, digits, _ . or -. Nothing was changed.')));
		await call.reply({ content: escapeMarkdown(await blacklistCaller(context, user, call.user.id)) });
	}

	public async blacklistRemove(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('change the blacklist')));
		const user = (call.options.string('user') ?? '').trim().replace(/^@/, '');
		const removed = await context.db.slotRequests.unblacklist(user);
		await call.reply({ content: removed ? `${escapeMarkdown(user)} can request slots again.` : `${escapeMarkdown(user)} is not on the blacklist.` });
	}

	public async blacklistList(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('see the blacklist')));
		await call.reply(await answerBlacklist(context, call.options.integer('page') ?? 1));
	}

	public async catalogueImport(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('import slots')));
		const file = call.options.attachment('file');
		if (file === null) {
			// Without a file the slash form opens a form to paste the text into; the prefix form has none.
			if (call.form === 'slash') return void (await (call.source as ChatInputCommandInteraction).showModal(importForm(context.guildId)));
			return void (await call.reply(
				refusal(`Attach the CSV or JSON file to ${call.invocation} (or paste its text in the form of /slots catalogue import). Nothing was changed.`)
			));
		}
		// Fetching and storing up to 5,000 slots may outlast the 3 seconds Discord gives an interaction's first answer.
		if (call.form === 'slash') await (call.source as ChatInputCommandInteraction).deferReply({ flags: MessageFlags.Ephemeral });
		await call.reply(await answerImportFile(context, file));
	}

	public async catalogueAdd(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('change the catalogue')));
		await call.reply(await answerCatalogueAdd(context, call.options.string('name') ?? '', call.options.string('provider')));
	}

	public async catalogueBan(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('ban slots')));
		await call.reply(await answerBan(context, call.options.string('slot') ?? '', true));
	}

	public async catalogueUnban(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('unban slots')));
		await call.reply(await answerBan(context, call.options.string('slot') ?? '', false));
	}

	public async catalogueRemove(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('change the catalogue')));
		await call.reply(await answerRemove(context, call.options.string('slot') ?? ''));
	}

	public async catalogueList(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerCatalogue(context, call.options.integer('page') ?? 1));
	}

	public async panelPost(call: CommandCall, context: GuildContext): Promise<void> {
		if (!call.byModerator) return void (await call.reply(onlyModerators('post the slot panel')));
		const channelId = call.options.channel('channel')?.id ?? call.channelId;
		try {
			await postPanel(context, channelId);
		} catch (error) {
			if (error instanceof TypeError) return void (await call.reply(refusal('That channel is not one of this server’s. Nothing was posted.')));
			throw error;
		}
		await call.reply({ content: `The slot panel is posted in <#${channelId}>; it keeps itself up to date.` });
	}
}
