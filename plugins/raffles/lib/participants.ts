/**
 * Who holds tickets: a member of the server (through the Kick account they linked, or none), or a
 * Kick account nobody linked here. The key orders the draw's ticket table and is published in it.
 */
export interface Participant {
	/** The member; null for a Kick account nobody linked here. */
	readonly discordId: bigint | null;
	/** The Kick name (the linked one for a member; '' when a member has none). */
	readonly kickName: string;
}

/** `discord:<id>` for a member, `kick:<lower-cased Kick name>` otherwise. */
export function participantKeyOf(participant: Participant): string {
	return participant.discordId === null ? `kick:${participant.kickName.toLowerCase()}` : `discord:${participant.discordId}`;
}

/** How a participant is named in Discord: the member (a mention, which never pings), and their Kick name. */
export function describeParticipantKey(key: string, kickName: string): string {
	if (key.startsWith('discord:')) return kickName === '' ? `<@${key.slice(8)}>` : `<@${key.slice(8)}> (${kickName})`;
	return kickName === '' ? key.slice(5) : kickName;
}

/** How a participant is named in Kick chat. */
export function chatNameOf(key: string, kickName: string): string {
	if (kickName !== '') return kickName;
	return key.startsWith('kick:') ? key.slice(5) : 'a member';
}
