import { parseViewerTarget, type CommandAnswer, type GuildContext } from '#core';
import { kickAccountLink, linkedSince } from './kickAccount.js';
import { changeLinkedRole, describeLinkedRole } from './linkedRole.js';
import { signInButton } from './linkButtons.js';
import { linkChange, type KickLinkChange } from './linkEvents.js';
import { postToLinkLog } from './linkLog.js';

/** The purpose of the linking sign-in (its KickSignInHandler, kick-sign-ins/linkKickAccount.ts). */
export const LINKING_PURPOSE = 'linking';

type LinkingContext = Pick<GuildContext, 'db' | 'settings' | 'startKickSignIn' | 'changeMemberRole' | 'postInChannel'>;

const asMention = (roleId: string) => ` <@&${roleId}>`;

/** "Link Kick account" and `/link start`: the member's own sign-in link, or that they are linked already. Seen by them alone. */
export async function answerLinkStart(context: LinkingContext, memberId: string): Promise<CommandAnswer> {
	const link = await context.db.links.ofMember(BigInt(memberId));
	if (link !== null) {
		return {
			content: `You are already linked as ${kickAccountLink(link.kickName)} in this server${linkedSince(link.linkedAt)}. To link another Kick account, unlink first.`,
			visibility: 'caller-only',
			about: 'your Kick link'
		};
	}
	const started = await context.startKickSignIn({ discordUserId: memberId, purpose: LINKING_PURPOSE });
	if (started.status === 'unavailable')
		return { content: `Linking Kick accounts does not work on this bot yet. ${started.reason}`, visibility: 'caller-only' };
	return {
		content:
			`Open this link and sign in on Kick with the account to link. It is yours alone and works once, until <t:${Math.floor(started.expiresAt.getTime() / 1000)}:t>. ` +
			'The bot only reads which account it is.',
		components: [signInButton(started.url)],
		visibility: 'caller-only',
		about: 'your Kick sign-in link'
	};
}

/** `/link status`: the member's own link in this server. */
export async function answerStatus(context: Pick<GuildContext, 'db'>, memberId: string, howToLink: string): Promise<CommandAnswer> {
	const link = await context.db.links.ofMember(BigInt(memberId));
	if (link === null) return { content: `You have not linked a Kick account in this server. ${howToLink}` };
	return { content: `You are linked as ${kickAccountLink(link.kickName)} in this server${linkedSince(link.linkedAt)}.` };
}

/**
 * Unlinks a member in this server and takes back the linked role; `by` is the moderator who did it,
 * or null when the member unlinked themselves. The link log and `announce` (other plugins) are told either way.
 */
export async function answerUnlink(
	context: LinkingContext,
	memberId: string,
	by: string | null,
	announce: (change: KickLinkChange) => void = () => undefined
): Promise<CommandAnswer> {
	const removed = await context.db.links.unlink(BigInt(memberId));
	const self = by === null;
	if (removed === null)
		return {
			content: self ? 'You have no Kick account linked in this server; nothing to unlink.' : `<@${memberId}> has no Kick account linked in this server.`
		};
	const role = await changeLinkedRole(context, memberId, 'revoke', self ? 'Unlinked their Kick account' : `Kick account unlinked by moderator ${by}`);
	announce(linkChange(memberId, removed.kickName, role));
	const roleLine = describeLinkedRole(role, 'revoke', { who: self ? 'you' : `<@${memberId}>`, role: asMention, moderators: !self });
	await postToLinkLog(
		context,
		[
			`<@${memberId}> ${self ? 'unlinked' : `was unlinked by <@${by}> from`} Kick account ${kickAccountLink(removed.kickName)}.`,
			describeLinkedRole(role, 'revoke', { who: `<@${memberId}>`, role: asMention, moderators: true })
		]
			.filter((line) => line !== null)
			.join(' '),
		`unlinked:${memberId}:${removed.kickName.toLowerCase()}:${removed.linkedAt?.getTime() ?? 'legacy'}`
	);
	const done = self
		? `Unlinked: your Kick account ${kickAccountLink(removed.kickName)} is no longer linked in this server.`
		: `Unlinked <@${memberId}> from Kick account ${kickAccountLink(removed.kickName)}.`;
	return { content: roleLine === null ? done : `${done} ${roleLine}` };
}

/** `/whois <member or Kick name>`: who is linked to whom in this server. */
export async function answerWhois(context: Pick<GuildContext, 'db'>, text: string): Promise<CommandAnswer> {
	const target = parseViewerTarget(text);
	if (target === null) return { content: '`who` takes a member (a mention or an id) or a Kick username (letters, digits and _).', visibility: 'refusal' };
	if ('member' in target) {
		const link = await context.db.links.ofMember(BigInt(target.member));
		return {
			content:
				link === null
					? `<@${target.member}> has not linked a Kick account in this server.`
					: `<@${target.member}> is linked to Kick account ${kickAccountLink(link.kickName)}${linkedSince(link.linkedAt)}.`
		};
	}
	const link = await context.db.links.ofKickAccount({ name: target.kickName });
	return {
		content:
			link === null
				? `No member of this server has linked the Kick account ${kickAccountLink(target.kickName)}.`
				: `Kick account ${kickAccountLink(link.kickName)} is linked to <@${link.discordId}>${linkedSince(link.linkedAt)}.`
	};
}
