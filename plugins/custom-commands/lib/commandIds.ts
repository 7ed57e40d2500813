/*
 * Custom ids carry the server they were made in and what they act on, so they keep working after a
 * restart and on any bot process, and one made in another server is refused before anything runs.
 */

/** A page of `/command list`: `commands:list:<server>:<page>`. */
export const LIST_PAGE_BUTTON = /^commands:list:(\d{1,20}):(\d{1,6})$/;
/** The form of `/command add <name>` without a response: `commands:add:<server>:<name>`. */
export const ADD_MODAL = /^commands:add:(\d{1,20}):([\p{L}\p{N}_-]{1,32})$/u;
/** The form of `/command edit <command>` alone: `commands:edit:<server>:<command id>`. */
export const EDIT_MODAL = /^commands:edit:(\d{1,20}):(\d{1,10})$/;
/** The form's fields. */
export const RESPONSE_FIELD = 'response';
export const ALIASES_FIELD = 'aliases';

export const listPageId = (guildId: bigint) => (page: number) => `commands:list:${guildId}:${page}`;
export const addModalId = (guildId: bigint, name: string) => `commands:add:${guildId}:${name}`;
export const editModalId = (guildId: bigint, commandId: number) => `commands:edit:${guildId}:${commandId}`;

/** What every handler says to a custom id made in another server: nothing runs. */
export const OTHER_SERVER = 'This belongs to another server’s commands. Nothing was changed.';
