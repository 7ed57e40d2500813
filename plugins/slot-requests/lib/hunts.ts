import type { GuildContext } from '#core';
import { huntFigures, type HuntFigures } from './huntMath.js';
import type { SlotHunt } from './SlotHuntsRepository.js';

/** The running hunt (else the latest) with its figures now; null when the server never ran one. */
export async function currentHunt(context: Pick<GuildContext, 'db'>): Promise<{ hunt: SlotHunt; figures: HuntFigures } | null> {
	const hunt = await context.db.slotHunts.latest();
	if (hunt === null) return null;
	const [played, remaining] = await Promise.all([
		context.db.slotHunts.played(hunt.id),
		hunt.endedAt === null ? context.db.slotHunts.remainingBets() : Promise.resolve([])
	]);
	return { hunt, figures: huntFigures(hunt.startBalance, played, remaining) };
}
