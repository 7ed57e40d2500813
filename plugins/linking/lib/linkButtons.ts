import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type APIActionRowComponent, type APIEmbed, type APIComponentInMessageActionRow } from 'discord.js';

/*
 * The panel's buttons carry no state in their custom ids: whoever clicks acts for themselves in
 * the server the panel is in, so a panel keeps working after a restart and on any bot process.
 */

/** "Link Kick account" on a link panel. */
export const LINK_BUTTON = 'linking:link';
/** "Unlink" on a link panel. */
export const UNLINK_BUTTON = 'linking:unlink';

/** The link panel a moderator posts (as JSON: it is recorded in the outbox, then posted). */
export function linkPanel(): {
	readonly content: string;
	readonly embeds: APIEmbed[];
	readonly components: APIActionRowComponent<APIComponentInMessageActionRow>[];
} {
	return {
		content: '',
		embeds: [
			{
				title: 'Link your Kick account',
				description:
					'Link your Kick account to this server so the bot knows who you are in the stream’s chat.\n\n' +
					'**Link Kick account** gives you a sign-in link, for you alone, that works for 10 minutes. Sign in on Kick and allow the bot to read who you are; the bot keeps nothing else of it.\n' +
					'**Unlink** removes your link here.'
			}
		],
		components: [
			new ActionRowBuilder<ButtonBuilder>()
				.addComponents(
					new ButtonBuilder().setCustomId(LINK_BUTTON).setStyle(ButtonStyle.Primary).setLabel('Link Kick account'),
					new ButtonBuilder().setCustomId(UNLINK_BUTTON).setStyle(ButtonStyle.Secondary).setLabel('Unlink')
				)
				.toJSON()
		]
	};
}

/** The sign-in link as a button (Discord opens it in the browser). */
export function signInButton(url: string): ActionRowBuilder<ButtonBuilder> {
	return new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Sign in with Kick'));
}
