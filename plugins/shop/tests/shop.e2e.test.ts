import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { APIMessage } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import { KickUnderTest } from '#test/e2e/KickUnderTest';
import type { KickStandIn } from '#test/kick-standin/KickStandIn';
import { waitUntil } from '#test/helpers/waitUntil';

const ALPHA = '1990000000000000100';
const BETA = '1990000000000000200';

/** The custom ids of the components of a message or an answer. */
function componentIds(components: readonly unknown[] | undefined): string[] {
	return (components ?? []).flatMap((row) => (row as { components: { custom_id: string }[] }).components.map((component) => component.custom_id));
}

describe('shop: items, the shop message (select, answer form, confirmation), the order queue with a refund, and !redeem in Kick chat, per server, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;
	let setup: KickUnderTest;
	let kick: KickStandIn;
	let itemId: number;
	let shopMessage: APIMessage;

	const shop = (guild: string, member: string, subcommand: string, options: Record<string, string | number | boolean> = {}, group?: string) =>
		discord.runSlashCommand({ guild, member, name: 'shop', ...(group === undefined ? { subcommand } : { subcommandGroup: group, subcommand }), options });
	const chatAndAnswer = async (broadcaster: string, sender: string, content: string) => {
		const asked = await kick.chatAs({ broadcaster, sender, content, badges: [] });
		return (await kick.chat.waitFor((message) => message.replyToMessageId === asked.payload.message_id)).content;
	};
	const pointsOf = async (guild: string, name: string) =>
		(await under.sql<{ points: number }>('SELECT points FROM user_points WHERE discord_server_id = $1 AND kick_username = $2', [guild, name]))[0]?.points;
	const sales = (guild: string) =>
		under.sql<{ id: number; kick_username: string; status: string; answer: string | null; price_paid: number }>(
			'SELECT id, kick_username, status, answer, price_paid FROM point_sales WHERE discord_server_id = $1 ORDER BY id',
			[guild]
		);
	/** Points as the points plugin holds them: a balance and its ledger row. */
	const givePoints = async (guild: string, name: string, points: number) => {
		await under.sql('INSERT INTO user_points (discord_server_id, kick_username, points, total_earned) VALUES ($1, $2, $3, $3)', [guild, name, points]);
		await under.sql(`INSERT INTO point_ledger (discord_server_id, kick_username, source, amount, reason) VALUES ($1, $2, 'admin', $3, 'e2e')`, [
			guild,
			name,
			points
		]);
	};

	before(async () => {
		setup = await KickUnderTest.start({
			eventsVia: 'webhook',
			users: [
				{ username: 'AlphaStreamer' },
				{ username: 'BetaStreamer' },
				{ username: 'viewer_vic' },
				{ username: 'viewer_val' },
				{ username: 'sub_sam' },
				{ username: 'mod_mia' }
			]
		});
		kick = setup.kick;
		under = await BotUnderTest.start(
			{ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] },
			{ ...setup.environment, LOG_LEVEL: 'debug', DASHBOARD_SECRET: 'e2e-dashboard-secret-shop-0123456789abcd' }
		);
		discord = under.standIn;
		await under.bot.waitForLine(/Kick: 0 server\(s\) linked to 0 channel\(s\); events via signed webhooks/);
		await setup.linkEach(under, [
			{ guild: 'Alpha', streamer: 'AlphaStreamer' },
			{ guild: 'Beta', streamer: 'BetaStreamer' }
		]);
		const viewerId = discord.guild('Alpha').member('alpha-viewer').userId;
		await under.sql('INSERT INTO links (discord_id, kick_name, discord_server_id) VALUES ($1, $2, $3)', [viewerId, 'viewer_vic', ALPHA]);
		await givePoints(ALPHA, 'viewer_vic', 100);
		await givePoints(ALPHA, 'viewer_val', 50);
		await givePoints(ALPHA, 'sub_sam', 10);
		// The same Kick user in Beta has points of Beta's own.
		await givePoints(BETA, 'viewer_val', 500);
	});

	after(async () => {
		await under?.stop();
		await setup?.stop();
	});

	it('lets moderators add an item, refuses members and bad input, and writes nothing then', async () => {
		const refused = await shop('Alpha', 'alpha-viewer', 'add', { name: 'Sneaky', price: 1 }, 'item');
		expect([refused.ephemeral, refused.content]).to.deep.equal([true, 'Only moderators of this server can change the shop. Nothing was changed.']);
		const badImage = await shop('Alpha', 'alpha-moderator', 'add', { name: 'Bad', price: 5, image: 'javascript:alert(1)' }, 'item');
		expect(badImage.content).to.equal('An image URL starts with https:// and has no spaces. Nothing was changed.');
		const digits = await shop('Alpha', 'alpha-moderator', 'add', { name: '123', price: 5 }, 'item');
		expect(digits.content).to.equal('A name cannot be only digits (it would read as an item number). Nothing was changed.');
		expect(await under.sql('SELECT 1 FROM point_shop_items')).to.deep.equal([]);

		const added = await shop('Alpha', 'alpha-moderator', 'add', { name: 'Casino bonus', price: 40, stock: 2, question: 'Your casino username?' }, 'item');
		const match = /^Added item #(\d+) \*\*Casino bonus\*\* \(40 points\)\.$/.exec(added.content);
		expect(match, added.content).to.not.equal(null);
		itemId = Number(match![1]);
		const settings = await discord.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'shop_orders_channel_id', value: discord.guild('Alpha').channel('general').id }
		});
		expect(settings.content).to.match(/^\*\*shop_orders_channel_id\*\* is now/);
	});

	it('posts the shop message; a member picks the item, answers its question, confirms, and the order is pending with the points taken', async () => {
		const posted = await shop('Alpha', 'alpha-moderator', 'post');
		expect(posted.content).to.match(/^The shop message is posted in <#\d+> and kept up to date there\.$/);
		await waitUntil(() => discord.messagesIn('Alpha', 'general').some((message) => componentIds(message.components).includes(`shop:buy:${ALPHA}`)));
		shopMessage = discord.messagesIn('Alpha', 'general').find((message) => componentIds(message.components).includes(`shop:buy:${ALPHA}`))!;
		expect(shopMessage.embeds[0]?.description).to.contain(`**#${itemId} Casino bonus** · 40 pts · 2 left`);

		const picked = await discord.clickButton({
			guild: 'Alpha',
			member: 'alpha-viewer',
			message: shopMessage,
			customId: `shop:buy:${ALPHA}`,
			values: [String(itemId)]
		});
		expect(picked.type).to.equal(InteractionResponseType.Modal);
		expect(picked.modal?.custom_id).to.equal(`shop:answer:${ALPHA}:${itemId}`);

		const confirm = await discord.submitModal({
			guild: 'Alpha',
			member: 'alpha-viewer',
			customId: `shop:answer:${ALPHA}:${itemId}`,
			fields: { answer: ' vic_casino ' }
		});
		expect([confirm.ephemeral, confirm.content]).to.deep.equal([true, 'Buy this for 40 points?']);
		expect(confirm.embeds[0]?.fields).to.deep.equal([{ name: 'Your answer', value: 'vic_casino' }]);
		expect(componentIds(confirm.components)).to.deep.equal([`shop:confirm:${ALPHA}:${itemId}`]);
		// Nothing is bought before the confirmation.
		expect(await sales(ALPHA)).to.deep.equal([]);

		const bought = await discord.clickButton({
			guild: 'Alpha',
			member: 'alpha-viewer',
			message: confirm.message!,
			customId: `shop:confirm:${ALPHA}:${itemId}`
		});
		expect(bought.content).to.match(
			/^You bought \*\*Casino bonus\*\* for 40 points \(order #\d+\)\. A moderator will fulfil it; you get a DM when they do\. Balance: 60\.$/
		);
		const [sale] = await sales(ALPHA);
		expect(sale).to.deep.include({ kick_username: 'viewer_vic', status: 'pending', answer: 'vic_casino', price_paid: 40 });
		expect(await pointsOf(ALPHA, 'viewer_vic')).to.equal(60);
		// The order reaches the orders channel, and the shop message shows the stock left.
		await waitUntil(() =>
			discord.messagesIn('Alpha', 'general').some((message) => message.content.startsWith(`🛒 New order: **#${sale!.id}** Casino bonus`))
		);
		await waitUntil(
			() =>
				discord
					.messagesIn('Alpha', 'general')
					.find((message) => message.id === shopMessage.id)
					?.embeds[0]?.description?.includes('1 left') === true
		);
	});

	it('shows the pending queue to moderators; cancel refunds, frees the stock and tells the buyer by DM', async () => {
		const [sale] = await sales(ALPHA);
		const viewerQueue = await shop('Alpha', 'alpha-viewer', 'orders');
		expect(viewerQueue.content).to.equal('Only moderators of this server can change the shop. Nothing was changed.');
		const queue = await shop('Alpha', 'alpha-moderator', 'orders');
		expect(queue.ephemeral).to.equal(true);
		expect(queue.embeds[0]?.title).to.equal('Pending orders (1)');
		expect(queue.embeds[0]?.description).to.contain('> vic\\_casino');
		expect(componentIds(queue.components)).to.deep.equal([`shop:order:${ALPHA}:complete:${sale!.id}`, `shop:order:${ALPHA}:cancel:${sale!.id}`]);

		// A member who is no moderator clicks a button of the queue: refused.
		const notMod = await discord.clickButton({
			guild: 'Alpha',
			member: 'alpha-viewer',
			message: queue.message!,
			customId: `shop:order:${ALPHA}:cancel:${sale!.id}`
		});
		expect(notMod.content).to.equal('Only moderators of this server can do that. Nothing was changed.');
		expect((await sales(ALPHA))[0]?.status).to.equal('pending');

		const dmChannel = discord.directMessageChannel('alpha-viewer');
		const cancelled = await discord.clickButton({
			guild: 'Alpha',
			member: 'alpha-moderator',
			message: queue.message!,
			customId: `shop:order:${ALPHA}:cancel:${sale!.id}`
		});
		expect(cancelled.content).to.match(new RegExp(`^↩️ Cancelled and refunded by <@\\d+>: \\*\\*#${sale!.id}\\*\\* Casino bonus`));
		expect((await sales(ALPHA))[0]?.status).to.equal('cancelled');
		expect(await pointsOf(ALPHA, 'viewer_vic')).to.equal(100);
		const dm = await discord.waitForBotMessage({ channelId: dmChannel });
		expect(dm.content).to.equal(`Your shop order #${sale!.id} (Casino bonus) in **Alpha** was cancelled and 40 points were refunded (balance: 100).`);
		// The DM went through the outbox, once, keyed by the order.
		const told = () => under.sql<{ dedupe_key: string; status: string }>(`SELECT dedupe_key, status FROM outbox_messages WHERE destination = 'discord_dm'`);
		await waitUntil(async () => (await told()).every((row) => row.status === 'sent'));
		expect(await told()).to.deep.equal([{ dedupe_key: `dm:shop:closed:${sale!.id}`, status: 'sent' }]);
		await waitUntil(
			() =>
				discord
					.messagesIn('Alpha', 'general')
					.find((message) => message.id === shopMessage.id)
					?.embeds[0]?.description?.includes('2 left') === true
		);
		// A second click on the same order changes nothing.
		const again = await discord.clickButton({
			guild: 'Alpha',
			member: 'alpha-moderator',
			message: queue.message!,
			customId: `shop:order:${ALPHA}:cancel:${sale!.id}`
		});
		expect(again.content).to.equal(`Order #${sale!.id} is already cancelled. Nothing was changed.`);
		expect(await pointsOf(ALPHA, 'viewer_vic')).to.equal(100);
	});

	it('lists the shop in Kick chat and sells from it with !redeem, in that server only', async () => {
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_val', '!shop')).to.equal(`Shop: #${itemId} Casino bonus (40) | Buy: !redeem <item> [answer]`);
		// One try per chatter: !redeem has a per-user cooldown.
		expect(await chatAndAnswer('AlphaStreamer', 'viewer_vic', '!redeem casino bonus')).to.equal(
			'@viewer_vic Casino bonus asks: Your casino username? Answer it to buy.'
		);
		const redeemed = await chatAndAnswer('AlphaStreamer', 'viewer_val', `!redeem #${itemId} val_casino`);
		expect(redeemed).to.match(/^@viewer_val you bought Casino bonus for 40 points \(order #\d+, a moderator will fulfil it\)\. Balance: 10\.$/);
		expect((await sales(ALPHA)).at(-1)).to.deep.include({ kick_username: 'viewer_val', status: 'pending', answer: 'val_casino' });
		expect(await chatAndAnswer('AlphaStreamer', 'sub_sam', `!redeem Casino Bonus sam_casino`)).to.equal(
			'@sub_sam Casino bonus costs 40 points; you have 10.'
		);
		expect(await chatAndAnswer('AlphaStreamer', 'mod_mia', '!redeem unicorn')).to.equal('@mod_mia there is no item "unicorn" for sale. !shop lists them.');
		expect(await sales(ALPHA)).to.have.length(2);

		// Beta's chat: Beta's shop is empty, and Alpha's item number means nothing there.
		expect(await chatAndAnswer('BetaStreamer', 'viewer_val', '!shop')).to.equal('The shop has nothing for sale right now.');
		expect(await chatAndAnswer('BetaStreamer', 'viewer_val', `!redeem ${itemId} x`)).to.equal(
			`@viewer_val there is no item "${itemId} x" for sale. !shop lists them.`
		);
		expect(await sales(BETA)).to.deep.equal([]);
		expect(await pointsOf(BETA, 'viewer_val')).to.equal(500);
	});

	it('refuses another server’s custom ids and item ids, and writes nothing', async () => {
		const reply = await discord.sendMessage({ guild: 'Beta', channel: 'general', member: 'beta-viewer', content: '!shop list' });
		const alphaOrder = (await sales(ALPHA)).at(-1)!;
		for (const customId of [`shop:confirm:${ALPHA}:${itemId}`, `shop:order:${ALPHA}:complete:${alphaOrder.id}`, `shop:orders:${ALPHA}:1`]) {
			const answer = await discord.clickButton({ guild: 'Beta', member: 'beta-moderator', message: reply, customId });
			expect([answer.ephemeral, answer.content]).to.deep.equal([true, 'This belongs to another server’s shop. Nothing was changed.']);
		}
		const crossed = await discord.clickButton({ guild: 'Beta', member: 'beta-moderator', message: reply, customId: `shop:confirm:${BETA}:${itemId}` });
		expect(crossed.content).to.equal(`There is no item #${itemId} for sale in this shop.`);
		const order = await discord.clickButton({
			guild: 'Beta',
			member: 'beta-moderator',
			message: reply,
			customId: `shop:order:${BETA}:complete:${alphaOrder.id}`
		});
		expect(order.content).to.equal(`There is no order #${alphaOrder.id} in this server.`);
		const modal = await discord.submitModal({
			guild: 'Beta',
			member: 'beta-moderator',
			customId: `shop:itemtext:${BETA}:${itemId}`,
			fields: { name: 'Mine now' }
		});
		expect(modal.content).to.equal(`There is no item #${itemId} in this server’s shop. Nothing was changed.`);
		const edit = await shop('Beta', 'beta-moderator', 'stock', { item: String(itemId), stock: 99 }, 'item');
		expect(edit.content).to.equal(`There is no item “${itemId}” in this server’s shop. Nothing was changed.`);
		expect(await sales(BETA)).to.deep.equal([]);
		expect((await sales(ALPHA)).at(-1)?.status).to.equal('pending');
		expect(await under.sql('SELECT name, stock FROM point_shop_items')).to.deep.equal([{ name: 'Casino bonus', stock: 1 }]);
	});

	it('completes or cancels a sale when the dashboard asks, in the named server only, telling a Kick buyer in chat', async () => {
		const order = (await sales(ALPHA)).at(-1)!;
		// Beta's dashboard message naming Alpha's sale: Beta has no such sale, nothing changes.
		await under.publishDashboard({ area: 'point_shop', action: 'sale_status', guildId: BETA, data: { sale_id: order.id, status: 'cancelled' } });
		await under.bot.waitForLine(new RegExp(`Shop: the dashboard set sale #${order.id} of server ${BETA} to cancelled, but it is no such sale`));
		expect((await sales(ALPHA)).at(-1)?.status).to.equal('pending');

		await under.publishDashboard({ area: 'point_shop', action: 'sale_status', guildId: ALPHA, data: { sale_id: order.id, status: 'cancelled' } });
		const told = await kick.chat.waitFor((message) => message.content.startsWith(`@viewer_val your shop order #${order.id}`));
		expect(told.content).to.equal(`@viewer_val your shop order #${order.id} (Casino bonus) was cancelled and 40 points were refunded (balance: 50).`);
		expect((await sales(ALPHA)).at(-1)?.status).to.equal('cancelled');
		expect(await pointsOf(ALPHA, 'viewer_val')).to.equal(50);
	});
});
