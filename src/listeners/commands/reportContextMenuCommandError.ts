import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener, type ContextMenuCommandErrorPayload } from '@sapphire/framework';
import { reportInteractionFailure } from '#lib/commands/reportFailure';

/** A context menu that throws (Sapphire logs it) tells the member it failed. */
@ApplyOptions<Listener.Options>({ event: Events.ContextMenuCommandError })
export class ReportContextMenuCommandError extends Listener<typeof Events.ContextMenuCommandError> {
	public override async run(_error: unknown, { interaction }: ContextMenuCommandErrorPayload): Promise<void> {
		await reportInteractionFailure(interaction, interaction.commandName);
	}
}
