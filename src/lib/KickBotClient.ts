import '@sapphire/plugin-api/register';
import '@sapphire/plugin-logger/register';
import '@sapphire/plugin-scheduled-tasks/register';
import '@sapphire/plugin-subcommands/register';
import { ApplicationCommandRegistries, container, Events, RegisterBehavior, SapphireClient, type ILogger } from '@sapphire/framework';
import { GatewayIntentBits, Partials } from 'discord.js';
import type { Config } from '#lib/config/environment';
import { DashboardActionStore } from '#lib/dashboard/DashboardActionStore';
import { DashboardPublisher } from '#lib/dashboard/DashboardPublisher';
import { finishBeforeStopping } from '#lib/setup/botStopping';
import { DashboardSubscriber } from '#lib/dashboard/DashboardSubscriber';
import { dashboardChannelPattern } from '#lib/dashboard/protocol';
import type { Database } from '#lib/database/Database';
import { KickCommandStore } from '#lib/kick/commands/KickCommandStore';
import { KickSignInHandlerStore } from '#lib/kick/signIns/KickSignInHandlerStore';
import { runKickListeners } from '#lib/kick/events/runKickListeners';
import { KickConnection } from '#lib/kick/KickConnection';
import { clientCacheOptions } from '#lib/discord/clientCaches';
import { clientShardOptions } from '#lib/discord/shards';
import { DiscordChannelCourier } from '#lib/outbox/DiscordChannelCourier';
import { loadGuildContext } from '#lib/guild/GuildContext';
import { OverlayKeyCache } from '#lib/overlays/OverlayKeyCache';
import { OverlayServer } from '#lib/overlays/OverlayServer';
import { Outbox } from '#lib/outbox/Outbox';
import { alertModerators } from '#lib/kick/alertModerators';
import { coreDirectory } from '#lib/paths';
import { PROCESS_IDENTITY } from '#lib/processIdentity';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';
import { refuseDuplicatePieceNames } from '#lib/plugins/refuseDuplicatePieceNames';
import { BotSettingsManager } from '#lib/settings/BotSettingsManager';
import { coreSettings } from '#lib/settings/coreSettings';
import '#lib/setup/container';
import { SharedState } from '#lib/shared/SharedState';
import { redactUrl, redisOptionsFromUrl } from '#lib/startup/redis';
import { ScheduleKeeper } from '#lib/tasks/ScheduleKeeper';
import { ShardWork } from '#lib/tasks/ShardWork';
import { createBotReadiness } from '#lib/health/botReadiness';
import { countingDiscordRateLimits, observeBotForMetrics } from '#lib/metrics/observeBot';

const TASK_QUEUE_CLOSE_TIMEOUT_MS = 5_000;

/** The shard queues of a process that runs only some of the bot's shards (SHARD_IDS); none when it runs them all. */
function shardWorkOf(config: Config, logger: ILogger): ShardWork | undefined {
	const { count, ids } = config.sharding;
	if (ids === null || ids.length === count) return undefined;
	return new ShardWork({
		redisUrl: config.redisUrl,
		keyPrefix: config.redisKeyPrefix,
		shards: { ids, count },
		run: (name, payload) => container.tasks.run({ name, payload } as never),
		logger,
		owner: PROCESS_IDENTITY
	});
}

export interface KickBotClientOptions {
	readonly config: Config;
	readonly plugins: PluginCatalog;
	readonly database: Database;
	readonly logger: ILogger;
}

/**
 * The bot: Sapphire loads the core pieces from src/ and the pieces of every enabled plugin
 * folder; two pieces of one store with the same name stop the start.
 */
export class KickBotClient extends SapphireClient {
	/** Dashboard messages (docs/dashboard-protocol.md); both undefined without DASHBOARD_SECRET. */
	private readonly dashboardSubscriber: DashboardSubscriber | undefined;
	private readonly dashboardPublisher: DashboardPublisher | undefined;
	private readonly scheduleKeeper: ScheduleKeeper;
	private readonly overlayServer: OverlayServer;

