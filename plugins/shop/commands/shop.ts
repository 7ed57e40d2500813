import { ApplyOptions } from '@sapphire/decorators';
import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type ChatInputCommandInteraction } from 'discord.js';
import { GuildCommand, type CommandCall, type CommandOption, type GuildContext } from '#core';
import { DESCRIPTION_MAX_LENGTH, itemFields, newItemFields, QUESTION_MAX_LENGTH, type ItemInput } from '../lib/itemInput.js';
import { answerItems, answerOrders, answerPurchase, findItem, noSuchItem, refusalOf } from '../lib/shopAnswers.js';
import { roleIdsOf } from '../lib/memberRoleIds.js';
import { buyFor, postShop, refreshShop } from '../lib/shopActions.js';
import type { ShopItem } from '../lib/ShopRepository.js';

const ITEM_GROUP = { name: 'item', description: 'Adds and changes the shop’s items (moderators).' };
const ITEM: CommandOption = { type: 'string', name: 'item', description: 'The item: its number or its name', required: true, maxLength: 100 };
/** The fields an add or an edit may set. */
const FIELDS: readonly CommandOption[] = [
	{ type: 'integer', name: 'stock', description: 'How many are for sale (-1: unlimited)', min: -1, max: 1_000_000 },
	{ type: 'string', name: 'kind', description: 'Who fulfils it', choices: ['moderators', 'raffle_tickets'] },
	{ type: 'integer', name: 'tickets', description: 'Raffle tickets it gives (raffle_tickets items)', min: 1, max: 1_000_000 },
	{ type: 'integer', name: 'limit', description: 'The most one buyer may buy (-1: no limit)', min: -1, max: 1_000_000 },
	{ type: 'integer', name: 'window_hours', description: 'The limit counts the last this many hours (0: ever)', min: 0, max: 8784 },
	{ type: 'boolean', name: 'requires_link', description: 'Only for members who linked their Kick account' },
	{ type: 'role', name: 'role', description: 'Only for members with this role' },
	{ type: 'integer', name: 'watch_minutes', description: 'Only for viewers who watched this many minutes', min: 0, max: 10_000_000 },
	{ type: 'string', name: 'image', description: 'An image URL (https://…)', maxLength: 500 },
	{ type: 'string', name: 'question', description: 'A question the buyer answers (e.g. their casino username)', maxLength: QUESTION_MAX_LENGTH },
	{ type: 'string', name: 'description', description: 'What the item is', maxLength: DESCRIPTION_MAX_LENGTH, rest: true }
];

/** /shop and !shop: the point shop of this server. */
@ApplyOptions<GuildCommand.Options>({
	description: 'The point shop: items bought with points, the shop message and the order queue.',
	guildSubcommands: [
		{ name: 'list', description: 'Lists the items for sale.', run: 'list', default: true },
		{
			name: 'buy',
			description: 'Buys an item with your points.',
			options: [ITEM, { type: 'string', name: 'answer', description: 'Your answer to the item’s question', maxLength: 200, rest: true }],
			run: 'buy'
		},
		{
			name: 'add',
			group: ITEM_GROUP,
			description: 'Adds an item (moderators).',
			options: [
				{ type: 'string', name: 'name', description: 'The item’s name', required: true, maxLength: 80 },
				{ type: 'integer', name: 'price', description: 'Its price in points', required: true, min: 1, max: 100_000_000 },
				...FIELDS
			],
			run: 'itemAdd'
		},
		{
			name: 'edit',
			group: ITEM_GROUP,
			description: 'Changes an item; with only the item, a form for its texts opens (moderators).',
			options: [
				ITEM,
				{ type: 'string', name: 'name', description: 'A new name', maxLength: 80 },
				{ type: 'integer', name: 'price', description: 'A new price in points', min: 1, max: 100_000_000 },
				...FIELDS
			],
			run: 'itemEdit'
		},
		{
			name: 'stock',
			group: ITEM_GROUP,
			description: 'Sets an item’s stock (moderators).',
			options: [ITEM, { type: 'integer', name: 'stock', description: 'How many are for sale (-1: unlimited)', required: true, min: -1, max: 1_000_000 }],
			run: 'itemStock'
		},
		{ name: 'enable', group: ITEM_GROUP, description: 'Puts an item on sale (moderators).', options: [ITEM], run: 'itemEnable' },
		{ name: 'disable', group: ITEM_GROUP, description: 'Takes an item off sale (moderators).', options: [ITEM], run: 'itemDisable' },
		{ name: 'remove', group: ITEM_GROUP, description: 'Removes an item; its orders stay (moderators).', options: [ITEM], run: 'itemRemove' },
		{
			name: 'post',
			description: 'Posts the shop message, kept up to date, in a channel (moderators).',
			options: [{ type: 'channel', name: 'channel', description: 'Where (this channel when left out)' }],
			run: 'post'
		},
		{
			name: 'orders',
			description: 'The pending orders, to complete or cancel (moderators).',
			options: [{ type: 'integer', name: 'page', description: 'The page', min: 1, max: 100_000 }],
			run: 'orders'
		}
	]
})
export class ShopCommand extends GuildCommand {
	public async list(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(answerItems(await context.db.shop.items(), call.byModerator));
	}

