import { chatVariableCatalog, whenBotStops } from '#core';
import { container } from '@sapphire/framework';
import { CommandTables } from './CommandTable.js';
import type { CustomCommandRunner } from './runCustomCommand.js';
import { UseCounter } from './UseCounter.js';

/** While the database stays away, every flush fails: say so once a minute. */
const WARN_EVERY_MS = 60_000;
let lastWarning = Number.NEGATIVE_INFINITY;

/** This process's command tables and use counts, shared by the chat listeners and the commands that change commands. */
export const customCommands: CustomCommandRunner = {
	tables: new CommandTables({ catalog: chatVariableCatalog }),
	uses: new UseCounter({
		onFlushError: (error) => {
			if (Date.now() - lastWarning < WARN_EVERY_MS) return;
			lastWarning = Date.now();
			container.logger.warn('Custom commands: could not write use counts; keeping them for the next try:', error);
		}
	}),
	catalog: chatVariableCatalog
};

whenBotStops(() => customCommands.uses.close());
