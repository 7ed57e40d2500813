import { expect } from 'chai';
import { loadConfig } from '#lib/config/environment';
import { StartupError } from '#lib/startup/StartupError';

const TOKEN = 'a-bot-token';

function linesOf(environment: NodeJS.ProcessEnv): readonly string[] {
	try {
		loadConfig(environment);
	} catch (error) {
		expect(error).to.be.instanceOf(StartupError);
		return (error as StartupError).lines;
	}
	throw new Error('the configuration was accepted');
}

describe('loadConfig: operations (LOG_FORMAT, METRICS_TOKEN, KICK_WEBHOOK_MAX_IN_FLIGHT, KICK_RECEIPT_RETENTION_HOURS)', () => {
	it('defaults to readable logs, open metrics, 1000 deliveries in flight and receipts kept 24 hours', () => {
		const config = loadConfig({ DISCORD_TOKEN: TOKEN });
		expect(config.logFormat).to.equal('text');
		expect(config.operations).to.deep.equal({ metricsToken: undefined, maxWebhooksInFlight: 1000, receiptRetentionHours: 24 });
	});

	it('reads each of them', () => {
		const config = loadConfig({
			DISCORD_TOKEN: TOKEN,
			LOG_FORMAT: 'json',
			METRICS_TOKEN: ' 0123456789abcdef-metrics ',
			KICK_WEBHOOK_MAX_IN_FLIGHT: '250',
			KICK_RECEIPT_RETENTION_HOURS: '6'
		});
		expect(config.logFormat).to.equal('json');
		expect(config.operations).to.deep.equal({ metricsToken: '0123456789abcdef-metrics', maxWebhooksInFlight: 250, receiptRetentionHours: 6 });
	});

	it('refuses bad values, one line each naming the variable, and never repeats a token it refused', () => {
		const lines = linesOf({
			DISCORD_TOKEN: TOKEN,
			LOG_FORMAT: 'yaml',
			METRICS_TOKEN: 'short-secret',
			KICK_WEBHOOK_MAX_IN_FLIGHT: '0',
			KICK_RECEIPT_RETENTION_HOURS: '1.5'
		});
		expect(lines.map((line) => /^Configuration error: (\w+) is invalid/.exec(line)?.[1])).to.deep.equal([
			'LOG_FORMAT',
			'METRICS_TOKEN',
			'KICK_WEBHOOK_MAX_IN_FLIGHT',
			'KICK_RECEIPT_RETENTION_HOURS'
		]);
		expect(lines[0]).to.include('expected text or json');
		expect(lines[1]).to.include('at least 16 visible ASCII characters');
		expect(lines.join('\n')).not.to.include('short-secret');
		expect(linesOf({ DISCORD_TOKEN: TOKEN, METRICS_TOKEN: 'has a space in it, long enough' })[0]).to.match(
			/^Configuration error: METRICS_TOKEN is invalid/
		);
	});
});
