import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { customCommands } from '../lib/customCommandRunner.js';

// `id` is the protocol's (a unique id against replays); the command is `command_id`.
const updatedData = z.object({ command_id: z.number().int().min(1).max(2_147_483_647).optional() });
type UpdatedData = z.infer<typeof updatedData>;

/** `dashboard:commands` `update`: as `reload`, naming the command the dashboard added, changed or removed. */
@ApplyOptions<DashboardAction.Options>({ area: 'commands', action: 'update', data: updatedData })
export class CommandsUpdated extends DashboardAction<UpdatedData> {
	public override async handle(_data: UpdatedData, context: GuildContext): Promise<void> {
		customCommands.tables.forget(context.guildId);
	}
}
