import { Store } from '@sapphire/framework';
import { KickCommand } from '#lib/kick/commands/KickCommand';
import { sourcePathOf } from '#lib/paths';

/** How one command answers to a word: by its name or by an alias, as declared. */
interface Claim {
	readonly command: KickCommand;
	readonly as: 'name' | 'alias';
	readonly declared: string;
}

function claimOf(command: KickCommand, word: string): Claim {
	if (command.name.toLowerCase() === word) return { command, as: 'name', declared: command.name };
	return { command, as: 'alias', declared: command.aliases.find((alias) => alias.toLowerCase() === word) ?? word };
}

function describe({ command, as, declared }: Claim): string {
	const where = command.location.virtual ? `piece "${command.name}" (loaded without a file)` : sourcePathOf(command.location.full);
	return `${where} by its ${as} "${declared}"`;
}

export class DuplicateKickCommandNameError extends Error {
	public constructor(
		public readonly word: string,
		first: Claim,
		second: Claim
	) {
		super(
			`Two Kick chat commands answer to "${word}": ${describe(first)} and ${describe(second)}. ` +
				'Rename one or drop the alias (names and aliases are compared ignoring case).'
		);
		this.name = 'DuplicateKickCommandNameError';
	}
}

/** The lower-cased words a command answers to: its name, then its aliases. */
function wordsOf(command: KickCommand): string[] {
	return [...new Set([command.name, ...command.aliases].map((word) => word.toLowerCase()))];
}

/** The same file (or the same manually loaded piece) loaded again: the new one replaces the old. */
function isReloadOf(loaded: KickCommand, incoming: KickCommand): boolean {
	return loaded.name === incoming.name && loaded.location.full === incoming.location.full;
}

/**
 * The `kick-commands` store. `get` and `has` take a name or an alias in any case, as chatters type
 * them (so Sapphire's `resolve` does too, throwing for an unknown word). Sapphire would let a later
 * piece silently take a name, and refuseDuplicatePieceNames compares piece names only: here any name
 * or alias that two commands share stops the load, naming both files.
 */
export class KickCommandStore extends Store<KickCommand, 'kick-commands'> {
	/** Every name and alias, lower-cased, to its command. */
	private readonly words = new Map<string, KickCommand>();

	public constructor() {
		super(KickCommand, { name: 'kick-commands' });
	}

	/** The command a chatter calls by this name or alias, whatever its case. */
	public override get(nameOrAlias: string): KickCommand | undefined {
		return this.words.get(nameOrAlias.toLowerCase());
	}

	public override has(nameOrAlias: string): boolean {
		return this.words.has(nameOrAlias.toLowerCase());
	}

	public override async insert(piece: KickCommand): Promise<KickCommand> {
		// A disabled piece answers to nothing, so it takes no word.
		if (piece.enabled) this.refuseTakenWords(piece);
		const inserted = await super.insert(piece);
		// Store.insert leaves out a piece its onLoad disabled.
		if (super.get(piece.name) === piece) for (const word of wordsOf(piece)) this.words.set(word, piece);
		return inserted;
	}

	public override async unload(name: string | KickCommand): Promise<KickCommand> {
		const piece = await super.unload(name);
		for (const [word, command] of this.words) if (command === piece) this.words.delete(word);
		return piece;
	}

	/** @throws {DuplicateKickCommandNameError} when another command already answers to one of the piece's words. */
	private refuseTakenWords(piece: KickCommand): void {
		for (const word of wordsOf(piece)) {
			const holder = this.words.get(word);
			if (holder === undefined || isReloadOf(holder, piece)) continue;
			throw new DuplicateKickCommandNameError(word, claimOf(holder, word), claimOf(piece, word));
		}
	}
}

declare module '@sapphire/pieces' {
	interface StoreRegistryEntries {
		'kick-commands': KickCommandStore;
	}
}
