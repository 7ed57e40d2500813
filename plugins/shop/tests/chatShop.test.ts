import { expect } from 'chai';
import { pickItem } from '../lib/chatShop.js';
import { chatShopLine, KICK_MAX_LENGTH, shopMessage } from '../lib/describeShop.js';
import type { ShopItem } from '../lib/ShopRepository.js';

const item = (id: number, name: string, overrides: Partial<ShopItem> = {}): ShopItem => ({
	id,
	name,
	description: null,
	price: 100 * id,
	stock: -1,
	imageUrl: null,
	active: true,
	perUserLimit: -1,
	limitWindowHours: null,
	requiresLink: false,
	requiredRoleId: null,
	minWatchMinutes: 0,
	question: null,
	kind: 'moderators',
	raffleTickets: 0,
	...overrides
});

describe('shop in chat: !shop within Kick’s 500 characters, and the item !redeem names', () => {
	it('lists items for sale briefly, leaving out sold-out and disabled ones, and says how many more did not fit', () => {
		const items = [item(1, 'VIP'), item(2, 'Gone', { stock: 0 }), item(3, 'Off', { active: false }), item(4, 'Shout-out')];
		expect(chatShopLine(items, '!')).to.equal('Shop: #1 VIP (100), #4 Shout-out (400) | Buy: !redeem <item> [answer]');
		const many = Array.from({ length: 60 }, (_, index) => item(index + 1, `A rather long item name number ${index + 1}`));
		const line = chatShopLine(many, '?');
		expect(line.length).to.be.at.most(KICK_MAX_LENGTH);
		expect(line).to.match(/ \+\d+ more \| Buy: \?redeem <item> \[answer\]$/);
		expect(chatShopLine([], '!')).to.equal('The shop has nothing for sale right now.');
	});

	it('reads the item by number or by the longest name the words start with; the rest is the answer', () => {
		const items = [item(1, 'VIP'), item(2, 'VIP Gold'), item(7, 'Casino bonus')];
		expect(pickItem(items, '#7 my_name')).to.deep.equal({ item: items[2], rest: 'my_name' });
		expect(pickItem(items, '2')).to.deep.equal({ item: items[1], rest: '' });
		expect(pickItem(items, 'vip gold')).to.deep.equal({ item: items[1], rest: '' });
		expect(pickItem(items, 'VIP please')).to.deep.equal({ item: items[0], rest: 'please' });
		expect(pickItem(items, 'casino bonus  vic 123')).to.deep.equal({ item: items[2], rest: 'vic 123' });
		for (const words of ['9', '#0', '99999999999999', 'unicorn', '-1', 'VIPs'] as const) expect(pickItem(items, words), words).to.equal(null);
	});

	it('builds a shop message within Discord’s limits, its select naming the server, disabled when nothing is for sale', () => {
		const message = shopMessage(
			5n,
			Array.from({ length: 40 }, (_, index) => item(index + 1, 'x'.repeat(80), { description: 'd'.repeat(1000) }))
		);
		const embed = message.embeds[0] as { description: string };
		expect(embed.description.length).to.be.at.most(4096);
		const select = (message.components[0] as { components: { custom_id: string; options: unknown[]; disabled: boolean }[] }).components[0]!;
		expect([select.custom_id, select.options.length, select.disabled]).to.deep.equal(['shop:buy:5', 25, false]);
		const empty = (shopMessage(5n, []).components[0] as { components: { disabled: boolean }[] }).components[0]!;
		expect(empty.disabled).to.equal(true);
	});
});
