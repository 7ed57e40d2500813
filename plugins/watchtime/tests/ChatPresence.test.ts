import { expect } from 'chai';
import type { GuildRepositories, GuildShared } from '#core';
import { finishBeforeStopping } from '#test/helpers/botStopping';
import { ChatPresence, type PresenceContext } from '../lib/ChatPresence.js';
import { chatPresence } from '../lib/processChatPresence.js';
import { PRESENCE_KEY, PRESENCE_TTL_MS } from '../lib/presence.js';

// The in-process buffer and its flush, with a recording shared state and links: what reaches Redis, in how many calls.

interface Raise {
	readonly guildId: bigint;
	readonly key: string;
	readonly members: readonly string[];
	readonly scores: readonly number[];
	readonly ttlMs: number;
}

function fakeServer(
	guildId: bigint,
	raises: Raise[],
	links: { discordId: bigint; kickName: string; kickUserId: bigint | null }[] = [],
	reads = { count: 0 }
): PresenceContext {
	const shared = {
		guildId,
		raiseScores: async (key: string, members: readonly string[], scores: readonly number[], ttlMs: number) => {
			raises.push({ guildId, key, members: [...members], scores: [...scores], ttlMs });
		}
	} as unknown as GuildShared;
	const db = {
		links: {
			all: async () => {
				reads.count++;
				return links.map((link) => ({ ...link, linkedAt: null }));
			}
		}
	} as unknown as GuildRepositories;
	return { guildId, shared, db };
}

describe('watchtime: ChatPresence (the in-process buffer and its flush)', () => {
	let presence: ChatPresence;
	let clock: number;

	beforeEach(() => {
		clock = 1_000_000;
		presence = new ChatPresence({ now: () => clock, flushEveryMs: 3_600_000, linksTtlMs: 60_000 });
	});
	afterEach(() => presence.close());

	it('pushes each server’s chatters in one call per flush, one member per account with its latest message', async () => {
		const raises: Raise[] = [];
		const alpha = fakeServer(1n, raises);
		const beta = fakeServer(2n, raises);
		for (let message = 0; message < 1000; message++) presence.record(alpha, String(500 + (message % 3)), `viewer${message % 3}`, clock + message);
		presence.record(alpha, '500', 'Viewer0_Renamed', clock + 5000);
		presence.record(alpha, '500', 'too_old', clock);
		presence.record(beta, '500', 'viewer0', clock);

		await presence.flush();
		expect(raises.map((raise) => [raise.guildId, raise.key, raise.ttlMs])).to.deep.equal([
			[1n, PRESENCE_KEY, PRESENCE_TTL_MS],
			[2n, PRESENCE_KEY, PRESENCE_TTL_MS]
		]);
		expect(raises[0]!.members).to.deep.equal(['k:500 500 viewer0_renamed', 'k:501 501 viewer1', 'k:502 502 viewer2']);
		expect(raises[0]!.scores).to.deep.equal([clock + 5000, clock + 997, clock + 998]);
		expect(raises[1]!.members).to.deep.equal(['k:500 500 viewer0']);

		await presence.flush();
		expect(raises, 'nothing new, nothing sent').to.have.length(2);
	});

	it('names a linked account’s chatter as the member, under the linked name, reading the server’s links once per time to live', async () => {
		const raises: Raise[] = [];
		const reads = { count: 0 };
		const alpha = fakeServer(
			1n,
			raises,
			[
				{ discordId: 11n, kickName: 'AliceTV', kickUserId: 502n },
				{ discordId: 12n, kickName: 'Legacy_Dave', kickUserId: null }
			],
			reads
		);
		presence.record(alpha, '502', 'alice_renamed', clock);
		presence.record(alpha, '777', 'LEGACY_dave', clock);
		presence.record(alpha, '501', 'bob', clock);
		await presence.flush();
		expect(raises[0]!.members).to.deep.equal(['m:11 502 alicetv', 'm:12 777 legacy_dave', 'k:501 501 bob']);

		presence.record(alpha, '501', 'bob', clock);
		await presence.flush();
		clock += 60_000;
		presence.record(alpha, '501', 'bob', clock);
		await presence.flush();
		expect(reads.count, 'read at the first flush and once the time to live passed').to.equal(2);
	});

	it('the process’s presence pushes who chatted since its last flush when the bot stops', async () => {
		const raises: Raise[] = [];
		chatPresence.record(fakeServer(3n, raises), '700', 'viewer_last', clock);
		const failures: unknown[] = [];

		await finishBeforeStopping((error) => failures.push(error));

		expect(failures).to.deep.equal([]);
		expect(raises.map((raise) => [raise.guildId, raise.members.length])).to.deep.equal([[3n, 1]]);
	});
});
