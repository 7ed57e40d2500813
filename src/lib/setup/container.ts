import type { OverlayHub } from '#lib/overlays/OverlayHub';
import type { OverlayServer } from '#lib/overlays/OverlayServer';
import type { Config } from '#lib/config/environment';
import type { DashboardPublisher } from '#lib/dashboard/DashboardPublisher';
import type { Database } from '#lib/database/Database';
import type { KickConnection } from '#lib/kick/KickConnection';
import type { Outbox } from '#lib/outbox/Outbox';
import type { ReadinessProbe } from '#lib/health/ReadinessProbe';
import type { PluginCatalog } from '#lib/plugins/PluginCatalog';
import type { BotSettingsManager } from '#lib/settings/BotSettingsManager';
import type { SharedState } from '#lib/shared/SharedState';
import type { ShardWork } from '#lib/tasks/ShardWork';

declare module '@sapphire/pieces' {
	interface Container {
		config: Config;
		db: Database;
		plugins: PluginCatalog;
		settings: BotSettingsManager;
		/** Everything the bot posts (Kick chat, Discord channels) goes through it: recorded, then sent at most once. */
		outbox: Outbox;
		/** Undefined when the Kick connection is not configured (KICK_CLIENT_ID / KICK_CLIENT_SECRET). */
		kick: KickConnection | undefined;
		/** The servers' shared state in Redis; features reach their server's through `context.shared`. */
		shared: SharedState;
		/** Tells the other bot processes what this one changed (signed dashboard messages); undefined without DASHBOARD_SECRET. */
		dashboardPublisher: DashboardPublisher | undefined;
		/** Live state for the overlays' open pages; undefined while the HTTP server is off. */
		overlays: OverlayHub | undefined;
		/** The same, as the overlay routes use it: pages found by key, their event streams. */
		overlayServer: OverlayServer;
		/** Spreads repeating per-server tasks over the processes by Discord shard; undefined when this process runs every shard. */
		shardWork: ShardWork | undefined;
		/** What `/ready` answers: Discord connected, database and Redis reachable, migrations applied. */
		readiness: ReadinessProbe;
	}
}
