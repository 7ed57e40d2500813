import { expect } from 'chai';
import type { GuildContext } from '#core';
import { OpenRounds } from '../lib/OpenRounds.js';

/** A server whose round 4 is open (the rounds' memory is what is tested). */
const server = (guildId: bigint) => ({ guildId, db: { gtb: { openRoundNumber: async () => 4 } } }) as unknown as Pick<GuildContext, 'guildId' | 'db'>;

describe('guess-the-balance: the servers’ open rounds in memory', () => {
	it('drops the expired ones when a server’s is read a time to live after the last sweep: only servers guessed in lately are kept', async () => {
		let clock = 0;
		const rounds = new OpenRounds({ ttlMs: 1000, now: () => clock });
		await rounds.of(server(1n));
		clock = 500;
		expect(await rounds.of(server(2n))).to.equal(4);
		expect(rounds.cachedServers).to.equal(2);

		clock = 1000;
		await rounds.of(server(3n));
		expect(rounds.cachedServers, 'server 1 dropped, 2 (still fresh) and 3 kept').to.equal(2);

		clock = 2000;
		await rounds.of(server(1n));
		expect(rounds.cachedServers, 'servers 2 and 3 dropped').to.equal(1);
	});
});
