import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import type { ButtonInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer } from '#core';
import { answerBlacklist, answerCallers, answerCatalogue, answerQueue } from '../lib/slotAnswers.js';
import { LIST_PAGE_BUTTON, MODERATORS_ONLY, OTHER_SERVER } from '../lib/slotIds.js';

interface ListPage {
	readonly guildId: string;
	readonly list: string;
	readonly page: number;
}

/** Previous and next under the queue, the catalogue, the blacklist (moderators) and the best callers: that page as it is now. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.Button })
export class SlotListPageHandler extends GuildInteractionHandler<ButtonInteraction, ListPage> {
	protected override match(interaction: ButtonInteraction): Option<ListPage> {
		const match = LIST_PAGE_BUTTON.exec(interaction.customId);
		return match === null ? Option.none : Option.some({ guildId: match[1]!, list: match[2]!, page: Number(match[3]) });
	}

	protected override async handle(interaction: ButtonInteraction, parsed: ListPage, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, parsed.guildId, context, OTHER_SERVER))) return;
		if (parsed.list === 'blacklist' && !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const answer =
			parsed.list === 'queue'
				? await answerQueue(context, parsed.page)
				: parsed.list === 'catalogue'
					? await answerCatalogue(context, parsed.page)
					: parsed.list === 'blacklist'
						? await answerBlacklist(context, parsed.page)
						: await answerCallers(context, parsed.list === 'callers-all' ? 'all' : Number(parsed.list.slice('callers-'.length)), parsed.page);
		await interaction.update({ content: answer.content ?? '', components: [...(answer.components ?? [])], allowedMentions: { parse: [] } });
	}
}
