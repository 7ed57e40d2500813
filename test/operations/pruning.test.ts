import { expect } from 'chai';
import pg from 'pg';
import type { Database } from '#lib/database/Database';
import { pruneBookkeeping } from '#lib/database/pruneBookkeeping';
import { openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { ADMIN_DATABASE_URL } from '#test/helpers/postgres';
import { emptyDatabase, execute, GUILD_A, selectRows } from '#test/kick/kickTestDatabase';

const HOUR_MS = 3600_000;
const OLD_EVENTS = 5000;
const FRESH_EVENTS = 500;
/** A stored chat event, as kickEventToJson writes one: what each `chat:` receipt carries. */
const EVENT_JSON = `jsonb_build_object('type', 'chat.message.sent', 'eventKey', 'chat:' || g, 'broadcasterUserId', '7700', 'messageId', 'm' || g,
	'content', 'that was close KEKW', 'sender', jsonb_build_object('userId', '7701', 'username', 'viewer_vic', 'badges', '[]'::jsonb), 'at', now()::text)`;

/** Receipts as webhooks leave them: per event its own key (with the event) and the delivery's, received `hoursAgo`. */
async function seedReceipts(database: Database, from: number, count: number, hoursAgo: number): Promise<void> {
	await execute(
		database,
		`INSERT INTO kick_event_receipts (event_key, received_at, event, channel, handled_at, attempts)
		SELECT key, now() - make_interval(hours => $3), event, '7700', now() - make_interval(hours => $3), 1
		FROM generate_series($1::int, $1::int + $2::int - 1) AS g,
			LATERAL (VALUES ('chat:' || g, ${EVENT_JSON}), ('webhook:' || g, NULL::jsonb)) AS rows(key, event)`,
		[from, count, hoursAgo]
	);
}

async function count(database: Database, sql: string): Promise<number> {
	const [row] = await selectRows<{ count: string }>(database, `SELECT count(*)::text AS count FROM ${sql}`);
	return Number(row?.count);
}

describe('Pruning Kick bookkeeping in batches (PostgreSQL)', function () {
	this.timeout(60_000);
	let migrated: MigratedDatabase;
	let database: Database;

	before(async () => {
		migrated = await openMigratedDatabase(postgresEngine, 'pruning');
		database = migrated.database;
	});
	after(() => migrated?.close());
	beforeEach(async () => {
		await emptyDatabase(database);
		await seedReceipts(database, 1, OLD_EVENTS, 30);
		await seedReceipts(database, 1_000_000, FRESH_EVENTS, 0);
		// Parked a day ago (kept: the operator's evidence) and eight days ago (gone).
		await execute(
			database,
			`UPDATE kick_event_receipts SET handled_at = NULL, parked_at = now() - interval '30 hours', last_error = 'boom' WHERE event_key IN ('chat:1', 'chat:2')`
		);
		await execute(
			database,
			`UPDATE kick_event_receipts SET received_at = now() - interval '8 days', handled_at = NULL, parked_at = now() - interval '8 days' WHERE event_key = 'chat:3'`
		);
	});

	it('deletes receipts past their retention in statements of at most one batch, oldest first, keeping recent and parked ones', async () => {
		const batches: number[] = [];
		const deleted = await database.kickEventReceipts.prune(new Date(Date.now() - 24 * HOUR_MS), {
			batchSize: 1000,
			parkedBefore: new Date(Date.now() - 7 * 24 * HOUR_MS),
			onBatch: (rows) => batches.push(rows)
		});
		expect(deleted).to.equal(2 * OLD_EVENTS - 2);
		expect(batches.every((rows) => rows <= 1000)).to.equal(true);
		expect(batches).to.have.length(Math.ceil((2 * OLD_EVENTS - 2) / 1000));
		expect(await count(database, 'kick_event_receipts')).to.equal(2 * FRESH_EVENTS + 2);
		expect(await count(database, `kick_event_receipts WHERE parked_at IS NOT NULL`)).to.equal(2);
		expect(await database.kickEventReceipts.claim('chat:1000000'), 'a recent receipt still catches its retry').to.equal(false);
		expect(await database.kickEventReceipts.claim('chat:4'), 'a pruned key is free again').to.equal(true);
	});

	it('never waits for rows another transaction holds, and lets claims go on while it runs', async () => {
		// Another session on the same database: the test server's, with this database's name.
		const [{ name } = { name: '' }] = await selectRows<{ name: string }>(database, 'SELECT current_database() AS name');
		const url = new URL(ADMIN_DATABASE_URL);
		url.pathname = `/${name}`;
		const other = new pg.Client({ connectionString: url.toString() });
		await other.connect();
		try {
			await other.query('BEGIN');
			await other.query(`SELECT 1 FROM kick_event_receipts WHERE event_key = 'webhook:10' FOR UPDATE`);
			let timer: NodeJS.Timeout | undefined;
			const waited = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the prune waited for a locked row')), 10_000)));
			const [deleted, claimed] = await Promise.race([
				Promise.all([
					database.kickEventReceipts.prune(new Date(Date.now() - 24 * HOUR_MS), { batchSize: 500 }),
					database.kickEventReceipts.claim('chat:during-prune')
				]),
				waited
			]).finally(() => clearTimeout(timer));
			expect(claimed).to.equal(true);
			expect(deleted, 'every old row but the locked one (parked ones go with the same retention here)').to.equal(2 * OLD_EVENTS - 1);
			expect(await count(database, `kick_event_receipts WHERE event_key = 'webhook:10'`)).to.equal(1);
			await other.query('COMMIT');
			expect(await database.kickEventReceipts.prune(new Date(Date.now() - 24 * HOUR_MS)), 'the next run takes it').to.equal(1);
		} finally {
			await other.end();
		}
	});

	it('prunes receipts, then ended outbox messages, within a time budget, saying when it is behind', async () => {
		await execute(
			database,
			`INSERT INTO outbox_messages (discord_server_id, destination, target_id, kind, dedupe_key, content, status, created_at, expires_at, finished_at)
			SELECT $1::bigint, 'kick_chat', 7700, 'reply', 'old-' || g, 'gg', 'sent', now() - interval '8 days', now() - interval '8 days', now() - interval '8 days' FROM generate_series(1, 1200) g
			UNION ALL SELECT $1::bigint, 'kick_chat', 7700, 'reply', 'recent-' || g, 'gg', 'sent', now(), now(), now() FROM generate_series(1, 30) g
			UNION ALL SELECT $1::bigint, 'kick_chat', 7700, 'reply', 'waiting-' || g, 'gg', 'pending', now() - interval '8 days', now() + interval '1 minute', NULL FROM generate_series(1, 5) g`,
			[GUILD_A.toString()]
		);
		const retention = { receiptsMs: 24 * HOUR_MS, parkedMs: 7 * 24 * HOUR_MS, outboxMs: 7 * 24 * HOUR_MS };

		// No budget: one batch, then it stops and says so.
		const first = await pruneBookkeeping(database, retention, { budgetMs: 0, batchSize: 1000 });
		expect(first).to.deep.equal({ receipts: 1000, outboxMessages: 0, oauthStates: 0, behind: true });

		const rest = await pruneBookkeeping(database, retention, { budgetMs: 60_000, batchSize: 1000 });
		expect(rest).to.deep.equal({ receipts: 2 * OLD_EVENTS - 2 - 1000, outboxMessages: 1200, oauthStates: 0, behind: false });
		expect(await count(database, 'outbox_messages')).to.equal(35);
		expect(await count(database, `outbox_messages WHERE status = 'pending'`), 'unended messages are never pruned').to.equal(5);
		expect(await pruneBookkeeping(database, retention, { budgetMs: 60_000 })).to.deep.equal({
			receipts: 0,
			outboxMessages: 0,
			oauthStates: 0,
			behind: false
		});
	});
});
