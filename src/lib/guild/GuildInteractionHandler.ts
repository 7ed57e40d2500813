import { InteractionHandler, type Awaitable, type Option } from '@sapphire/framework';
import { MessageFlags, type Interaction, type MessageComponentInteraction, type ModalSubmitInteraction } from 'discord.js';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { attachGuildContext, loadGuildContext, type GuildContext } from '#lib/guild/GuildContext';

/** The interactions a server feature answers after a command: button clicks, select choices, modal submissions. */
export type FollowUpInteraction = MessageComponentInteraction | ModalSubmitInteraction;

/** What `run` receives: the server's context, and what `match` read from the interaction. */
export interface InGuild<Parsed> {
	readonly context: GuildContext;
	readonly parsed: Parsed;
}

/**
 * An interaction handler of a server feature. Sapphire's global preconditions cover commands
 * only, so this does for buttons, selects and modals what the GuildContext precondition does
 * for commands: `match` says whether the interaction is this handler's (by custom id), then the
 * context of the interaction's own server is loaded and bound to it, and `run` gets it. Outside
 * a server the user is told it works in a server only, and `run` does not run.
 * `run(interaction, { context, parsed })` is declared by each handler.
 */
export abstract class GuildInteractionHandler<Handled extends FollowUpInteraction, Parsed = undefined> extends InteractionHandler {
	/** Whether this handler answers the interaction, and what it read from it (before any database work). */
	protected abstract match(interaction: Handled): Awaitable<Option<Parsed>>;

	// Subclasses declare `run(interaction: Handled, handled: InGuild<Parsed>)`; TypeScript cannot check a generic override of Sapphire's `run`.

	public override async parse(interaction: Interaction): Promise<Option<InGuild<Parsed>>> {
		if (!interaction.isMessageComponent() && !interaction.isModalSubmit()) return this.none();
		// Sapphire routes only interactions of this handler's type here.
		const matched = await this.match(interaction as Handled);
		if (matched.isNone()) return this.none();
		if (!interaction.inGuild()) {
			await this.refuse(interaction, 'This works in a server only: use it in the server it belongs to.');
			return this.none();
		}
		try {
			const context = await loadGuildContext(interaction.guildId, interaction.guild);
			attachGuildContext(interaction, context);
			return this.some({ context, parsed: matched.unwrap() });
		} catch (error) {
			this.container.logger.error(`Could not load the context of server ${interaction.guildId} for ${this.name}:`, error);
			await this.refuse(interaction, 'This server’s settings could not be loaded just now, so nothing was done. Try again in a moment.');
			return this.none();
		}
	}

	private async refuse(interaction: FollowUpInteraction, content: string): Promise<void> {
		await interaction
			.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral }))
			.catch((error: unknown) => this.container.logger.warn(`${this.name}: could not answer an interaction:`, error));
	}
}
