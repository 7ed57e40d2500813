// `npm run dashboard:publish -- <area> <action> --guild <id> [--data '<json>'] [--timestamp <unix seconds>] [--no-id] [--dry-run]`
// Publishes one signed dashboard message, as the web dashboard does (docs/dashboard-protocol.md).
// Reads DASHBOARD_SECRET, REDIS_URL and REDIS_KEY_PREFIX from the environment or a .env file in the working directory.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DashboardPublisher } from '#lib/dashboard/DashboardPublisher';
import { AREA_NAME, DEFAULT_KEY_PREFIX, signDashboardMessage, type MessageToSign } from '#lib/dashboard/protocol';
import { pluginsDirectory } from '#lib/paths';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { redactUrl } from '#lib/startup/redis';

const USAGE = [
	"Usage: npm run dashboard:publish -- <area> <action> --guild <server id> [--data '<json object>'] [--timestamp <unix seconds>] [--no-id] [--dry-run]",
	'  area: one the bot handles (bot_settings, and those its plugins declare: dashboardAreas in plugins/<name>/plugin.ts)',
	'  data gets a random "id" unless it has one or --no-id is given: two alike messages in one second would otherwise be refused as replays.',
	'  --dry-run prints the signed message without publishing it (no Redis needed).',
	'  DASHBOARD_SECRET (required), REDIS_URL (default redis://127.0.0.1:6379) and REDIS_KEY_PREFIX (default kickbot, which names the channel) come from the environment or .env.'
];

class UsageError extends Error {}

const environmentSchema = z.object({
	DASHBOARD_SECRET: z.string({ error: 'is not set' }).min(32, 'is invalid (expected at least 32 characters)'),
	REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'is invalid (expected a redis:// or rediss:// URL)' }).default('redis://127.0.0.1:6379'),
	REDIS_KEY_PREFIX: z
		.string()
		.regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'is invalid (expected lower-case letters, digits and dashes)')
		.default(DEFAULT_KEY_PREFIX)
});

function readEnvironment(): z.output<typeof environmentSchema> {
	if (existsSync('.env')) process.loadEnvFile('.env');
	const input = {
		DASHBOARD_SECRET: process.env.DASHBOARD_SECRET?.trim() || undefined,
		REDIS_URL: process.env.REDIS_URL?.trim() || undefined,
		REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX?.trim() || undefined
	};
	const result = environmentSchema.safeParse(input);
	if (result.success) return result.data;
	throw new Error(
		result.error.issues
			.map((issue) => `Configuration error: ${String(issue.path[0])} ${issue.message}. It must be the bot's own value (environment or .env).`)
			.join('\n')
	);
}

/** `areas`: those the core and the plugins declare (plugins/<name>/plugin.ts, dashboardAreas). */
function readArguments(areas: readonly string[]): { message: Omit<MessageToSign, 'keyPrefix'>; dryRun: boolean } {
	let parsed;
	try {
		parsed = parseArgs({
			allowPositionals: true,
			options: {
				guild: { type: 'string' },
				data: { type: 'string', default: '{}' },
				timestamp: { type: 'string' },
				'no-id': { type: 'boolean', default: false },
				'dry-run': { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h', default: false }
			}
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const { values, positionals } = parsed;
	if (values.help) {
		for (const line of USAGE) console.log(line);
		process.exit(0);
	}
	const [area, action, ...extra] = positionals;
	if (area === undefined || action === undefined || extra.length > 0) throw new UsageError('Give exactly an area and an action.');
	if (!AREA_NAME.test(area)) throw new UsageError(`"${area}" is not an area name (lower-case snake_case, e.g. bot_settings).`);
	if (!areas.includes(area)) throw new UsageError(`"${area}" is not an area the bot handles (${areas.join(', ')}).`);
	if (values.guild === undefined) throw new UsageError('--guild <server id> is required.');
	let data: unknown;
	try {
		data = JSON.parse(values.data);
	} catch (error) {
		throw new UsageError(`--data is not JSON (${(error as Error).message}).`);
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError('--data must be a JSON object, e.g. \'{"key":"prefix"}\'.');
	if (!values['no-id'] && !Object.hasOwn(data, 'id')) data = { ...data, id: randomUUID() };
	let timestamp: number | undefined;
	if (values.timestamp !== undefined) {
		if (!/^\d{1,12}$/.test(values.timestamp)) throw new UsageError('--timestamp must be whole Unix seconds.');
		timestamp = Number(values.timestamp);
	}
	return {
		message: { area, action, guildId: values.guild, data: data as Record<string, unknown>, ...(timestamp === undefined ? {} : { timestamp }) },
		dryRun: values['dry-run']
	};
}

async function run(): Promise<void> {
	const { message, dryRun } = readArguments((await PluginCatalog.discover(pluginsDirectory, [], coreSettings)).dashboardAreas);
	const environment = readEnvironment();
	if (dryRun) {
		let signed;
		try {
			signed = signDashboardMessage(environment.DASHBOARD_SECRET, { ...message, keyPrefix: environment.REDIS_KEY_PREFIX });
		} catch (error) {
			throw new UsageError((error as Error).message);
		}
		console.log(`Channel: ${signed.channel}`);
		console.log(`Signed text: ${signed.signingInput}`);
		console.log(`Message: ${signed.text}`);
		console.log('Not published (--dry-run).');
		return;
	}
	const publisher = new DashboardPublisher({
		redisUrl: environment.REDIS_URL,
		secret: environment.DASHBOARD_SECRET,
		keyPrefix: environment.REDIS_KEY_PREFIX
	});
	try {
		const result = await publisher.publish(message).catch((error: unknown) => {
			if (error instanceof TypeError) throw new UsageError(error.message);
			throw new Error(`Could not publish to Redis at ${redactUrl(environment.REDIS_URL)} (${(error as Error).message}).`);
		});
		console.log(`Published on ${result.channel}: ${JSON.stringify(result.payload)}`);
		console.log(
			`Received by ${result.receivers} subscriber(s)${result.receivers === 0 ? ' (is a bot with DASHBOARD_SECRET running on this Redis?)' : ''}.`
		);
	} finally {
		await publisher.close();
	}
}

try {
	await run();
} catch (error) {
	if (error instanceof UsageError) {
		console.error(error.message);
		for (const line of USAGE) console.error(line);
		process.exitCode = 2;
	} else {
		console.error(error instanceof Error ? error.message : error);
		process.exitCode = 1;
	}
}
