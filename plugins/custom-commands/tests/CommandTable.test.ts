import { expect } from 'chai';
import type { GuildContext } from '#core';
import { CommandTables } from '../lib/CommandTable.js';

/** A server whose commands table is empty (the tables' memory is what is tested, not their content). */
const server = (guildId: bigint) => ({ guildId, db: { customCommands: { list: async () => [] } } }) as unknown as Pick<GuildContext, 'guildId' | 'db'>;

describe('custom-commands: the servers’ command tables in memory', () => {
	it('drops the expired tables when one is loaded a time to live after the last sweep: only servers that chatted lately keep theirs', async () => {
		let clock = 0;
		const tables = new CommandTables({ catalog: () => new Map(), now: () => clock, ttlMs: 1000 });
		await tables.of(server(1n));
		clock = 500;
		await tables.of(server(2n));
		expect(tables.cachedServers).to.equal(2);

		clock = 1000;
		await tables.of(server(3n));
		expect(tables.cachedServers, 'server 1 dropped, 2 (still fresh) and 3 kept').to.equal(2);
		await tables.of(server(2n));
		expect(tables.cachedServers, 'a fresh table is served as it is').to.equal(2);

		clock = 2000;
		await tables.of(server(1n));
		expect(tables.cachedServers, 'servers 2 and 3 dropped').to.equal(1);
	});
});
