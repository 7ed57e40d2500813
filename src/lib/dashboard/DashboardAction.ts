import { Piece } from '@sapphire/framework';
import type { z } from 'zod';
import { ACTION_NAME, type DashboardArea } from '#lib/dashboard/protocol';
import { CORE_DASHBOARD_AREAS } from '#lib/plugins/PluginCatalog';
import type { DashboardHandler, DashboardMessage } from '#lib/dashboard/DashboardSubscriber';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import { loadGuildContext, type GuildContext } from '#lib/guild/GuildContext';
import { sourcePathOf } from '#lib/paths';

/**
 * A piece that acts on one dashboard message kind, `dashboard:<area>` with `action`, loaded
 * from `src/dashboard-actions/` and every enabled plugin's `dashboard-actions/` folder.
 * `handle` gets the message's data and the context of the one server the message names; every
 * bot process runs it for every accepted message (a handler acting in Discord should act only
 * where `context.guild` is not null). Several pieces may handle the same (area, action); each runs.
 *
 * @example
 * \@ApplyOptions<DashboardAction.Options>({ area: 'commands', action: 'reload' })
 * export class CommandsReload extends DashboardAction {
 *   public async handle(data: DashboardAction.Data, context: GuildContext) { ... }
 * }
 */
export abstract class DashboardAction<Data = Readonly<Record<string, unknown>>>
	extends Piece<DashboardAction.Options, 'dashboard-actions'>
	implements DashboardHandler
{
	public readonly area: DashboardArea;
	public readonly action: string;
	public readonly dataSchema: z.ZodType<Data> | undefined;

	public constructor(context: DashboardAction.LoaderContext, options: DashboardAction.Options) {
		super(context, options);
		const where = sourcePathOf(this.location.full);
		// An area is the plugin's to declare: its manifest's dashboardAreas (the core's own for src/).
		const plugin = pluginOfPiece(this);
		const declared: readonly string[] =
			plugin === 'core'
				? CORE_DASHBOARD_AREAS
				: (this.container.plugins.enabled.find((candidate) => candidate.manifest.name === plugin)?.manifest.dashboardAreas ?? []);
		if (typeof options.area !== 'string' || !declared.includes(options.area)) {
			throw new TypeError(
				`Dashboard action ${where}: area ${JSON.stringify(options.area)} is not declared by ${plugin === 'core' ? 'the core' : `the manifest of plugin ${plugin} (dashboardAreas)`}; declared: ${declared.join(', ') || 'none'}.`
			);
		}
		if (typeof options.action !== 'string' || !ACTION_NAME.test(options.action)) {
			throw new TypeError(`Dashboard action ${where}: action ${JSON.stringify(options.action)} is not an action name (lower-case snake_case).`);
		}
		this.area = options.area;
		this.action = options.action;
		this.dataSchema = options.data as z.ZodType<Data> | undefined;
	}

	/** Loads the context of the message's server and hands it to `handle`. */
	public async run(message: DashboardMessage<Data>): Promise<unknown> {
		const guild = this.container.client.guilds.cache.get(message.guildId.toString()) ?? null;
		const context = await loadGuildContext(message.guildId, guild);
		// The plugin is switched off in this server: its data changes nothing the bot does here.
		if (!context.pluginIsOn(pluginOfPiece(this))) return undefined;
		return this.handle(message.data, context);
	}

	/** Acts on one message's data for the server of `context`. */
	public abstract handle(data: Data, context: GuildContext): Promise<unknown>;
}

export namespace DashboardAction {
	export interface Options extends Piece.Options {
		readonly area: DashboardArea;
		readonly action: string;
		/** A zod schema `data` must fit; the handler then gets its parsed value. Unset: any JSON object. */
		readonly data?: z.ZodType;
	}
	export type LoaderContext = Piece.LoaderContext<'dashboard-actions'>;
	export type Message<Data = Readonly<Record<string, unknown>>> = DashboardMessage<Data>;
	export type Data = Readonly<Record<string, unknown>>;
}
