import { ApplyOptions } from '@sapphire/decorators';
import { CommandOptionsRunTypeEnum, type Args } from '@sapphire/framework';
import { Subcommand } from '@sapphire/plugin-subcommands';
import { escapeMarkdown, InteractionContextType, MessageFlags, type APIEmbed, type AutocompleteInteraction, type Message } from 'discord.js';
import { replyInChannel, sendByDirectMessage } from '#lib/commands/prefixAnswers';
import { echoUserText } from '#lib/discord/echoUserText';
import { withinDiscordLimits } from '#lib/discord/replyLimits';
import { guildContext, type GuildContext } from '#lib/guild/GuildContext';
import { describeSetting, describeSettingChange, describeSettings, describeUnknownSetting, explainSettingError } from '#lib/settings/describeSettings';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import { checkReferencesIn } from '#lib/settings/serverReferences';

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
		// No default member permissions: Discord would hide the command from members who only hold the moderator role; the Moderator precondition decides.
		registry.registerChatInputCommand((command) =>
			command
				.setName(this.name)
				.setDescription(this.description)
				.setContexts(InteractionContextType.Guild)
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

	/** Offers the keys the subcommand takes: every key to view, only those /settings changes to set or reset. */
	public override async autocompleteRun(interaction: AutocompleteInteraction): Promise<void> {
		const typed = interaction.options.getFocused().toLowerCase();
		const { settings } = this.container;
		const offered = interaction.options.getSubcommand(false) === 'view' ? settings.keys : settings.changeableKeys;
		const keys = offered.filter((key) => key.includes(typed)).slice(0, AUTOCOMPLETE_LIMIT);
		await interaction.respond(keys.map((key) => ({ name: key, value: key })));
	}

	public async chatInputView(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const answer = this.view(guildContext(interaction).settings, interaction.options.getString('key'), 'Settings of this server');
		await interaction.reply(withinDiscordLimits({ ...answer, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}

	/** By DM, as the slash form shows it to the moderator alone; the DM names the server, which it is outside of. */
	public async messageView(message: Message, args: Args): Promise<void> {
		const key = await args.pick('string').catch(() => null);
		const answer = this.view(guildContext(message).settings, key, `Settings of ${escapeMarkdown(message.guild?.name ?? 'this server')}`);
		await sendByDirectMessage(message, answer, { what: key === null ? 'the settings of this server' : `the setting ${echoUserText(key)}`, slashForm: '/settings view' });
	}

	public async chatInputSet(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const content = await this.set(guildContext(interaction), interaction.options.getString('key', true), interaction.options.getString('value', true));
		await interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}

	public async messageSet(message: Message, args: Args): Promise<void> {
		const key = await args.pick('string').catch(() => null);
		const value = await args.rest('string').catch(() => null);
		if (key === null || value === null) {
			await replyInChannel(message, { content: `Usage: \`${args.commandContext.commandPrefix}settings set <key> <value>\`. Nothing was changed.` });
			return;
		}
		await replyInChannel(message, { content: await this.set(guildContext(message), key, value) });
	}

	public async chatInputReset(interaction: Subcommand.ChatInputCommandInteraction): Promise<void> {
		const content = await this.reset(guildContext(interaction), interaction.options.getString('key', true));
		await interaction.reply(withinDiscordLimits({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
	}

	public async messageReset(message: Message, args: Args): Promise<void> {
		const key = await args.pick('string').catch(() => null);
		if (key === null) {
			await replyInChannel(message, { content: `Usage: \`${args.commandContext.commandPrefix}settings reset <key>\`. Nothing was changed.` });
			return;
		}
		await replyInChannel(message, { content: await this.reset(guildContext(message), key) });
	}

	private view(settings: GuildSettings, key: string | null, title: string): Answer {
		const view = settings.view();
		if (key === null) return { embeds: [{ title, description: describeSettings(view) }] };
		const setting = view.find((candidate) => candidate.key === key);
		if (setting === undefined) return { content: describeUnknownSetting(key, this.container.settings.keys) };
		return { embeds: [{ title: setting.key, description: describeSetting(setting) }] };
	}

	/** A role or channel setting must name one of this server, which only the command can check. */
	private set({ guildId, guild, settings }: GuildContext, key: string, value: string): Promise<string> {
		return this.change(settings, key, () => this.container.settings.set(guildId, key, value, checkReferencesIn(guild)));
	}

	private reset({ guildId, settings }: GuildContext, key: string): Promise<string> {
		return this.change(settings, key, () => this.container.settings.reset(guildId, key));
	}

	/** Runs a change and says what it did to the key, or why it did nothing. */
	private async change(before: GuildSettings, key: string, apply: () => Promise<GuildSettings>): Promise<string> {
		try {
			const after = await apply();
			const seen = (settings: GuildSettings) => settings.view().find((setting) => setting.key === key)!;
			return describeSettingChange(seen(before), seen(after));
		} catch (error) {
			const explanation = explainSettingError(error);
			if (explanation === undefined) throw error;
			return explanation;
		}
	}
}
