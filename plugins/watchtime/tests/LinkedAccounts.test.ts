import { expect } from 'chai';
import type { GuildContext } from '#core';
import { LinkedAccounts } from '../lib/LinkedAccounts.js';

/** A server with one linked member (the links' memory is what is tested). */
const server = (guildId: bigint) =>
	({ guildId, db: { links: { all: async () => [{ discordId: 7n, kickName: 'Viewer', kickUserId: 70n }] } } }) as unknown as Pick<
		GuildContext,
		'guildId' | 'db'
	>;

describe('watchtime: the servers’ links in memory', () => {
	it('drops the expired links when a server’s are read a time to live after the last sweep: only servers that chatted lately keep theirs', async () => {
		let clock = 0;
		const links = new LinkedAccounts({ ttlMs: 1000, now: () => clock, onLoadError: () => undefined });
		await links.of(server(1n));
		clock = 500;
		expect((await links.of(server(2n)))('70', 'viewer')?.discordId).to.equal(7n);
		expect(links.cachedServers).to.equal(2);

		clock = 1000;
		await links.of(server(3n));
		expect(links.cachedServers, 'server 1 dropped, 2 (still fresh) and 3 kept').to.equal(2);

		clock = 2000;
		await links.of(server(1n));
		expect(links.cachedServers, 'servers 2 and 3 dropped').to.equal(1);
	});
});
