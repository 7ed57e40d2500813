import type { GuildContext } from '#core';

/*
 * Who is in chat now, as the watchtime plugin keeps it in the server's shared state (its README,
 * "Presence"): the sorted set `watchtime:presence` of `<person> <Kick user id> <name to credit>`
 * scored by the time of the account's last message. Read here, not imported: plugins import only `#core`.
 */
const PRESENCE_KEY = 'watchtime:presence';
const PRESENCE_WINDOW_MS = 120_000;
const MEMBER = /^([mk]:\d{1,20}) \d{1,20} ([a-z0-9_]{1,64})$/;

/** The Kick names (lower-cased, one per person) of everyone whose last chat message is under 2 minutes old. */
export async function presentViewers(context: Pick<GuildContext, 'shared'>, now: number): Promise<string[]> {
	const recent = await context.shared.membersScoredFrom(PRESENCE_KEY, now - PRESENCE_WINDOW_MS);
	const byPerson = new Map<string, string>();
	for (const { member } of recent) {
		const match = MEMBER.exec(member);
		// Lowest score first: the newest name of a person wins.
		if (match !== null) byPerson.set(match[1]!, match[2]!);
	}
	return [...new Set(byPerson.values())];
}