	public constructor(options: KickBotClientOptions) {
		const { config } = options;
		// discord.js reads SHARD_COUNT and SHARDS from the environment itself (its ShardingManager's way to hand a child its shards); ours are in the config.
		delete process.env.SHARD_COUNT;
		delete process.env.SHARDS;
		super({
			intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
			// discord.js' own sharding: one WebSocket per shard of this process; processes (and hosts) share the shards by SHARD_IDS.
			...clientShardOptions(config.sharding),
			partials: [Partials.Channel],
			// Only what the features read stays in memory (servers, channels, roles, the bot's member): lib/discord/clientCaches.ts.
			...clientCacheOptions(),
			loadMessageCommandListeners: true,
			defaultPrefix: coreSettings.prefix.defaultValue,
			// The prefix of the server the message was sent in; DMs use the default.
			fetchPrefix: async (message) =>
				message.guildId === null ? coreSettings.prefix.defaultValue : (await container.settings.forGuild(message.guildId)).get('prefix'),
			baseUserDirectory: null,
			logger: { instance: options.logger },
			tasks: {
				queue: `${config.redisKeyPrefix}-scheduled-tasks`,
				bull: { connection: redisOptionsFromUrl(config.redisUrl) }
			},
			// The HTTP server (overlay pages; Kick's OAuth callback and webhooks, which refuse while Kick is off) listens before the login.
			api: { prefix: '', listenOptions: { port: config.http.port, host: config.http.host } },
			// Discord's 429 answers are counted for /metrics (discord.js's REST events report only the waits it plans).
			rest: { makeRequest: countingDiscordRateLimits(), ...(config.discordApiUrl === undefined ? {} : { api: config.discordApiUrl }) }
		});
		container.config = config;
		container.db = options.database;
		container.plugins = options.plugins;
		container.shared = new SharedState({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix });

		const secret = config.dashboardSecret;
		const publisher = secret === undefined ? undefined : new DashboardPublisher({ redisUrl: config.redisUrl, secret, keyPrefix: config.redisKeyPrefix });
		this.dashboardPublisher = publisher;
		container.dashboardPublisher = publisher;
		container.settings = new BotSettingsManager(options.database, options.plugins.settings, {
			ttlMs: config.settingsCacheTtlSeconds * 1000,
			onInvalidStoredValue: (guildId, key, value) =>
				options.logger.warn(`Server ${guildId}: stored setting ${key}=${JSON.stringify(value)} does not fit the key; its default applies.`),
			// This process changed a server's settings: the other bot processes drop their copy.
			...(publisher === undefined
				? {}
				: {
						onChange: (guildId) =>
							void publisher
								.publishSettingsReload(guildId)
								.catch((error: unknown) =>
									options.logger.warn(
										`Dashboard messages: could not publish bot_settings/reload for server ${guildId} (${error instanceof Error ? error.message : String(error)}); other bot processes see the change when their cache expires.`
									)
								)
					})
		});

		// Before the loops below: they give every registered store ESM loading and the duplicate-name guard.
		this.stores.register(new DashboardActionStore());
		this.stores.register(new KickCommandStore());
		this.stores.register(new KickSignInHandlerStore());
		this.stores.registerPath(coreDirectory);
		for (const plugin of options.plugins.enabled) this.stores.registerPath(plugin.directory);
		// Sapphire guesses the module system from the package.json of the working directory; ours is ESM wherever the bot starts.
		for (const store of this.stores.values()) Object.assign(store.strategy, { clientUsesESModules: true });
		refuseDuplicatePieceNames(this.stores);

		// Sapphire sends every command in one PUT per scope: Discord then holds exactly the loaded commands (a disabled plugin's go away), and no idHints are needed.
		ApplicationCommandRegistries.setDefaultBehaviorWhenNotIdentical(RegisterBehavior.BulkOverwrite);
		if (config.environment === 'development' && config.originalGuildId !== undefined) {
			ApplicationCommandRegistries.setDefaultGuildIds([config.originalGuildId.toString()]);
		}

		container.outbox = new Outbox({
			store: options.database.outbox,
			couriers: [new DiscordChannelCourier(this.rest), new DiscordChannelCourier(this.rest, 'discord_dm')],
			logger: options.logger,
			owner: PROCESS_IDENTITY
		});
		// Once logged in: what stopped processes left for Discord needs the token.
		this.once(Events.ClientReady, () => container.outbox.start());
		this.scheduleKeeper = new ScheduleKeeper(container.tasks, this.stores.get('scheduled-tasks'), options.logger);
		container.shardWork = shardWorkOf(config, options.logger);
		// Once ready, so the parts it takes find this process's servers in its cache.
		this.once(
			Events.ClientReady,
			() =>
				void container.shardWork
					?.start()
					.catch((error: unknown) => options.logger.warn('Scheduled tasks: could not work from the shards’ queues:', error))
		);
		this.once(
			Events.ClientReady,
			() => void this.scheduleKeeper.start().catch((error: unknown) => options.logger.warn('Scheduled tasks: could not watch the task queue:', error))
		);

		container.kick =
			config.kick === undefined
				? undefined
				: new KickConnection({
						config: config.kick,
						publicUrl: config.http.publicUrl,
						database: options.database,
						logger: options.logger,
						alertModerators,
						emit: (name, event, context) => runKickListeners(this.stores.get('listeners'), name, event, context),
						outbox: container.outbox,
						signInStartAgain: (purpose) => this.stores.get('kick-sign-ins').handlerFor(purpose)?.startAgain
					});
		this.startKickConnectionWhenReady(options.logger);

		this.overlayServer = new OverlayServer({
			redisUrl: config.redisUrl,
			keyPrefix: config.redisKeyPrefix,
			overlays: () => options.plugins.overlays,
			keys: new OverlayKeyCache({ lookUp: (keyHash) => options.database.system.guildIdOfOverlayKey(keyHash) }),
			loadContext: (guildId) => loadGuildContext(guildId, this.guilds.cache.get(guildId.toString()) ?? null),
			logger: options.logger
		});
		// A failure to listen rejects the login (runBot says what to set); plugin-api re-emits it here too, where it must not go unheard.
		container.server.on('error', (error: Error) => {
			if (container.server.server.listening) options.logger.error('HTTP server:', error);
		});
		container.overlays = this.overlayServer;
		container.overlayServer = this.overlayServer;
		container.readiness = createBotReadiness({ client: this, database: options.database, redisUrl: config.redisUrl, logger: options.logger });
		observeBotForMetrics(this, { outboxDepth: () => options.database.outbox.depth() });
		this.once(Events.ClientReady, () => {
			const address = container.server.server.address();
			if (address !== null && typeof address === 'object') options.logger.info(`HTTP: listening on ${address.address}:${address.port}.`);
			void this.overlayServer.start().catch((error: unknown) => options.logger.warn('Overlays: could not listen for other processes’ changes:', error));
		});

		if (secret === undefined) {
			this.dashboardSubscriber = undefined;
			options.logger.info('Dashboard messages: off (DASHBOARD_SECRET is not set); settings changed on the dashboard apply when the cache expires.');
		} else {
			const actions = this.stores.get('dashboard-actions');
			this.dashboardSubscriber = new DashboardSubscriber({
				redisUrl: config.redisUrl,
				secret,
				keyPrefix: config.redisKeyPrefix,
				areas: options.plugins.dashboardAreas,
				maxAgeSeconds: config.dashboardMaxAgeSeconds,
				logger: options.logger,
				handlers: (area, action) => actions.handlersFor(area, action)
			});
			options.logger.info(
				`Dashboard messages: on (${dashboardChannelPattern(config.redisKeyPrefix)} at ${redactUrl(config.redisUrl)}, signed with DASHBOARD_SECRET, at most ${config.dashboardMaxAgeSeconds} s old); listening once the bot is ready.`
			);
			// Once the pieces are loaded, so every plugin's actions are there for the first message.
			this.once(Events.ClientReady, () => void this.startDashboardMessages());
		}
	}

