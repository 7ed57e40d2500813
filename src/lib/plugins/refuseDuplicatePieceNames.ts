import type { Piece, Store, StoreRegistry } from '@sapphire/framework';
import { sourcePathOf } from '#lib/paths';

export class DuplicatePieceError extends Error {
	public constructor(storeName: string, pieceName: string, first: string, second: string) {
		super(
			`Two pieces of the ${storeName} store are named "${pieceName}": ${sourcePathOf(first)} and ${sourcePathOf(second)}. ` +
				'Rename one of them (a piece is named after its file unless its options say otherwise).'
		);
		this.name = 'DuplicatePieceError';
	}
}

const guarded = new WeakSet<object>();

/**
 * Sapphire replaces a piece silently when another of the same name loads, so two plugins
 * with a `ping` command would shadow each other. This makes every store refuse instead,
 * naming both files, which stops the start. Stores bring their own loader strategies
 * (listeners, scheduled tasks, ...), so each strategy's `onLoad` is wrapped where it is.
 * Sapphire's built-in (virtual) pieces may still be overridden on purpose.
 */
export function refuseDuplicatePieceNames(stores: StoreRegistry): void {
	for (const store of stores.values() as Iterable<Store<Piece>>) {
		const strategy = store.strategy;
		if (guarded.has(strategy)) continue;
		guarded.add(strategy);
		const onLoad = strategy.onLoad.bind(strategy);
		strategy.onLoad = (target: Store<Piece>, piece: Piece) => {
			const existing = target.get(piece.name);
			if (existing !== undefined && !existing.location.virtual && existing.location.full !== piece.location.full) {
				throw new DuplicatePieceError(target.name, piece.name, existing.location.full, piece.location.full);
			}
			return onLoad(target, piece);
		};
	}
}
