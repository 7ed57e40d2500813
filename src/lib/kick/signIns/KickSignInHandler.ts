import { Piece } from '@sapphire/framework';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import { BROADCASTER_PURPOSE } from '#lib/database/repositories/KickOAuthStatesRepository';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { KickIdentity } from '#lib/kick/KickAuthorizations';
import { sourcePathOf } from '#lib/paths';

/** A purpose: lower-case letters, digits and dashes, as plugin names are. */
export const SIGN_IN_PURPOSE = /^[a-z][a-z0-9-]{0,31}$/;

/** A member's finished sign-in with Kick, as its handler receives it: who, and the Kick account Kick named. */
export interface KickSignIn {
	/** The Discord member who asked for the sign-in link in this server. */
	readonly discordUserId: string;
	/** The Kick account that signed in (the bot kept none of its tokens). */
	readonly kick: KickIdentity;
}

/** What the member's browser shows once the handler is done: a plain page. */
export interface KickSignInPage {
	readonly title: string;
	readonly message: string;
	/** 200 (the default) when done; 403 or 409 when the feature refused (say why in `message`). */
	readonly status?: 200 | 403 | 409;
}

/**
 * Completes the sign-ins of one purpose, loaded from every enabled plugin's `kick-sign-ins/`
 * folder. A piece of the plugin asks a member to sign in with `context.startKickSignIn({
 * discordUserId, purpose })`; once they did on Kick, the core reads which Kick account it was,
 * revokes the tokens, and runs `complete(signIn, context)` with the context of the server the
 * link was made in (never another), when the plugin is on there. What it returns is the page the
 * member's browser shows. One handler per purpose; `broadcaster` is the core's.
 *
 * @example
 * \@ApplyOptions<KickSignInHandler.Options>({ purpose: 'linking', startAgain: 'Click “Link Kick account” again in Discord.' })
 * export class LinkKickAccount extends KickSignInHandler {
 *   public async complete(signIn: KickSignIn, context: GuildContext): Promise<KickSignInPage> { ... }
 * }
 */
export abstract class KickSignInHandler extends Piece<KickSignInHandler.Options, 'kick-sign-ins'> {
	public readonly purpose: string;
	/** How a member starts this sign-in again, for the pages that refuse a link (expired, refused on Kick). */
	public readonly startAgain: string;

	public constructor(context: KickSignInHandler.LoaderContext, options: KickSignInHandler.Options) {
		super(context, options);
		const where = this.location.virtual ? `"${this.name}"` : sourcePathOf(this.location.full);
		if (typeof options.purpose !== 'string' || !SIGN_IN_PURPOSE.test(options.purpose) || options.purpose === BROADCASTER_PURPOSE) {
			throw new TypeError(
				`Kick sign-in handler ${where}: purpose ${JSON.stringify(options.purpose)} is not a purpose (lower-case letters, digits and dashes; "${BROADCASTER_PURPOSE}" is the core's).`
			);
		}
		if (typeof options.startAgain !== 'string' || options.startAgain.trim() === '') {
			throw new TypeError(`Kick sign-in handler ${where}: startAgain is missing (a sentence: how a member starts the sign-in again).`);
		}
		this.purpose = options.purpose;
		this.startAgain = options.startAgain.trim();
	}

	/** The plugin this handler belongs to: the sign-in does nothing in a server that switched it off. */
	public get plugin(): string {
		return pluginOfPiece(this);
	}

	/** Acts on a member's sign-in for the server of `context`; returns the page their browser shows. */
	public abstract complete(signIn: KickSignIn, context: GuildContext): Promise<KickSignInPage>;
}

export namespace KickSignInHandler {
	export interface Options extends Piece.Options {
		readonly purpose: string;
		readonly startAgain: string;
	}
	export type LoaderContext = Piece.LoaderContext<'kick-sign-ins'>;
}
