import { existsSync } from 'node:fs';
import { LogLevel, type ILogger } from '@sapphire/framework';
import { loadConfig, type Config } from '#lib/config/environment';
import type { Database } from '#lib/database/Database';
import { openDatabase } from '#lib/database/openDatabase';
import { secureLegacyKickTokens } from '#lib/kick/secureLegacyKickTokens';
import { KickBotClient } from '#lib/KickBotClient';
import { createBotLogger, printStartupFailure } from '#lib/logging/botLogger';
import { SecretRedactor } from '#lib/logging/SecretRedactor';
import { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { coreSettings } from '#lib/settings/coreSettings';
import { assertRedisReachable } from '#lib/startup/redis';
import { StartupError } from '#lib/startup/StartupError';

const LOG_LEVELS: Record<Config['logLevel'], LogLevel> = {
	trace: LogLevel.Trace,
	debug: LogLevel.Debug,
	info: LogLevel.Info,
	warn: LogLevel.Warn,
	error: LogLevel.Error
};

/** Closed in reverse order at shutdown or when the start fails. */
const closers: (() => Promise<unknown>)[] = [];
/** The configured logger, once the configuration is read. */
let configuredLogger: ILogger | undefined;

/** The configured logger, or before it one in the format LOG_FORMAT asks for: either way, no line carries a secret. */
function currentLogger(): ILogger {
	return (configuredLogger ??= createBotLogger({ level: LogLevel.Info, format: startupLogFormat(), redactor: SecretRedactor.of(process.env) }));
}

function startupLogFormat(): 'text' | 'json' {
	return process.env.LOG_FORMAT?.trim() === 'json' ? 'json' : 'text';
}

async function start(pluginsDirectory: string): Promise<void> {
	if (existsSync('.env')) process.loadEnvFile('.env');
	const config = loadConfig(process.env);
	const logger = createBotLogger({ level: LOG_LEVELS[config.logLevel], format: config.logFormat, redactor: SecretRedactor.of(process.env) });
	configuredLogger = logger;

	await assertRedisReachable(config.redisUrl);
	const plugins = await PluginCatalog.discover(pluginsDirectory, config.disabledPlugins, coreSettings);
	logger.info(`Plugins: ${plugins.plugins.map((plugin) => (plugin.enabled ? plugin.manifest.name : `${plugin.manifest.name} (off)`)).join(', ') || 'none'}`);
	const dependents = plugins.plugins.filter((plugin) => plugin.offBecauseOf !== undefined);
	if (dependents.length > 0) {
		logger.info(
			`Plugins switched off because a plugin they need is off: ${dependents.map((plugin) => `${plugin.manifest.name} (needs ${plugin.offBecauseOf})`).join(', ')}.`
		);
	}

	const database: Database = await openDatabase(config, (message) => logger.info(message), plugins.repositories);
	closers.push(() => database.close());
	await secureLegacyKickTokens(database, config.tokenEncryptionKey !== undefined, (line) => logger.info(line));

	const client = new KickBotClient({ config, plugins, database, logger });
	closers.push(() => client.destroy());
	await client.login(config.discordToken).catch((error: unknown) => {
		throw explainLoginFailure(error);
	});
}

/** Turns discord.js' login errors into what the operator should do. */
function explainLoginFailure(error: unknown): unknown {
	if (!(error instanceof Error)) return error;
	if ('code' in error && error.code === 'TokenInvalid') {
		return new StartupError(
			'Discord refused DISCORD_TOKEN (invalid token). Copy the token again from https://discord.com/developers/applications (Bot → Reset Token).'
		);
	}
	if ('code' in error && ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(String(error.code))) {
		return new StartupError(`Cannot reach Discord (${error.message}). Check this machine's network connection.`, { cause: error });
	}
	// The HTTP server listens before the login (overlay pages, Kick's callback and webhooks).
	if ('code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES')) {
		const { address, port } = error as { address?: string; port?: number };
		const where = port === undefined ? 'HTTP_HOST:HTTP_PORT' : `${address ?? ''}:${port}`;
		return new StartupError(
			`The HTTP server cannot listen on ${where} (${String(error.code)}): set HTTP_PORT to a free port (0 picks one) or HTTP_HOST to another address, or stop what uses it.`
		);
	}
	if (/disallowed intents/i.test(error.message)) {
		return new StartupError(
			'Discord refused the bot’s intents. Enable "Message Content Intent" under Bot → Privileged Gateway Intents at https://discord.com/developers/applications.'
		);
	}
	return error;
}

async function stop(): Promise<void> {
	for (const close of closers.reverse()) {
		await close().catch((error: unknown) => currentLogger().error('Could not close cleanly while stopping:', error));
	}
}

/**
 * Runs the bot as `npm start` does, with the plugins of a folder: configuration from the
 * environment (and .env), Redis and the database checked, then the Discord login. Stops cleanly
 * on SIGINT/SIGTERM; a failed start prints its lines and sets exit code 1.
 */
export async function runBot(pluginsDirectory: string): Promise<void> {
	process.once('SIGINT', () => void stop().then(() => process.exit(0)));
	process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
	// A promise someone forgot to catch is a bug, but one server's bug must not stop the bot for every other.
	process.on('unhandledRejection', (reason) => currentLogger().error('Unhandled promise rejection (a bug; the bot keeps running):', reason));
	try {
		await start(pluginsDirectory);
	} catch (error) {
		printStartupFailure(error instanceof StartupError ? error.lines : [], error, startupLogFormat(), SecretRedactor.of(process.env));
		// The embedded database sets the exit code when it closes (0), and closing may end the process before stop() returns: 1 is set last.
		process.once('exit', () => (process.exitCode = 1));
		await stop();
		// Everything is closed; a library's leftover timer (BullMQ's 30 s stalled check) must not hold a failed start open.
		process.exit(1);
	}
}
