import { ApplyOptions } from '@sapphire/decorators';
import { type InteractionHandler, InteractionHandlerTypes, Option } from '@sapphire/framework';
import { escapeMarkdown, type ModalSubmitInteraction } from 'discord.js';
import { byModerator, type GuildContext, GuildInteractionHandler, ofThisServer, tellPrivately } from '#core';
import { addCommand, editCommand } from '../lib/changeCommands.js';
import { describeCommand, MODERATORS_ONLY, parseAliases } from '../lib/commandAnswers.js';
import { ALIASES_FIELD, EDIT_MODAL, OTHER_SERVER, readAddModalId, RESPONSE_FIELD, type CommandRules } from '../lib/commandIds.js';

type Submitted =
	| { readonly kind: 'add'; readonly guildId: string; readonly name: string; readonly rules: CommandRules }
	| { readonly kind: 'edit'; readonly guildId: string; readonly commandId: number };

/** The forms of `/command add <name>` (no response given) and `/command edit <command>` (nothing else given): a response and aliases; moderators only. */
@ApplyOptions<InteractionHandler.Options>({ interactionHandlerType: InteractionHandlerTypes.ModalSubmit })
export class CommandResponseModalHandler extends GuildInteractionHandler<ModalSubmitInteraction, Submitted> {
	protected override match(interaction: ModalSubmitInteraction): Option<Submitted> {
		const add = readAddModalId(interaction.customId);
		if (add !== null) return Option.some({ kind: 'add', ...add });
		const edit = EDIT_MODAL.exec(interaction.customId);
		return edit === null ? Option.none : Option.some({ kind: 'edit', guildId: edit[1]!, commandId: Number(edit[2]) });
	}

	protected override async handle(interaction: ModalSubmitInteraction, submitted: Submitted, context: GuildContext): Promise<void> {
		if (!(await ofThisServer(interaction, submitted.guildId, context, OTHER_SERVER)) || !(await byModerator(interaction, context, MODERATORS_ONLY))) return;
		const prefix = context.settings.get('prefix');
		const response = interaction.fields.getTextInputValue(RESPONSE_FIELD);
		const aliases = parseAliases(interaction.fields.getTextInputValue(ALIASES_FIELD), prefix);
		let change;
		if (submitted.kind === 'add') change = await addCommand(context, { name: submitted.name, response, aliases, ...submitted.rules });
		else {
			if ((await context.db.customCommands.get(submitted.commandId)) === null)
				return tellPrivately(interaction, 'That command was removed meanwhile. Nothing was changed.');
			change = await editCommand(context, submitted.commandId, { response, aliases });
		}
		if (!change.ok) return tellPrivately(interaction, change.refusal);
		const done = `${submitted.kind === 'add' ? 'Added' : 'Changed'} ${escapeMarkdown(`${prefix}${change.command.name}`)}.`;
		await tellPrivately(interaction, done, { embeds: [describeCommand(change.command, prefix)] });
	}
}
