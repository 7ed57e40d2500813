import { expect } from 'chai';
import type { GuildRepositories } from '#core';
import { deleteRows, openMigratedDatabase, postgresEngine, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import type { AnnounceContext } from '../lib/announce.js';
import { keepLeaderboard, leaderboardKey } from '../lib/leaderboard.js';
import { openPeriod } from '../lib/periods.js';
import manifest from '../plugin.js';

const GUILD = 100000000000000001n;
const CHANNEL = '555000000000000001';

describe('raffles: the leaderboard message, posted once and edited only when what it shows changed', function () {
	this.timeout(30_000);
	let migrated: MigratedDatabase;
	let db: GuildRepositories;
	const posted: string[] = [];
	const edits: { messageId: string; content: string }[] = [];
	let context: AnnounceContext;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'raffles-leaderboard', repositoriesOf(manifest));
		db = migrated.database.forGuild(GUILD);
		await deleteRows(migrated.database, ['raffle_leaderboards', 'raffle_ticket_log', 'raffle_tickets', 'raffle_periods', 'outbox_messages']);
		context = {
			guildId: GUILD,
			// Edits of the server's channel are recorded.
			editInChannel: async (channelId: string, messageId: string, body: { content: string }) => {
				if (channelId !== CHANNEL) return false;
				edits.push({ messageId, content: body.content });
				return true;
			},
			db,
			settings: { get: (key: string) => (key === 'raffle_leaderboard_channel_id' ? CHANNEL : null) },
			sayInKickChat: async () => ({ status: 'not linked' }),
			postInChannel: async (_channel: string, message: { content: string }, post: { key: string }) => {
				posted.push(post.key);
				// The outbox records it; its courier posts it and keeps the message id.
				await migrated.database.connection.openSession().then(async (session) => {
					await session.exec(
						`INSERT INTO outbox_messages (discord_server_id, destination, target_id, kind, dedupe_key, content, status, expires_at, sent_message_id)
						VALUES (${GUILD}, 'discord_channel', ${CHANNEL}, 'announcement', 'discord:${post.key}', '${message.content.replaceAll("'", "''")}', 'sent', now() + interval '1 hour', '777')`
					);
					await session.release();
				});
				return { status: 'accepted', id: 1n };
			}
		} as unknown as AnnounceContext;
	});
	after(() => migrated.close());

	it('posts the first message through the outbox, edits it only after a change, and not twice for the same view', async () => {
		const period = await openPeriod(db.raffles, {
			startDate: new Date(),
			endDate: new Date(Date.now() + 86_400_000),
			prize: null,
			openedByDiscordId: null
		});
		expect(await keepLeaderboard(context)).to.equal('posted');
		expect(posted).to.deep.equal([leaderboardKey(CHANNEL, period.id)]);
		expect(await keepLeaderboard(context)).to.equal('unchanged');

		await db.raffles.changeTickets(period.id, { participant: { discordId: null, kickName: 'bob' }, source: 'bonus', delta: 5, reason: 'x' });
		expect(await keepLeaderboard(context)).to.equal('edited');
		expect(edits).to.have.length(1);
		expect(edits[0]!.messageId).to.equal('777');
		expect(edits[0]!.content).to.match(/1\. bob: 5 \(100\.0%\)/);
		expect(await keepLeaderboard(context)).to.equal('unchanged');
		expect(await keepLeaderboard(context)).to.equal('unchanged');
		expect(edits).to.have.length(1);
		expect(posted).to.have.length(1);
	});
});
