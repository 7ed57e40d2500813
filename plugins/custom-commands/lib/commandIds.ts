/*
 * Custom ids carry the server they were made in and what they act on, so they keep working after a
 * restart and on any bot process, and one made in another server is refused before anything runs.
 */
import { ANSWERS_IN, COMMAND_ACCESS, LIVE_MODES, type CustomCommandChanges } from './CustomCommandsRepository.js';

/** The rules `/command add` may give besides the response and aliases, which its form keeps in its id. */
export type CommandRules = Pick<CustomCommandChanges, 'access' | 'answersIn' | 'liveMode' | 'cooldownSeconds' | 'userCooldownSeconds' | 'allowMentions'>;

/** A page of `/command list`: `commands:list:<server>:<page>`. */
export const LIST_PAGE_BUTTON = /^commands:list:(\d{1,20}):(\d{1,6})$/;
/**
 * The form of `/command add <name>` without a response: `commands:add:<server>:<name>`, then, when
 * rules were given with it, `:<access>:<where>:<when>:<cooldown>:<user cooldown>:<mentions>`: the
 * choices by their place in their list, mentions `y` or `n`, and `-` for a rule not given.
 */
export const ADD_MODAL = /^commands:add:(\d{1,20}):([\p{L}\p{N}_-]{1,32})(?::(\d|-):(\d|-):(\d|-):(\d{1,5}|-):(\d{1,5}|-):([yn-]))?$/u;
/** The form of `/command edit <command>` alone: `commands:edit:<server>:<command id>`. */
export const EDIT_MODAL = /^commands:edit:(\d{1,20}):(\d{1,10})$/;
/** The form's fields. */
export const RESPONSE_FIELD = 'response';
export const ALIASES_FIELD = 'aliases';
/** Discord's longest custom id. */
const CUSTOM_ID_MAX = 100;

export const listPageId = (guildId: bigint) => (page: number) => `commands:list:${guildId}:${page}`;

/** The id of the add form; null when the name is none a command can have, or too long for an id. */
export function addModalId(guildId: bigint, name: string, rules: CommandRules): string | null {
	const place = (known: readonly string[], value: string | undefined) => (value === undefined ? '-' : String(known.indexOf(value)));
	const ruleParts = [
		place(COMMAND_ACCESS, rules.access),
		place(ANSWERS_IN, rules.answersIn),
		place(LIVE_MODES, rules.liveMode),
		rules.cooldownSeconds ?? '-',
		rules.userCooldownSeconds ?? '-',
		rules.allowMentions === undefined ? '-' : rules.allowMentions ? 'y' : 'n'
	];
	const id = ['commands:add', guildId, name, ...(ruleParts.every((part) => part === '-') ? [] : ruleParts)].join(':');
	return id.length <= CUSTOM_ID_MAX && ADD_MODAL.test(id) ? id : null;
}

/** What an add form's id holds (a rule not given is undefined); null for an id that is not one, or names a choice no list has. */
export function readAddModalId(customId: string): { guildId: string; name: string; rules: CommandRules } | null {
	const match = ADD_MODAL.exec(customId);
	if (match === null) return null;
	// Without the rules part, every rule reads as not given.
	const [, guildId, name, accessAt, whereAt, whenAt, cooldown, userCooldown, mentions] = match.map((part) => part ?? '-');
	const choice = <T extends string>(known: readonly T[], place: string): T | undefined | null => (place === '-' ? undefined : (known[Number(place)] ?? null));
	const access = choice(COMMAND_ACCESS, accessAt!);
	const answersIn = choice(ANSWERS_IN, whereAt!);
	const liveMode = choice(LIVE_MODES, whenAt!);
	if (access === null || answersIn === null || liveMode === null) return null;
	const seconds = (text: string) => (text === '-' ? undefined : Number(text));
	const allowMentions = mentions === '-' ? undefined : mentions === 'y';
	return {
		guildId: guildId!,
		name: name!,
		rules: { access, answersIn, liveMode, cooldownSeconds: seconds(cooldown!), userCooldownSeconds: seconds(userCooldown!), allowMentions }
	};
}

export const editModalId = (guildId: bigint, commandId: number) => `commands:edit:${guildId}:${commandId}`;

/** What every handler says to a custom id made in another server: nothing runs. */
export const OTHER_SERVER = 'This belongs to another server’s commands. Nothing was changed.';
