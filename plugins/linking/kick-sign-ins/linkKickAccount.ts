import { ApplyOptions } from '@sapphire/decorators';
import { KickSignInHandler, type GuildContext, type KickSignIn, type KickSignInPage } from '#core';
import { completeLink, directMessage } from '../lib/completeLink.js';
import { LINKING_PURPOSE } from '../lib/linkAnswers.js';
import { announceLinkChange, LinkEvents } from '../lib/linkEvents.js';

/** A member signed in with Kick from "Link Kick account" or /link start: their account is linked in the server they asked in. */
@ApplyOptions<KickSignInHandler.Options>({
	purpose: LINKING_PURPOSE,
	startAgain: 'Click “Link Kick account” on the server’s link panel again (or use /link start) for a new link.'
})
export class LinkKickAccount extends KickSignInHandler {
	public override complete(signIn: KickSignIn, context: GuildContext): Promise<KickSignInPage> {
		return completeLink(
			signIn,
			context,
			(content) => directMessage(this.container.client, signIn.discordUserId, content),
			(change) => announceLinkChange(this.container.client, LinkEvents.Linked, change, context)
		);
	}
}
