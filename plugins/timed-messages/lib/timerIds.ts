/*
 * Custom ids carry the server they were made in and what they act on, so they keep working after a
 * restart and on any bot process, and one made in another server is refused before anything runs.
 */

/** A page of `/timer list`: `timers:list:<server>:<page>`. */
export const LIST_PAGE_BUTTON = /^timers:list:(\d{1,20}):(\d{1,6})$/;
/** The form of `/timer add` without a message: `timers:add:<server>:<interval>:<l|a>:<min lines>:<channel or ->` (l: live only, a: always). */
export const ADD_MODAL = /^timers:add:(\d{1,20}):(\d{1,5}):([la]):(\d{1,6}):(\d{17,20}|-)$/;
/** The form of `/timer edit <timer>` alone: `timers:edit:<server>:<timer>`. */
export const EDIT_MODAL = /^timers:edit:(\d{1,20}):(\d{1,10})$/;
/** The form's field holding the messages, one per line. */
export const MESSAGES_FIELD = 'messages';

export const listPageId = (guildId: bigint) => (page: number) => `timers:list:${guildId}:${page}`;

export function addModalId(
	guildId: bigint,
	fields: { intervalMinutes: number; liveOnly: boolean; minChatLines: number; discordChannelId: string | null }
): string {
	return `timers:add:${guildId}:${fields.intervalMinutes}:${fields.liveOnly ? 'l' : 'a'}:${fields.minChatLines}:${fields.discordChannelId ?? '-'}`;
}

export const editModalId = (guildId: bigint, timerId: number) => `timers:edit:${guildId}:${timerId}`;

/** What every handler says to a custom id made in another server: nothing runs. */
export const OTHER_SERVER = 'This belongs to another server’s timers. Nothing was changed.';
