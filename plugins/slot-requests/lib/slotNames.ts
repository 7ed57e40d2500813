/*
 * Slot names as viewers type them: "gates of olympus", "Gates-of-Olympus!" and "GATES OF OLYMPUS"
 * are one slot. Matching is on a key without case, accents, spaces or punctuation; a near miss is
 * the catalogue's closest name by edit distance.
 */

/** The longest slot name a request or the catalogue keeps. */
export const SLOT_NAME_MAX = 100;

/** The name's matching key: letters and digits only, lower case, accents dropped ("Sweet Bonanza 1000!" → "sweetbonanza1000"). */
export function slotKey(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]/gu, '');
}

/** Levenshtein distance, stopping early once it passes `limit` (then any number above it). */
export function editDistance(a: string, b: string, limit: number): number {
	if (Math.abs(a.length - b.length) > limit) return limit + 1;
	let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		let rowBest = i;
		for (let j = 1; j <= b.length; j++) {
			const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
			current.push(value);
			if (value < rowBest) rowBest = value;
		}
		if (rowBest > limit) return limit + 1;
		previous = current;
	}
	return previous[b.length]!;
}

/** How far a typed key may be from a catalogue key to be offered as "did you mean": a quarter of its length, 1 to 3 edits. */
export function nearMissLimit(key: string): number {
	return Math.max(1, Math.min(3, Math.floor(key.length / 4)));
}

export interface NamedSlot {
	readonly name: string;
}

/**
 * The catalogue's slot for a typed name: `exact` when its key is one of theirs, else `near` with
 * the closest within the limit (ties to the shorter name, then the first), else `none`.
 */
export function matchSlot<Slot extends NamedSlot>(
	typed: string,
	slots: readonly Slot[]
): { readonly kind: 'exact' | 'near'; readonly slot: Slot } | { readonly kind: 'none' } {
	const key = slotKey(typed);
	let near: { slot: Slot; distance: number } | null = null;
	const limit = nearMissLimit(key);
	for (const slot of slots) {
		const candidate = slotKey(slot.name);
		if (candidate === key) return { kind: 'exact', slot };
		if (key.length === 0) continue;
		const distance = editDistance(key, candidate, limit);
		if (distance > limit) continue;
		if (near === null || distance < near.distance || (distance === near.distance && slot.name.length < near.slot.name.length)) near = { slot, distance };
	}
	return near === null ? { kind: 'none' } : { kind: 'near', slot: near.slot };
}
