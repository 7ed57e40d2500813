import type { GuildContext } from '#core';
import type { SlotRequestRecord } from './SlotRequestsRepository.js';
import { matchSlot, SLOT_NAME_MAX } from './slotNames.js';

/** A viewer's `!sr <slot>` in the server's Kick chat. */
export interface SlotRequestCall {
	readonly kickUsername: string;
	readonly kickUserId: string;
	/** What followed the command, as typed. */
	readonly text: string;
	/** Moderators and the broadcaster are never held by the cooldown (they still start it). */
	readonly bypassesCooldown: boolean;
	/** Milliseconds since the epoch, as the cooldown counts (the chat message's time). */
	readonly now: number;
}

export type SlotRequestOutcome =
	| { readonly kind: 'closed' }
	| { readonly kind: 'empty' }
	| { readonly kind: 'blacklisted' }
	| { readonly kind: 'cooldown'; readonly remainingMs: number }
	| { readonly kind: 'cap'; readonly max: number }
	| { readonly kind: 'too long' }
	| { readonly kind: 'banned' | 'unavailable'; readonly name: string }
	| { readonly kind: 'unknown'; readonly typed: string; readonly suggestion: string | null }
	| { readonly kind: 'duplicate'; readonly name: string }
	| { readonly kind: 'added'; readonly request: SlotRequestRecord; readonly position: number };

/**
 * Runs the checks of a slot request in FEATURES.md's order and stores it when all pass: the
 * feature on and requests open, a slot named, the caller not blacklisted, not cooling down, under
 * the cap, the slot allowed by a non-empty catalogue (its catalogue name is stored), no duplicate
 * when duplicates are prevented. The cap and duplicate checks are made again with the insert,
 * holding the server's queue, so two requests at once cannot both slip under them.
 */
export async function requestSlot(context: GuildContext, call: SlotRequestCall): Promise<SlotRequestOutcome> {
	const { settings, db } = context;
	if (!settings.get('slot_requests_enabled') || !(await db.slotRequests.state()).isOpen) return { kind: 'closed' };
	const typed = call.text.trim();
	if (typed.length === 0) return { kind: 'empty' };
	if (await db.slotRequests.isBlacklisted(call.kickUsername)) return { kind: 'blacklisted' };
	const cooldownSeconds = settings.get('slot_request_cooldown_seconds');
	if (cooldownSeconds > 0) {
		const held = await context.shared.startCooldowns([{ key: `slot-requests:cooldown:${call.kickUserId}`, ms: cooldownSeconds * 1000 }], call.now, {
			force: call.bypassesCooldown
		});
		if (held !== null) return { kind: 'cooldown', remainingMs: held.remainingMs };
	}
	const maxPerUser = settings.get('slot_max_requests_per_user');
	if (maxPerUser > 0 && (await db.slotRequests.openCountFor(call.kickUsername, call.kickUserId)) >= maxPerUser) return { kind: 'cap', max: maxPerUser };
	if (typed.length > SLOT_NAME_MAX) return { kind: 'too long' };
	const catalogue = await db.slotCatalogue.all();
	let slotCall = typed;
	let slotId: number | null = null;
	if (catalogue.length > 0) {
		const match = matchSlot(typed, catalogue);
		if (match.kind !== 'exact') return { kind: 'unknown', typed, suggestion: match.kind === 'near' ? match.slot.name : null };
		if (match.slot.banned) return { kind: 'banned', name: match.slot.name };
		if (!match.slot.active) return { kind: 'unavailable', name: match.slot.name };
		slotCall = match.slot.name;
		slotId = match.slot.id;
	}
	const outcome = await db.slotRequests.request({
		kickUsername: call.kickUsername,
		kickUserId: call.kickUserId,
		slotCall,
		slotId,
		maxPerUser,
		preventDuplicates: settings.get('slot_prevent_duplicates')
	});
	switch (outcome.kind) {
		case 'closed':
			return { kind: 'closed' };
		case 'cap':
			return { kind: 'cap', max: maxPerUser };
		case 'duplicate':
			return { kind: 'duplicate', name: outcome.existing.slotCall };
		case 'added':
			return outcome;
	}
}

/** What chat is told; null for the silent refusals (blacklist, cooldown). */
export function chatAnswerOf(outcome: SlotRequestOutcome, caller: string): string | null {
	switch (outcome.kind) {
		case 'closed':
			return 'Slot requests are not open';
		case 'empty':
			return 'Please specify a slot';
		case 'blacklisted':
		case 'cooldown':
			return null;
		case 'cap':
			return `@${caller} you already have ${outcome.max} open request${outcome.max === 1 ? '' : 's'} (the most per viewer)`;
		case 'too long':
			return `@${caller} a slot name is at most ${SLOT_NAME_MAX} characters`;
		case 'banned':
			return `${outcome.name} is banned`;
		case 'unavailable':
			return `${outcome.name} is unavailable`;
		case 'unknown':
			return outcome.suggestion === null
				? `@${caller} "${shortened(outcome.typed)}" is not in the slot list`
				: `@${caller} "${shortened(outcome.typed)}" is not in the slot list, did you mean ${outcome.suggestion}?`;
		case 'duplicate':
			return `@${caller} ${outcome.name} is already in the queue`;
		case 'added':
			return `@${caller} requested ${outcome.request.slotCall} (#${outcome.position} in the queue)`;
	}
}

/** What a viewer typed, cut so a wall of text cannot fill the answer. */
function shortened(text: string): string {
	const characters = [...text];
	return characters.length <= 40 ? text : `${characters.slice(0, 39).join('')}…`;
}