	public async buy(call: CommandCall, context: GuildContext): Promise<void> {
		const reference = call.options.string('item') ?? '';
		const item = await findItem(context.db.shop, reference);
		if (item === null) return void (await call.reply(noSuchItem(reference)));
		const outcome = await buyFor(
			context,
			item.id,
			{ via: 'discord', discordId: BigInt(call.user.id), roleIds: roleIdsOf(call.source) },
			call.options.string('answer'),
			this.log
		);
		await call.reply(answerPurchase(outcome));
	}

	public async itemAdd(call: CommandCall, context: GuildContext): Promise<void> {
		if (!(await this.moderator(call))) return;
		let fields;
		try {
			fields = newItemFields({ ...this.typedFields(call), name: call.options.string('name'), price: call.options.integer('price') });
		} catch (error) {
			return void (await call.reply(refusalOf(error)));
		}
		const item = await context.db.shop.addItem(fields);
		await refreshShop(context, this.log);
		await call.reply({ content: `Added item #${item.id} **${item.name}** (${item.price} points).`, visibility: 'caller' });
	}

	public async itemEdit(call: CommandCall, context: GuildContext): Promise<void> {
		const item = await this.moderatorItem(call, context);
		if (item === null) return;
		const typed = { ...this.typedFields(call), name: call.options.string('name'), price: call.options.integer('price') };
		if (call.form === 'slash' && Object.values(typed).every((value) => value === null || value === undefined)) {
			await (call.source as ChatInputCommandInteraction).showModal(itemTextModal(context.guildId, item));
			return;
		}
		await this.change(call, context, item, typed, 'Changed');
	}

	public async itemStock(call: CommandCall, context: GuildContext): Promise<void> {
		const item = await this.moderatorItem(call, context);
		if (item !== null) await this.change(call, context, item, { stock: call.options.integer('stock') }, 'Set the stock of');
	}

	public async itemEnable(call: CommandCall, context: GuildContext): Promise<void> {
		const item = await this.moderatorItem(call, context);
		if (item !== null) await this.change(call, context, item, { active: true }, 'Put on sale');
	}

	public async itemDisable(call: CommandCall, context: GuildContext): Promise<void> {
		const item = await this.moderatorItem(call, context);
		if (item !== null) await this.change(call, context, item, { active: false }, 'Took off sale');
	}

	public async itemRemove(call: CommandCall, context: GuildContext): Promise<void> {
		const item = await this.moderatorItem(call, context);
		if (item === null) return;
		await context.db.shop.removeItem(item.id);
		await refreshShop(context, this.log);
		await call.reply({ content: `Removed item #${item.id} **${item.name}**; its orders stay.`, visibility: 'caller' });
	}

