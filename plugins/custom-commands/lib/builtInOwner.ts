import { pluginOfPiece } from '#core';
import { container } from '@sapphire/framework';

/**
 * The owner of a built-in command answering to `word` (a Kick chat command, or a Discord
 * command's prefix form), naming the plugin ('the core' for its own); null when none does, so a
 * custom command may take it. Built-ins are loaded whether or not a server switched their plugin
 * off, so a command created while it is off does not break when it comes back.
 */
export function builtInOwnerOf(word: string): string | null {
	const lower = word.toLowerCase();
	const kick = container.stores.get('kick-commands').get(lower);
	const discord =
		kick ??
		[...container.stores.get('commands').values()].find((command) => [command.name, ...command.aliases].some((name) => name.toLowerCase() === lower));
	if (discord === undefined) return null;
	const plugin = pluginOfPiece(discord);
	return plugin === 'core' ? 'the core' : `the ${plugin} plugin`;
}

/** The first of a command's words that a built-in command owns, with its owner, for the refusal. */
export function shadowedBuiltIn(words: readonly string[]): { word: string; owner: string } | null {
	for (const word of words) {
		const owner = builtInOwnerOf(word);
		if (owner !== null) return { word, owner };
	}
	return null;
}
