/** One line for the chat: the commands a viewer may use, with the server's prefix. */
export function listChatCommands(prefix: string, names: readonly string[]): string {
	const unique = [...new Set(names.map((name) => name.toLowerCase()))];
	if (unique.length === 0) return 'No chat commands here yet.';
	return `Commands: ${unique.map((name) => `${prefix}${name}`).join(' ')}`;
}
