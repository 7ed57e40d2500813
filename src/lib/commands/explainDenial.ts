import { Identifiers, type UserError } from '@sapphire/framework';
import { ChannelType } from 'discord.js';

/** What a user reads when a precondition stops their command; Sapphire's own wording otherwise. */
export function explainDenial(error: UserError, commandName: string): string {
	switch (error.identifier) {
		case Identifiers.PreconditionGuildOnly:
			return serverOnly(commandName);
		case Identifiers.PreconditionRunIn:
			return allowsDirectMessages(error.context) ? error.message : serverOnly(commandName);
		default:
			return error.message;
	}
}

function serverOnly(commandName: string): string {
	return `\`${commandName}\` works in a server only: use it in a channel of the server it is about.`;
}

/** RunIn's context lists the allowed channel types, as one list or one per kind of command. */
function allowsDirectMessages(context: unknown): boolean {
	const types = (context as { types?: unknown } | null)?.types;
	const lists = Array.isArray(types) ? [types] : typeof types === 'object' && types !== null ? Object.values(types) : [];
	return lists.some((list) => Array.isArray(list) && (list.includes(ChannelType.DM) || list.includes(ChannelType.GroupDM)));
}
