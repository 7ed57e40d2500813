import { PassThrough } from 'node:stream';
import { LogLevel } from '@sapphire/framework';
import { expect } from 'chai';
import { createBotLogger, jsonLogRecord, type LogFormat } from '#lib/logging/botLogger';
import { SecretRedactor } from '#lib/logging/SecretRedactor';

const ENVIRONMENT = {
	DISCORD_TOKEN: 'MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs',
	KICK_CLIENT_SECRET: 'kick-app-secret-123',
	DASHBOARD_SECRET: 'dashboard-secret-0123456789abcdef0123456789',
	TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
	METRICS_TOKEN: 'metrics-token-0123456789',
	DATABASE_URL: 'postgres://bot:p%40ss-w0rd@db.internal:5432/kickbot',
	REDIS_URL: 'redis://:redis-pa55@redis.internal:6379/0',
	LOG_LEVEL: 'info'
};
const SECRET_VALUES = [
	ENVIRONMENT.DISCORD_TOKEN,
	ENVIRONMENT.KICK_CLIENT_SECRET,
	ENVIRONMENT.DASHBOARD_SECRET,
	ENVIRONMENT.TOKEN_ENCRYPTION_KEY,
	ENVIRONMENT.METRICS_TOKEN,
	'p%40ss-w0rd',
	'p@ss-w0rd',
	'redis-pa55'
];

/** A logger of the format writing to two captured streams. */
function capturedLogger(format: LogFormat, level = LogLevel.Debug) {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	const out: string[] = [];
	const err: string[] = [];
	stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
	stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
	const logger = createBotLogger({ level, format, redactor: SecretRedactor.of(ENVIRONMENT), stdout, stderr });
	return { logger, out: () => out.join(''), err: () => err.join('') };
}

describe('Logs', () => {
	describe('SecretRedactor', () => {
		const redactor = SecretRedactor.of(ENVIRONMENT);

		it('takes out every configured secret, as written and URL-decoded, wherever it appears', () => {
			for (const secret of SECRET_VALUES) {
				const redacted = redactor.redact(`before ${secret} after; again:${secret}`);
				expect(redacted).to.equal('before *** after; again:***');
			}
		});

		it('takes out what is shaped like a credential whatever its value', () => {
			expect(redactor.redact('connecting to postgres://someone:hunter2hunter@10.0.0.1/db')).to.equal('connecting to postgres://someone:***@10.0.0.1/db');
			expect(redactor.redact('request had Authorization: Bearer abc.def-ghi')).to.equal('request had Authorization: Bearer ***');
			expect(redactor.redact('body grant_type=refresh_token&refresh_token=r3fr3sh&client_secret=xyz')).to.equal(
				'body grant_type=refresh_token&refresh_token=***&client_secret=***'
			);
			expect(redactor.redact('{"access_token":"tok\\"en","expires_in":3600}')).to.equal('{"access_token":"***","expires_in":3600}');
		});

		it('leaves ordinary text alone, and does not redact values too short to be secrets', () => {
			const short = new SecretRedactor(['abc', 'a']);
			expect(short.redact('a cab abc')).to.equal('a cab abc');
			expect(redactor.redact('Kick: 2 server(s) linked to 2 channel(s); redis://127.0.0.1:6379 ok')).to.equal(
				'Kick: 2 server(s) linked to 2 channel(s); redis://127.0.0.1:6379 ok'
			);
		});
	});

	describe('LOG_FORMAT=json', () => {
		it('writes one JSON object per line: time, level, message; warnings and errors on stderr', () => {
			const { logger, out, err } = capturedLogger('json');
			logger.info('Kick: on.', { servers: 2 });
			logger.debug('two\nlines');
			logger.warn('Careful');
			logger.trace('not written at debug');
			const lines = out().trimEnd().split('\n');
			expect(lines).to.have.length(2);
			const first = JSON.parse(lines[0]!) as Record<string, unknown>;
			expect(Object.keys(first)).to.deep.equal(['time', 'level', 'message']);
			expect(first).to.deep.include({ level: 'info', message: 'Kick: on. { servers: 2 }' });
			expect(new Date(first.time as string).toISOString()).to.equal(first.time);
			expect(JSON.parse(lines[1]!)).to.deep.include({ level: 'debug', message: 'two\nlines' });
			expect(JSON.parse(err())).to.deep.include({ level: 'warn', message: 'Careful' });
		});

		it('puts an error apart with its name, code, stack and causes, secrets taken out of all of it', () => {
			const cause = Object.assign(new Error(`connect ECONNREFUSED (password ${'p@ss-w0rd'})`), { code: 'ECONNREFUSED' });
			const error = new Error(`Cannot reach ${ENVIRONMENT.DATABASE_URL}`, { cause });
			const record = jsonLogRecord(LogLevel.Error, ['Database: could not connect:', error], SecretRedactor.of(ENVIRONMENT), new Date(0));
			expect(record.time).to.equal('1970-01-01T00:00:00.000Z');
			expect(record.message).to.equal('Database: could not connect:');
			expect(record.error).to.deep.include({ name: 'Error', message: 'Cannot reach postgres://bot:***@db.internal:5432/kickbot' });
			expect(record.error?.stack).to.match(/^Error: Cannot reach postgres:\/\/bot:\*\*\*@/);
			expect(record.error?.cause).to.deep.include({ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED (password ***)' });
			const text = JSON.stringify(record);
			for (const secret of SECRET_VALUES) expect(text).not.to.include(secret);
		});
	});

	describe('LOG_FORMAT=text', () => {
		it('keeps Sapphire’s readable lines, with the secrets taken out', () => {
			const { logger, out, err } = capturedLogger('text');
			logger.info(`Dashboard messages: on (at ${ENVIRONMENT.REDIS_URL})`);
			logger.error('Kick: refresh failed:', new Error(`token ${ENVIRONMENT.KICK_CLIENT_SECRET} refused`));
			expect(out()).to.match(/INFO.*Dashboard messages: on \(at redis:\/\/:\*\*\*@redis\.internal:6379\/0\)/);
			expect(err()).to.include('Kick: refresh failed:').and.include('token *** refused');
			for (const secret of SECRET_VALUES) expect(out() + err()).not.to.include(secret);
		});
	});
});
