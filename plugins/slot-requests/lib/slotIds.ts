/*
 * Custom ids carry the server they were made in (and what they act on), so the panel's buttons keep
 * working after a restart and on any bot process, and one used in another server is refused.
 */

export const PANEL_ACTIONS = ['open', 'close', 'pick', 'played', 'skip', 'clear', 'clear-yes', 'blacklist', 'refresh'] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

/** A panel button: `slots:panel:<server>:<action>`. */
export const PANEL_BUTTON = /^slots:panel:(\d{1,20}):([a-z-]{1,12})$/;
export const panelButtonId = (guildId: bigint, action: PanelAction) => `slots:panel:${guildId}:${action}`;

/** The form for a played request: `slots:played:<server>:<request id>`, with the fields bet and payout. */
export const PLAYED_MODAL = /^slots:played:(\d{1,20}):(\d{1,10})$/;
export const playedModalId = (guildId: bigint, requestId: number) => `slots:played:${guildId}:${requestId}`;
export const BET_FIELD = 'bet';
export const PAYOUT_FIELD = 'payout';

/** The form that blacklists a caller: `slots:blacklist:<server>`, with the field name. */
export const BLACKLIST_MODAL = /^slots:blacklist:(\d{1,20})$/;
export const blacklistModalId = (guildId: bigint) => `slots:blacklist:${guildId}`;
export const NAME_FIELD = 'name';

/** Pages of the lists: `slots:list:<server>:<queue|catalogue|blacklist|callers-<hunt id or all>>:<page>`. */
export const LIST_PAGE_BUTTON = /^slots:list:(\d{1,20}):(queue|catalogue|blacklist|callers-(?:\d{1,10}|all)):(\d{1,6})$/;
export const listPageId = (guildId: bigint, list: string) => (page: number) => `slots:list:${guildId}:${list}:${page}`;

export const OTHER_SERVER = 'This belongs to another server’s slot requests. Nothing was changed.';
export const MODERATORS_ONLY = 'Only moderators can run the slot requests.';

/** The form of `/slots catalogue import` (slash form): the file's text pasted, `slots:import:<server>`, field file. */
export const IMPORT_MODAL = /^slots:import:(\d{1,20})$/;
export const importModalId = (guildId: bigint) => `slots:import:${guildId}`;
export const FILE_FIELD = 'file';
