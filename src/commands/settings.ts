import { ApplyOptions } from '@sapphire/decorators';
import { CommandOptionsRunTypeEnum, type Args } from '@sapphire/framework';
import { Subcommand } from '@sapphire/plugin-subcommands';
import { InteractionContextType, MessageFlags, PermissionFlagsBits, type APIEmbed, type AutocompleteInteraction, type Message } from 'discord.js';
import { echoUserText } from '#lib/discord/echoUserText';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { boundGuildContext } from '#lib/guild/GuildContext';

// Until this command moves to GuildCommand (issue 11): the context the precondition bound.
const guildContext = (event: object) => boundGuildContext(event)!;
import { describeSetting, describeSettings, describeUnknownSetting, explainSettingError } from '#lib/settings/describeSettings';
import type { GuildSettings } from '#lib/settings/GuildSettings';

const AUTOCOMPLETE_LIMIT = 25;
/** Discord refuses the command above these; a key is a short word and a value a short text. */
const KEY_MAX_LENGTH = 100;
const VALUE_MAX_LENGTH = 200;

type Answer = { embeds: APIEmbed[] } | { content: string };

@ApplyOptions<Subcommand.Options>({
	description: 'Shows and changes the bot’s settings for this server (moderators).',
	runIn: CommandOptionsRunTypeEnum.GuildAny,
	preconditions: ['Moderator'],
	subcommands: [
		{ name: 'view', chatInputRun: 'chatInputView', messageRun: 'messageView', default: true },
		{ name: 'set', chatInputRun: 'chatInputSet', messageRun: 'messageSet' },
		{ name: 'reset', chatInputRun: 'chatInputReset', messageRun: 'messageReset' }
	]
})
export class SettingsCommand extends Subcommand {
	public override registerApplicationCommands(registry: Subcommand.Registry): void {
		registry.registerChatInputCommand((command) =>
			command
				.setName(this.name)
				.setDescription(this.description)
				.setContexts(InteractionContextType.Guild)
				// Only a hint for Discord's client: the Moderator precondition is what decides.
				.setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
				.addSubcommand((view) =>
					view
						.setName('view')
						.setDescription('Shows every setting of this server, or one in detail.')
						.addStringOption((key) => key.setName('key').setDescription('The setting to explain').setAutocomplete(true).setMaxLength(KEY_MAX_LENGTH))
				)
				.addSubcommand((set) =>
					set
						.setName('set')
						.setDescription('Changes one setting for this server.')
						.addStringOption((key) => key.setName('key').setDescription('The setting').setRequired(true).setAutocomplete(true).setMaxLength(KEY_MAX_LENGTH))
						.addStringOption((value) => value.setName('value').setDescription('Its new value').setRequired(true).setMaxLength(VALUE_MAX_LENGTH))
				)
				.addSubcommand((reset) =>
					reset
						.setName('reset')
						.setDescription('Puts one setting back to its default for this server.')
						.addStringOption((key) => key.setName('key').setDescription('The setting').setRequired(true).setAutocomplete(true).setMaxLength(KEY_MAX_LENGTH))
				)
		);
	}

	public override async autocompleteRun(interaction: AutocompleteInteraction): Promise<void> {
		const typed = interaction.options.getFocused().toLowerCase();
		const keys = this.container.settings.keys.filter((key) => key.includes(typed)).slice(0, AUTOCOMPLETE_LIMIT);
		await interaction.respond(keys.map((key) => ({ name: key, value: key })));
	}

	public async chatInputView(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const key = interaction.options.getString('key');
		const answer = this.view(guildContext(interaction).settings, key);
		await interaction.reply(withinDiscordLimits({ ...answer, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}

	public async messageView(message: Message, args: Args): Promise<void> {
		const key = await args.pick('string').catch(() => null);
		await this.replyTo(message, this.view(guildContext(message).settings, key));
	}

	public async chatInputSet(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const content = await this.change(interaction, () =>
			this.container.settings.set(interaction.guildId!, interaction.options.getString('key', true), interaction.options.getString('value', true))
		);
		await interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}

	public async messageSet(message: Message, args: Args): Promise<void> {
		const key = await args.pick('string').catch(() => null);
		const value = await args.rest('string').catch(() => null);
		if (key === null || value === null) {
			await this.replyTo(message, { content: `Usage: \`${this.prefixOf(message)}settings set <key> <value>\`. Nothing was changed.` });
			return;
		}
		await this.replyTo(message, { content: await this.change(message, () => this.container.settings.set(message.guildId!, key, value)) });
	}

	public async chatInputReset(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const content = await this.change(interaction, () => this.container.settings.reset(interaction.guildId!, interaction.options.getString('key', true)));
		await interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}

	public async messageReset(message: Message, args: Args): Promise<void> {
		const key = await args.pick('string').catch(() => null);
		if (key === null) {
			await this.replyTo(message, { content: `Usage: \`${this.prefixOf(message)}settings reset <key>\`. Nothing was changed.` });
			return;
		}
		await this.replyTo(message, { content: await this.change(message, () => this.container.settings.reset(message.guildId!, key)) });
	}

	private view(settings: GuildSettings, key: string | null): Answer {
		const view = settings.view();
		if (key === null) return { embeds: [{ title: 'Settings of this server', description: describeSettings(view) }] };
		const setting = view.find((candidate) => candidate.key === key);
		if (setting === undefined) return { content: describeUnknownSetting(key, this.container.settings.keys) };
		return { embeds: [{ title: setting.key, description: describeSetting(setting) }] };
	}

	/** Runs a change and says what it did, or why it did nothing. */
	private async change(source: object, apply: () => Promise<GuildSettings>): Promise<string> {
		const before = guildContext(source).settings.view();
		try {
			const after = (await apply()).view();
			const changed = after.find((setting, index) => setting.value !== before[index]?.value || setting.isDefault !== before[index]?.isDefault);
			if (changed === undefined) return 'That is already the value for this server; nothing changed.';
			return `**${changed.key}** is now ${echoUserText(changed.value)}${changed.isDefault ? ' (the default)' : ''} in this server.`;
		} catch (error) {
			const explanation = explainSettingError(error);
			if (explanation === undefined) throw error;
			return explanation;
		}
	}

	private prefixOf(message: Message): string {
		return guildContext(message).settings.get('prefix');
	}

	private async replyTo(message: Message, answer: Answer): Promise<void> {
		await message.reply(withinDiscordLimits({ ...answer, allowedMentions: { parse: [], repliedUser: false } }));
	}
}
