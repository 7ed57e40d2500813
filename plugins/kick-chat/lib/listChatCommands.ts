/** One line for the chat: the built-in commands a viewer may use, then this server's enabled custom commands. */
export function listChatCommands(prefix: string, builtIn: readonly string[], custom: readonly string[]): string {
	const names = [...new Set([...builtIn, ...custom].map((name) => name.toLowerCase()))];
	if (names.length === 0) return 'No chat commands here yet.';
	return `Commands: ${names.map((name) => `${prefix}${name}`).join(' ')}`;
}