	public async post(call: CommandCall, context: GuildContext): Promise<void> {
		if (!(await this.moderator(call))) return;
		const channelId = call.options.channel('channel')?.id ?? call.channelId;
		try {
			await postShop(context, channelId);
		} catch {
			return void (await call.reply({
				content: `<#${channelId}> is not a channel of this server the bot can post in. Nothing was posted.`,
				visibility: 'refusal'
			}));
		}
		await call.reply({ content: `The shop message is posted in <#${channelId}> and kept up to date there.`, visibility: 'caller-only' });
	}

	public async orders(call: CommandCall, context: GuildContext): Promise<void> {
		if (!(await this.moderator(call))) return;
		await call.reply(await answerOrders(context.db.shop, call.options.integer('page') ?? 1));
	}

	private readonly log = (line: string) => this.container.logger.warn(line);

	private typedFields(call: CommandCall): ItemInput {
		const options = call.options;
		return {
			stock: options.integer('stock'),
			kind: options.string('kind'),
			raffleTickets: options.integer('tickets'),
			perUserLimit: options.integer('limit'),
			limitWindowHours: options.integer('window_hours'),
			requiresLink: options.boolean('requires_link'),
			requiredRoleId: options.role('role')?.id ?? null,
			minWatchMinutes: options.integer('watch_minutes'),
			imageUrl: options.string('image'),
			question: options.string('question'),
			description: options.string('description')
		};
	}

	private async change(call: CommandCall, context: GuildContext, item: ShopItem, input: ItemInput, done: string): Promise<void> {
		let updated;
		try {
			updated = await context.db.shop.updateItem(item.id, itemFields(input, item));
		} catch (error) {
			return void (await call.reply(refusalOf(error)));
		}
		if (updated === null) return void (await call.reply(noSuchItem(`#${item.id}`)));
		await refreshShop(context, this.log);
		await call.reply({
			content: `${done} item #${updated.id} **${updated.name}** (${updated.price} points, stock ${updated.stock < 0 ? 'unlimited' : updated.stock}).`,
			visibility: 'caller'
		});
	}

	private async moderator(call: CommandCall): Promise<boolean> {
		if (call.byModerator) return true;
		await call.reply({ content: 'Only moderators of this server can change the shop. Nothing was changed.', visibility: 'refusal' });
		return false;
	}

	private async moderatorItem(call: CommandCall, context: GuildContext): Promise<ShopItem | null> {
		if (!(await this.moderator(call))) return null;
		const reference = call.options.string('item') ?? '';
		const item = await findItem(context.db.shop, reference);
		if (item === null) await call.reply(noSuchItem(reference));
		return item;
	}
}

/** The form for an item's long texts, filled with what it has. */
function itemTextModal(guildId: bigint, item: ShopItem): ModalBuilder {
	const input = (id: string, label: string, value: string | null, max: number, style = TextInputStyle.Short) =>
		new ActionRowBuilder<TextInputBuilder>().addComponents(
			new TextInputBuilder()
				.setCustomId(id)
				.setLabel(label)
				.setStyle(style)
				.setRequired(id === 'name')
				.setMaxLength(max)
				.setValue(value ?? '')
		);
	return new ModalBuilder()
		.setCustomId(`shop:itemtext:${guildId}:${item.id}`)
		.setTitle(`Item #${item.id}`.slice(0, 45))
		.addComponents(
			input('name', 'Name', item.name, 80),
			input('description', 'Description', item.description, DESCRIPTION_MAX_LENGTH, TextInputStyle.Paragraph),
			input('question', 'Question for the buyer (empty: none)', item.question, QUESTION_MAX_LENGTH),
			input('image', 'Image URL (https://…)', item.imageUrl, 500)
		);
}
