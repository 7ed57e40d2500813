import { expect } from 'chai';
import type { ChannelMessage, ChannelPost, GuildContext, GuildSettings, KickChatPost } from '#core';
import { openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { testGuildContext } from '#test/helpers/guildContext';
import { matchesCommitment, canonicalGuessList } from '../lib/commitment.js';
import { openRounds } from '../lib/OpenRounds.js';
import { announcementChannel, closeRound, enterResult, openRound } from '../lib/roundActions.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000021n;
const BETA = 100000000000000022n;
const MODERATOR = 300000000000000001n;
const CHANNEL = '700000000000000001';

/** Settings as a server has them: these values, and a RangeError for a key no plugin declares (as GuildSettings does). */
function settingsOf(values: Record<string, unknown>): GuildSettings {
	const all: Record<string, unknown> = { plugins_off: [], prefix: '!', gtb_winners: 2, gtb_channel_id: CHANNEL, ...values };
	return {
		get: (key: string) => {
			if (!(key in all)) throw new RangeError(`No setting "${key}" is declared by the core or an installed plugin`);
			return all[key];
		}
	} as unknown as GuildSettings;
}

interface Posted {
	readonly where: string;
	readonly content: string;
	readonly key: string;
}

describe('guess-the-balance: opening, closing and the result, with what each posts', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let posted: Posted[];
	let announced: string[];
	let overlays: string[];
	const log: string[] = [];

	function contextOf(guildId: bigint, settings: Record<string, unknown> = {}): GuildContext {
		const context = testGuildContext({
			guildId,
			settings: settingsOf(settings),
			db: migrated.database.forGuild(guildId),
			announceChange: (area) => {
				announced.push(`${guildId}:${area}`);
				return Promise.resolve(true);
			},
			overlayChanged: (name) => void overlays.push(`${guildId}:${name}`)
		});
		return {
			...context,
			sayInKickChat: (content: string, post: KickChatPost) => {
				posted.push({ where: `kick:${guildId}`, content, key: post.key });
				return Promise.resolve({ status: 'accepted', id: 1n });
			},
			postInChannel: (channelId: string, message: ChannelMessage, post: ChannelPost) => {
				posted.push({ where: `discord:${channelId}`, content: message.content, key: post.key });
				return Promise.resolve({ status: 'accepted', id: 1n });
			}
		};
	}

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'gtb_actions', repositoriesOf(manifest));
	});
	after(() => migrated.close());
	beforeEach(() => {
		posted = [];
		announced = [];
		overlays = [];
	});

	it('opens a round: the cached open round, the other processes and the overlay are told, Kick chat hears it', async () => {
		const alpha = contextOf(ALPHA);
		const answer = await openRound(alpha, MODERATOR, (line) => log.push(line));
		expect(answer).to.deep.equal({ done: true, line: 'Opened round #1: viewers guess with `!gtb <amount>` in Kick chat.' });
		expect(await openRounds.of(alpha)).to.equal(1);
		expect([announced, overlays]).to.deep.equal([[`${ALPHA}:gtb`], [`${ALPHA}:gtb`]]);
		expect(posted).to.deep.equal([
			{
				where: `kick:${ALPHA}`,
				content: 'Guess the balance #1 is open! Type !gtb <amount> (like !gtb 1234.56). One guess each; a new guess replaces yours.',
				key: 'gtb:round:1:open'
			}
		]);
		const again = await openRound(alpha, MODERATOR, () => undefined);
		expect(again).to.deep.equal({ done: false, line: 'Round #1 is already open. Nothing was changed.' });
	});

	it('refuses a result while the round is open, and a bad amount', async () => {
		expect(await enterResult(contextOf(ALPHA), '100', MODERATOR, () => undefined)).to.deep.equal({
			done: false,
			line: 'Round #1 is still open: close it first (`/gtb close`). Nothing was changed.'
		});
		expect(await enterResult(contextOf(ALPHA), 'a lot', MODERATOR, () => undefined)).to.deep.equal({
			done: false,
			line: '"a lot" is not an amount: type it like 1234.56 or $1,234.56. Nothing was changed.'
		});
		expect(posted).to.deep.equal([]);
	});

	it('closes: posts the commitment in Kick chat and Discord before any result, and it verifies against the export', async () => {
		const gtb = migrated.database.forGuild(ALPHA).gtb;
		const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 20, 0, second));
		await gtb.guess(1, { kickUserId: '501', kickUsername: 'viewer_vic' }, 1100_00n, at(1));
		await gtb.guess(1, { kickUserId: '502', kickUsername: 'viewer_val' }, 900_00n, at(2));
		await gtb.guess(1, { kickUserId: '503', kickUsername: 'ann' }, 5000_00n, at(3));
		const answer = await closeRound(contextOf(ALPHA), () => undefined);
		const commitment = (await gtb.latestRound())!.commitment!;
		expect(answer).to.deep.equal({ done: true, line: `Closed round #1 with 3 guesses. Commitment: \`${commitment}\`.` });
		expect(matchesCommitment(canonicalGuessList(await gtb.guesses(1)), commitment)).to.equal(true);
		expect(posted).to.deep.equal([
			{
				where: `kick:${ALPHA}`,
				content: `Guess the balance #1 is closed with 3 guesses. Commitment (sha256 of the guess list): ${commitment}`,
				key: 'gtb:round:1:closed'
			},
			{
				where: `discord:${CHANNEL}`,
				content: `🔒 **Guess the balance #1** is closed with 3 guesses.\nCommitment (sha256 of the guess list): \`${commitment}\`\nModerators attach the list with \`/gtb export\`: its \`sha256sum\` is this commitment.`,
				key: 'gtb:round:1:closed'
			}
		]);
		expect(await openRounds.of(contextOf(ALPHA))).to.equal(null);
		expect(await openRound(contextOf(ALPHA), MODERATOR, () => undefined)).to.deep.equal({
			done: false,
			line: 'Round #1 is closed and waits for its final balance: enter it first (`/gtb result <amount>`). Nothing was changed.'
		});
	});

	it('enters the result once: the top gtb_winners, ties to the earlier guess, in Kick chat and Discord; again, the same keys and a refusal', async () => {
		const answer = await enterResult(contextOf(ALPHA), '$1,000', MODERATOR, () => undefined);
		expect(answer).to.deep.equal({ done: true, line: 'Round #1: final balance $1,000.00. Winners: 1. viewer_vic ($1,100.00), 2. viewer_val ($900.00).' });
		expect(overlays).to.deep.equal([`${ALPHA}:gtb`]);
		const first = [
			{
				where: `kick:${ALPHA}`,
				content: 'Guess the balance #1: the final balance is $1,000.00. Winners: 1. @viewer_vic ($1,100.00), 2. @viewer_val ($900.00)',
				key: 'gtb:round:1:result'
			},
			{
				where: `discord:${CHANNEL}`,
				content:
					'🏆 **Guess the balance #1**: the final balance is **$1,000.00**.\n1. viewer\\_vic · $1,100.00 (off by $100.00)\n2. viewer\\_val · $900.00 (off by $100.00)',
				key: 'gtb:round:1:result'
			}
		];
		expect(posted).to.deep.equal(first);
		posted = [];
		const again = await enterResult(contextOf(ALPHA), '5', MODERATOR, () => undefined);
		expect(again).to.deep.equal({ done: false, line: 'Round #1 already has its final balance ($1,000.00). Nothing was changed.' });
		// The same words under the same keys: the outbox posts nothing more (what a crash kept from the first is posted now).
		expect(posted).to.deep.equal(first);
	});

	it('posts in the slot calls channel when gtb_channel_id is unset and that setting exists, else in Discord nowhere', () => {
		expect(announcementChannel(contextOf(BETA, { gtb_channel_id: null, slot_calls_channel_id: '42' }))).to.equal('42');
		expect(announcementChannel(contextOf(BETA, { gtb_channel_id: '7', slot_calls_channel_id: '42' }))).to.equal('7');
		expect(announcementChannel(contextOf(BETA, { gtb_channel_id: null }))).to.equal(null);
	});

	it('acts on its own server only: Beta has nothing to close, and opening there touches Alpha’s round in nothing', async () => {
		expect(await closeRound(contextOf(BETA), () => undefined)).to.deep.equal({ done: false, line: 'No round is open. Nothing was changed.' });
		await openRound(contextOf(BETA, { gtb_channel_id: null }), null, () => undefined);
		expect(posted.map((post) => post.where)).to.deep.equal([`kick:${BETA}`]);
		expect((await migrated.database.forGuild(ALPHA).gtb.latestRound())?.status).to.equal('finished');
		expect((await migrated.database.forGuild(BETA).gtb.latestRound())?.number).to.equal(1);
	});
});
