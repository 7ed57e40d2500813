/** Whom a command names: a member (a mention or an id) or a Kick account (its name, with or without @ or kick.com/). */
export type ViewerTarget = { readonly member: string } | { readonly kickName: string };

/** Reads whom a command names; null when it is neither a member nor a Kick name. */
export function parseViewerTarget(text: string): ViewerTarget | null {
	const trimmed = text.trim();
	const member = /^(?:<@!?(\d{17,20})>|(\d{17,20}))$/.exec(trimmed);
	if (member !== null) return { member: member[1] ?? member[2]! };
	const kick = /^(?:https?:\/\/)?(?:www\.)?(?:kick\.com\/|@)?([A-Za-z0-9_]{1,25})\/?$/.exec(trimmed);
	return kick === null ? null : { kickName: kick[1]! };
}
