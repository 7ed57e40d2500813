import { ApplyOptions } from '@sapphire/decorators';
import { z } from 'zod';
import { DashboardAction, type GuildContext } from '#core';
import { postQuoteNow } from '../lib/postQuote.js';

const postQuoteData = z.object({
	number: z.number().int().min(1).max(2_147_483_647),
	/** The dashboard's id for this request (`npm run dashboard:publish` adds one): every bot process posts under it, so the chat sees it once. */
	id: z.string().min(1).max(100)
});
type PostQuoteData = z.infer<typeof postQuoteData>;

/** `dashboard:quotes` `post` `{ number, id }`: posts that quote in the server's Kick chat now. */
@ApplyOptions<DashboardAction.Options>({ area: 'quotes', action: 'post', data: postQuoteData })
export class PostQuote extends DashboardAction<PostQuoteData> {
	public override async handle(data: PostQuoteData, context: GuildContext): Promise<void> {
		const outcome = await postQuoteNow(context, data.number, data.id);
		if (outcome.status === 'no such quote' || outcome.status === 'not linked') {
			this.container.logger.warn(
				`Quotes: the dashboard asked server ${context.guildId} to post quote #${data.number}, but ${outcome.status === 'not linked' ? 'the server has no Kick channel' : 'it has no such quote'}.`
			);
		}
	}
}
