import type { GuildContext } from '#core';
import { customCommands } from './customCommandRunner.js';

/** This process changed a server's commands: its table loads again at the next message, and every other process is told. */
export async function commandsChanged(context: Pick<GuildContext, 'guildId' | 'announceChange'>): Promise<void> {
	customCommands.tables.forget(context.guildId);
	await context.announceChange('commands');
}
