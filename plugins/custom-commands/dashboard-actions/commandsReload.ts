import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { customCommands } from '../lib/customCommandRunner.js';

const reloadData = z.object({});
type ReloadData = z.infer<typeof reloadData>;

/** `dashboard:commands` `reload`: the dashboard (or another bot process) changed the named server's commands; that server's table loads again. */
@ApplyOptions<DashboardAction.Options>({ area: 'commands', action: 'reload', data: reloadData })
export class CommandsReload extends DashboardAction<ReloadData> {
	public override async handle(_data: ReloadData, context: GuildContext): Promise<void> {
		customCommands.tables.forget(context.guildId);
	}
}
