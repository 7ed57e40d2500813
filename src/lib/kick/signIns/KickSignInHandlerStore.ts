import { Store } from '@sapphire/framework';
import { KickSignInHandler } from '#lib/kick/signIns/KickSignInHandler';
import { sourcePathOf } from '#lib/paths';

function where(handler: KickSignInHandler): string {
	return handler.location.virtual ? `piece "${handler.name}" (loaded without a file)` : sourcePathOf(handler.location.full);
}

/** The `kick-sign-ins` store: who completes each purpose's sign-ins. Two handlers of one purpose stop the load, naming both files. */
export class KickSignInHandlerStore extends Store<KickSignInHandler, 'kick-sign-ins'> {
	public constructor() {
		super(KickSignInHandler, { name: 'kick-sign-ins' });
	}

	/** The handler of a purpose, if one is loaded. */
	public handlerFor(purpose: string): KickSignInHandler | undefined {
		return [...this.values()].find((handler) => handler.purpose === purpose);
	}

	public override async insert(piece: KickSignInHandler): Promise<KickSignInHandler> {
		const holder = this.handlerFor(piece.purpose);
		// The same file loaded again replaces itself.
		if (holder !== undefined && !(holder.name === piece.name && holder.location.full === piece.location.full)) {
			throw new TypeError(
				`Two Kick sign-in handlers complete purpose "${piece.purpose}": ${where(holder)} and ${where(piece)}. A purpose has one handler.`
			);
		}
		return super.insert(piece);
	}
}

declare module '@sapphire/pieces' {
	interface StoreRegistryEntries {
		'kick-sign-ins': KickSignInHandlerStore;
	}
}
