import { InvalidInputError, type GuildContext, type KickSignIn, type KickSignInPage } from '#core';
import type { Client, Guild } from 'discord.js';
import { kickAccountLink } from './kickAccount.js';
import { changeLinkedRole, describeLinkedRole } from './linkedRole.js';
import { linkChange, type KickLinkChange } from './linkEvents.js';
import { postToLinkLog } from './linkLog.js';
import type { LinkOutcome } from './LinksRepository.js';

type CompletionContext = Pick<GuildContext, 'discordGuild' | 'db' | 'settings' | 'changeMemberRole' | 'postInChannel'>;

/** Tells a member something by DM; false when Discord would not (DMs closed, not reachable from here). */
export type TellMember = (content: string) => Promise<boolean>;

const NOT_LINKED = 'Your Kick account was not linked';

/**
 * A member signed in with Kick from this server's link panel: links the account for this server,
 * unless another member of this server holds it (then the member is told why, on the page and
 * by DM), gives the linked role, and tells the link log and `announce` (other plugins). Returns the page the browser shows.
 */
export async function completeLink(
	signIn: KickSignIn,
	context: CompletionContext,
	tellMember: TellMember,
	announce: (change: KickLinkChange) => void = () => undefined
): Promise<KickSignInPage> {
	// The sign-in may come back to a process that does not hold the server's shard: then it is read from Discord.
	const guild = await context.discordGuild().catch(() => null);
	const server = guild?.name ?? 'the Discord server';
	const { discordUserId, kick } = signIn;
	let outcome: LinkOutcome;
	try {
		outcome = await context.db.links.link(BigInt(discordUserId), { name: kick.name, userId: kick.userId });
	} catch (error) {
		if (!(error instanceof InvalidInputError)) throw error;
		// Kick has sent accounts without a username; there is nothing to link them by.
		return { status: 403, title: NOT_LINKED, message: `Kick gave no username the bot can use for this account (${error.message}). Nothing was changed.` };
	}
	if (outcome.outcome === 'taken') {
		const message = `The Kick account ${kick.name} is already linked to another member of ${server}. Nothing was changed. If the account is yours, ask the server’s moderators to unlink it from the other member.`;
		await tellMember(`Your Kick account was not linked in **${server}**: ${message}`);
		await postToLinkLog(
			context,
			`<@${discordUserId}> signed in as Kick account ${kickAccountLink(kick.name)}, which is linked to <@${outcome.by.discordId}>; it was not linked to them.`,
			`taken:${discordUserId}:${kick.userId}:${Date.now()}`
		);
		return { status: 409, title: NOT_LINKED, message };
	}
	// Also when the link was already there: the role may have been taken by hand since.
	const role = await changeLinkedRole(context, discordUserId, 'grant', `Linked Kick account ${kick.name}`);
	announce(linkChange(discordUserId, outcome.link.kickName, role));
	const onPage = describeLinkedRole(role, 'grant', { who: 'you', role: (roleId) => roleName(guild, roleId), moderators: false });
	if (outcome.outcome === 'unchanged') {
		return {
			title: 'Your Kick account is linked',
			message: [`Your Discord account in ${server} was already linked to the Kick account ${kick.name}.`, onPage, 'You can close this tab.']
				.filter(isText)
				.join(' ')
		};
	}
	const { link, replaced } = outcome;
	await postToLinkLog(
		context,
		[
			`<@${discordUserId}> linked Kick account ${kickAccountLink(link.kickName)}${replaced === null ? '' : ` (instead of ${kickAccountLink(replaced.kickName)})`}.`,
			describeLinkedRole(role, 'grant', { who: `<@${discordUserId}>`, role: (roleId) => ` <@&${roleId}>`, moderators: true })
		]
			.filter(isText)
			.join(' '),
		`linked:${discordUserId}:${kick.userId}:${link.linkedAt?.getTime() ?? 0}`
	);
	return {
		title: 'Kick account linked',
		message: [
			`Your Discord account in ${server} is now linked to the Kick account ${link.kickName}${replaced === null ? '' : ` (it was ${replaced.kickName} before)`}.`,
			onPage,
			'You can close this tab; /link status in Discord shows the link.'
		]
			.filter(isText)
			.join(' ')
	};
}

/** Sends a member a DM, pinging nobody (from any bot process: DMs need no shard); false when it could not be sent. */
export async function directMessage(client: Client, userId: string, content: string): Promise<boolean> {
	try {
		const user = await client.users.fetch(userId);
		await user.send({ content, allowedMentions: { parse: [] } });
		return true;
	} catch {
		// DMs closed, or the user unknown: the page says it anyway.
		return false;
	}
}

/** A role as a web page shows it: its name (a mention means nothing outside Discord). */
function roleName(guild: Guild | null, roleId: string): string {
	const role = guild?.roles.cache.get(roleId);
	return role === undefined ? '' : ` @${role.name}`;
}

function isText(line: string | null): line is string {
	return line !== null;
}
