import type { KickEvent } from '#lib/kick/events/KickEvent';

/** The Date fields of KickEvent (JSON keeps them as ISO text). */
const DATE_FIELDS = new Set(['at', 'startedAt', 'endedAt', 'expiresAt']);

/** A KickEvent as stored with its receipt, so an event taken before a crash can be handled after it. */
export function kickEventToJson(event: KickEvent): string {
	return JSON.stringify(event);
}

export function kickEventFromJson(json: string): KickEvent {
	return JSON.parse(json, (key, value: unknown) => (DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value)) as KickEvent;
}
