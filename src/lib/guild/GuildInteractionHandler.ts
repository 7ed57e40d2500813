import { InteractionHandler, type Awaitable, type Option } from '@sapphire/framework';
import { MessageFlags, type Interaction, type MessageComponentInteraction, type ModalSubmitInteraction } from 'discord.js';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { loadGuildContext, type GuildContext } from '#lib/guild/GuildContext';

/** The interactions a server feature answers after a command: button clicks, select choices, modal submissions. */
export type FollowUpInteraction = MessageComponentInteraction | ModalSubmitInteraction;

/** What Sapphire hands `run` after `parse`: what `match` read, and the server's context. */
interface Matched<Parsed> {
	readonly parsed: Parsed;
	readonly context: GuildContext;
}

/**
 * An interaction handler of a server feature. Sapphire's global preconditions cover commands
 * only, so this does for buttons, selects and modals what the GuildContext precondition does
 * for commands: `match` says whether the interaction is this handler's (by custom id), then the
 * context of the interaction's own server is loaded, and `handle(interaction, parsed, context)`
 * runs with it. Outside a server the user is told it works in a server only, and nothing runs.
 */
export abstract class GuildInteractionHandler<Handled extends FollowUpInteraction, Parsed = undefined> extends InteractionHandler {
	/** Whether this handler answers the interaction, and what it read from it (before any database work). */
	protected abstract match(interaction: Handled): Awaitable<Option<Parsed>>;

	/** Answers the interaction, for the server of `context`, with what `match` read. */
	protected abstract handle(interaction: Handled, parsed: Parsed, context: GuildContext): Promise<unknown>;

	// Sapphire calls run only with what parse() accepted: an interaction of this handler's type, and its Matched.
	public override run(interaction: Interaction, matched?: unknown): Promise<unknown> {
		const { parsed, context } = matched as Matched<Parsed>;
		return this.handle(interaction as Handled, parsed, context);
	}

	public override async parse(interaction: Interaction): Promise<Option<Matched<Parsed>>> {
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
			const plugin = pluginOfPiece(this);
			if (!context.pluginIsOn(plugin)) {
				await this.refuse(interaction, `The ${plugin} plugin is switched off in this server (setting \`plugins_off\`), so this does nothing here.`);
				return this.none();
			}
			return this.some({ parsed: matched.unwrap(), context });
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
