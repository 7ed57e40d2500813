import { expect } from 'chai';
import { connectPostgres } from '#lib/database/connection';
import { Database } from '#lib/database/Database';
import { handleKickWebhook, KICK_WEBHOOK_MAX_BODY_BYTES, type KickWebhookAnswer, type KickWebhookDependencies } from '#lib/kick/webhooks/handleKickWebhook';
import { loadKickPublicKey } from '#lib/kick/webhooks/verifyKickWebhook';
import { freePort } from '#test/e2e/KickUnderTest';
import { migrate, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';
import { createTestDatabase, type TestDatabase } from '#test/helpers/postgres';
import { TcpProxy } from '#test/helpers/TcpProxy';
import { selectRows } from '#test/kick/kickTestDatabase';
import { createSigningKeyPair, kickWebhookHeaders } from '#test/kick-standin/webhookSigning';
import { KICK_DOCS_WEBHOOK_PAYLOADS } from './fixtures/kickDocsWebhookPayloads.js';

const SUBSCRIPTION_ID = '01JHFBPZ2C3D4E5F6G7H8J9K0M';
const CHAT = KICK_DOCS_WEBHOOK_PAYLOADS['chat.message.sent'];
/** Prisma's and PostgreSQL's words, which an answer must never carry. */
const INTERNAL_TEXT = /reach database|prisma|invalid `|postgres|127\.0\.0\.1|unsupported unicode|byte sequence/i;

/** A logger that keeps what it is told. */
function recordingLogger() {
	const lines = { warn: [] as string[], error: [] as { message: string; error: unknown }[] };
	return {
		lines,
		logger: {
			warn: (message: string) => void lines.warn.push(message),
			error: (message: string, error: unknown) => void lines.error.push({ message, error })
		}
	};
}

describe('handleKickWebhook (one delivery, from headers and raw body to the answer)', () => {
	const signer = createSigningKeyPair();
	const publicKey = loadKickPublicKey(signer.publicKeyPem);
	let sent = 0;

	/** A delivery signed with the test's key, as Kick signs them. */
	function delivery(body: unknown, options: { eventType?: string; messageId?: string; rawBody?: Buffer } = {}) {
		sent += 1;
		const rawBody = options.rawBody ?? Buffer.from(JSON.stringify(body), 'utf8');
		const headers = kickWebhookHeaders({
			privateKey: signer.privateKey,
			messageId: options.messageId ?? `01JHFBQ9R6XKZ3N8W2V4T7Y${String(sent).padStart(3, '0')}`,
			subscriptionId: SUBSCRIPTION_ID,
			eventType: options.eventType ?? 'chat.message.sent',
			timestamp: new Date(),
			rawBody
		});
		return { headers, rawBody };
	}

	function dependencies(database: Database, logger: KickWebhookDependencies['logger']): KickWebhookDependencies {
		return { publicKey, maxAgeSeconds: 300, receipts: database.kickEventReceipts, logger };
	}

	function expectGeneric503(answer: KickWebhookAnswer): void {
		expect(answer).to.deep.equal({ status: 503, headers: { 'Retry-After': '30' }, body: { error: 'temporarily unavailable; retry later' }, claimed: null });
	}

	describe('with PostgreSQL', () => {
		let migrated: MigratedDatabase;
		const receipts = async () =>
			(await selectRows<{ event_key: string }>(migrated.database, 'SELECT event_key FROM kick_event_receipts ORDER BY 1')).map((row) => row.event_key);

		before(async () => {
			migrated = await openMigratedDatabase(postgresEngine, 'kick_webhook_handler');
		});

		after(async () => {
			await migrated?.close();
		});

		beforeEach(async () => {
			await selectRows(migrated.database, 'TRUNCATE kick_event_receipts');
		});

		it('claims a delivery once: 200 accepted with the event to route, then 200 duplicate', async () => {
			const { logger } = recordingLogger();
			const first = delivery(CHAT);

			const accepted = await handleKickWebhook(first, dependencies(migrated.database, logger));
			const again = await handleKickWebhook(first, dependencies(migrated.database, logger));

			expect(accepted).to.deep.include({ status: 200, headers: {}, body: { status: 'accepted' } });
			expect(accepted.claimed).to.deep.include({ type: 'chat.message.sent', eventKey: 'chat:unique_message_id_123', broadcasterUserId: '123456789' });
			expect(again).to.deep.equal({ status: 200, headers: {}, body: { status: 'duplicate' }, claimed: null });
			expect(await receipts()).to.deep.equal(['chat:unique_message_id_123', `webhook:${first.headers['kick-event-message-id']}`]);
		});

		it('refuses, storing nothing: 400 malformed (also when signed), 401 unsigned or stale, 413 too large; acknowledges an event it does not read', async () => {
			const { logger, lines } = recordingLogger();
			const handle = (input: { headers: Record<string, string>; rawBody: Buffer }) => handleKickWebhook(input, dependencies(migrated.database, logger));
			const signed = delivery(CHAT);
			const cases: [string, { headers: Record<string, string>; rawBody: Buffer }, number, RegExp][] = [
				['no headers', { headers: {}, rawBody: signed.rawBody }, 400, /^missing headers/],
				['another body than signed', { ...signed, rawBody: Buffer.from('{}') }, 401, /^signature does not match$/],
				['a stale timestamp', { ...signed, headers: { ...signed.headers, 'kick-event-message-timestamp': '2020-01-01T00:00:00Z' } }, 401, /^stale: /],
				[
					'a body over 1 MiB',
					delivery(null, { rawBody: Buffer.alloc(KICK_WEBHOOK_MAX_BODY_BYTES + 1, 0x20) }),
					413,
					/^the body is over 1048576 bytes$/
				],
				['bytes that are not UTF-8', delivery(null, { rawBody: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 400, /^the body is not JSON in UTF-8$/],
				['text that is not JSON', delivery(null, { rawBody: Buffer.from('{"message_id":') }), 400, /^the body is not JSON in UTF-8$/],
				['a NUL in the content', delivery({ ...CHAT, content: 'a\u0000b' }), 400, /^invalid field content: contains a NUL character/],
				['a lone surrogate in the content', delivery({ ...CHAT, content: 'a\udc00b' }), 400, /^invalid field content: /],
				['a 30-digit broadcaster id', delivery({ ...CHAT, broadcaster: { user_id: '1'.repeat(30) } }), 400, /^invalid field broadcaster\.user_id: /],
				['a 3 KB message id', delivery({ ...CHAT, message_id: 'm'.repeat(3000) }), 400, /^invalid field message_id: /],
				['a 3 KB delivery id', delivery(CHAT, { messageId: 'd'.repeat(3000) }), 400, /^header Kick-Event-Message-Id is not/]
			];
			for (const [what, input, status, reason] of cases) {
				const answer = await handle(input);
				expect(answer.status, what).to.equal(status);
				expect('error' in answer.body && answer.body.error, what).to.match(reason);
				expect(answer.claimed, what).to.equal(null);
			}
			expect(await handle(delivery({}, { eventType: 'channel.reward.redemption.updated' }))).to.deep.include({
				status: 200,
				body: { status: 'ignored' }
			});
			expect(await receipts()).to.deep.equal([]);
			expect(lines.warn).to.have.length(cases.length + 1);
			expect(lines.error).to.deep.equal([]);
		});
	});

	describe('without PostgreSQL', () => {
		it('answers 503 with Retry-After and a generic body when the database server cannot be reached, and logs the error', async () => {
			const database = new Database(connectPostgres(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`));
			const { logger, lines } = recordingLogger();
			try {
				const input = delivery(CHAT);
				const answer = await handleKickWebhook(input, dependencies(database, logger));

				expectGeneric503(answer);
				expect(JSON.stringify(answer)).to.not.match(INTERNAL_TEXT);
				expect(lines.error).to.have.length(1);
				expect(lines.error[0]!.message).to.equal(
					`Kick webhook ${input.headers['kick-event-message-id']} (chat.message.sent) could not be recorded; answered 503 so Kick retries:`
				);
				expect(String(lines.error[0]!.error)).to.match(/Can't reach database server/);
			} finally {
				await database.close();
			}
		});

		describe('when the connection to PostgreSQL is cut and comes back', () => {
			let testDatabase: TestDatabase;
			let proxy: TcpProxy;
			let database: Database;

			before(async () => {
				testDatabase = await createTestDatabase('kick_webhook_outage');
				const direct = connectPostgres(testDatabase.url);
				await migrate(direct);
				await direct.close();
				proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
				const proxied = new URL(testDatabase.url);
				proxied.host = `127.0.0.1:${proxy.port}`;
				database = new Database(connectPostgres(proxied.toString(), { poolSize: 2 }));
			});

			after(async () => {
				await database?.close();
				await proxy?.close();
				await testDatabase?.drop();
			});

			it('answers 503 while it is cut, and takes Kick’s retry of the same delivery once it is back', async () => {
				const { logger } = recordingLogger();
				expect((await handleKickWebhook(delivery({ ...CHAT, message_id: 'before-the-cut' }), dependencies(database, logger))).status).to.equal(200);

				proxy.cutOff();
				const input = delivery({ ...CHAT, message_id: 'during-the-cut' });
				expectGeneric503(await handleKickWebhook(input, dependencies(database, logger)));

				proxy.restore();
				expect(await handleKickWebhook(input, dependencies(database, logger))).to.deep.include({ status: 200, body: { status: 'accepted' } });
			});
		});
	});
});