	/**
	 * Subscribes to the dashboard's messages (done when the client is ready); resolves once
	 * subscribed, never rejects (Redis being away only delays it). Nothing to do without DASHBOARD_SECRET.
	 */
	public startDashboardMessages(): Promise<void> {
		return this.dashboardSubscriber?.start() ?? Promise.resolve();
	}

	/**
	 * BullMQ's worker can wait forever to close once its Redis connection has dropped
	 * (taskforcesh/bullmq#4656), which would keep a stopped bot alive; its jobs are kept in Redis
	 * either way, so after a bounded wait the shutdown goes on.
	 */
	private async closeTaskQueue(): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = new Promise<'gave up'>((resolve) => {
			timer = setTimeout(() => resolve('gave up'), TASK_QUEUE_CLOSE_TIMEOUT_MS);
		});
		try {
			const outcome = await Promise.race([container.tasks.close().then(() => 'closed' as const), gaveUp]);
			if (outcome === 'gave up') {
				this.logger.warn(
					`Scheduled tasks: the queue did not close within ${TASK_QUEUE_CLOSE_TIMEOUT_MS / 1000} s (Redis connection lost earlier); stopping anyway, its jobs stay in Redis.`
				);
			}
		} finally {
			clearTimeout(timer);
		}
	}

	/** Says at start what the Kick connection does, and starts its readers once the client is ready. */
	private startKickConnectionWhenReady(logger: ILogger): void {
		const { config } = container;
		if (config.kick === undefined) {
			logger.info('Kick: off (KICK_CLIENT_ID and KICK_CLIENT_SECRET are not set); /kick connect explains what to set.');
			return;
		}
		const publicUrl = config.http.publicUrl;
		logger.info(
			`Kick: on; authorisation ${publicUrl === undefined ? 'off (PUBLIC_URL is not set)' : `callback ${publicUrl}/kick/oauth/callback`}; events via ${
				config.kick.eventsVia === 'webhook' ? `signed webhooks at ${publicUrl}/kick/webhook` : 'the chat socket'
			}.`
		);
		this.once(Events.ClientReady, () => {
			void container.kick?.start().catch((error: unknown) => logger.error('Kick: could not start the event readers:', error));
		});
	}

	/**
	 * Stops taking work (dashboard messages, Kick webhooks and events; overlay pages are ended, so they show "offline"), posts what was accepted for
	 * up to SHUTDOWN_GRACE_SECONDS and leaves the rest in the outbox for the next process, then
	 * disconnects from Discord and closes the task queue; the database is closed by its owner.
	 */
	public override async destroy(): Promise<void> {
		this.scheduleKeeper.stop();
		await container.shardWork?.close();
		await this.dashboardSubscriber?.close();
		await this.overlayServer.close();
		await container.server.disconnect().catch(() => undefined);
		await container.kick?.close();
		await finishBeforeStopping((error) => container.logger.error('A plugin could not finish its work before the bot stopped:', error));
		await container.outbox.close(container.config.shutdownGraceSeconds * 1000);
		await container.db.kickEventReceipts.settled();
		try {
			await super.destroy();
			await this.closeTaskQueue();
		} finally {
			await this.dashboardPublisher?.close();
			await container.shared.close();
		}
	}
}
