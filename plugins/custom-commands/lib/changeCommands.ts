import { ConflictError, InvalidInputError, NotFoundError, parseChatTemplate, type ChatVariableCatalog, type GuildContext } from '#core';
import { shadowedBuiltIn } from './builtInOwner.js';
import { commandsChanged } from './commandsChanged.js';
import { customCommands } from './customCommandRunner.js';
import type { CustomCommandChanges, CustomCommandFields, CustomCommandRecord } from './CustomCommandsRepository.js';

export type CommandChange = { readonly ok: true; readonly command: CustomCommandRecord } | { readonly ok: false; readonly refusal: string };

/** What the bot checks before the repository: no built-in word shadowed, and a response whose variables all exist and are well written. */
function refusalOfFields(fields: CustomCommandChanges, catalog: ChatVariableCatalog): string | null {
	const shadowed = shadowedBuiltIn([...(fields.name === undefined ? [] : [fields.name]), ...(fields.aliases ?? [])]);
	if (shadowed !== null) return `!${shadowed.word.toLowerCase()} is a built-in command of ${shadowed.owner}; pick another name. Nothing was changed.`;
	if (fields.response !== undefined) {
		const parsed = parseChatTemplate(fields.response, { strict: true, catalog });
		if (!parsed.ok) return `${parsed.error} Nothing was changed.`;
	}
	return null;
}

/** A repository refusal as one line for the moderator; null for any other error. */
export function refusalOf(error: unknown): string | null {
	if (error instanceof InvalidInputError || error instanceof ConflictError || error instanceof NotFoundError) return `${error.message}. Nothing was changed.`;
	return null;
}

async function change(context: GuildContext, fields: CustomCommandChanges, write: () => Promise<CustomCommandRecord>): Promise<CommandChange> {
	const refusal = refusalOfFields(fields, customCommands.catalog());
	if (refusal !== null) return { ok: false, refusal };
	let command: CustomCommandRecord;
	try {
		command = await write();
	} catch (error) {
		const known = refusalOf(error);
		if (known === null) throw error;
		return { ok: false, refusal: known };
	}
	await commandsChanged(context);
	return { ok: true, command };
}

/** Adds a command to the server, or says why not. */
export function addCommand(context: GuildContext, fields: CustomCommandFields): Promise<CommandChange> {
	return change(context, fields, () => context.db.customCommands.create(fields));
}

/** Changes one of the server's commands, or says why not. */
export function editCommand(context: GuildContext, id: number, changes: CustomCommandChanges): Promise<CommandChange> {
	return change(context, changes, () => context.db.customCommands.update(id, changes));
}

/** Removes one of the server's commands; null when it has none with that id. */
export async function removeCommand(context: GuildContext, id: number): Promise<CustomCommandRecord | null> {
	const removed = await context.db.customCommands.delete(id);
	if (removed !== null) await commandsChanged(context);
	return removed;
}

/** The server's command answering to a word typed with or without the prefix (`!hi`, `hi`, an alias). */
export function findCommand(context: GuildContext, typed: string): Promise<CustomCommandRecord | null> {
	const prefix = context.settings.get('prefix');
	const word = typed.startsWith(prefix) ? typed.slice(prefix.length) : typed;
	return context.db.customCommands.findByName(word.trim());
}
