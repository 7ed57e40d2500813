import { ApplyOptions } from '@sapphire/decorators';
import { escapeMarkdown, type AutocompleteInteraction } from 'discord.js';
import type { CommandAnswer } from '#lib/commands/answerCall';
import { GuildCommand, type CommandCall } from '#lib/commands/GuildCommand';
import { echoUserText } from '#lib/discord/echoUserText';
import type { GuildContext } from '#lib/guild/GuildContext';
import { describeSetting, describeSettingChange, describeSettings, describeUnknownSetting, explainSettingError } from '#lib/settings/describeSettings';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import { checkReferencesIn } from '#lib/settings/serverReferences';

const AUTOCOMPLETE_LIMIT = 25;
/** Discord refuses the command above these; a key is a short word and a value a short text. */
const KEY_MAX_LENGTH = 100;
const VALUE_MAX_LENGTH = 200;

@ApplyOptions<GuildCommand.Options>({
	description: 'Shows and changes the bot’s settings for this server (moderators).',
	moderatorsOnly: true,
	guildSubcommands: [
		{
			name: 'view',
			description: 'Shows every setting of this server, or one in detail.',
			run: 'show',
			default: true,
			options: [{ type: 'string', name: 'key', description: 'The setting to explain', autocomplete: true, maxLength: KEY_MAX_LENGTH }]
		},
		{
			name: 'set',
			description: 'Changes one setting for this server.',
			run: 'set',
			options: [
				{ type: 'string', name: 'key', description: 'The setting', required: true, autocomplete: true, maxLength: KEY_MAX_LENGTH },
				{ type: 'string', name: 'value', description: 'Its new value', required: true, maxLength: VALUE_MAX_LENGTH, rest: true }
			]
		},
		{
			name: 'reset',
			description: 'Puts one setting back to its default for this server.',
			run: 'reset',
			options: [{ type: 'string', name: 'key', description: 'The setting', required: true, autocomplete: true, maxLength: KEY_MAX_LENGTH }]
		}
	]
})
export class SettingsCommand extends GuildCommand {
	/** Offers the keys the subcommand takes: every key to view, only those /settings changes to set or reset. */
	public override async autocompleteRun(interaction: AutocompleteInteraction): Promise<void> {
		const typed = interaction.options.getFocused().toLowerCase();
		const { settings } = this.container;
		const offered = interaction.options.getSubcommand(false) === 'view' ? settings.keys : settings.changeableKeys;
		const keys = offered.filter((key) => key.includes(typed)).slice(0, AUTOCOMPLETE_LIMIT);
		await interaction.respond(keys.map((key) => ({ name: key, value: key })));
	}

	/** The moderator alone sees it: ephemeral, or by DM in the prefix form, which names the server (a DM is outside it). */
	public async show(call: CommandCall, context: GuildContext): Promise<void> {
		const key = call.options.string('key');
		const title = call.form === 'slash' ? 'Settings of this server' : `Settings of ${escapeMarkdown(context.guild?.name ?? 'this server')}`;
		const about = key === null ? 'the settings of this server' : `the setting ${echoUserText(key)}`;
		await call.reply({ ...this.view(context.settings, key, title), visibility: 'caller-only', about });
	}

	/** A role or channel setting must name one of this server, which only the command can check. */
	public async set(call: CommandCall, context: GuildContext): Promise<void> {
		const key = call.options.string('key') ?? '';
		const value = call.options.string('value') ?? '';
		await call.reply({
			content: await this.change(context.settings, key, () => this.container.settings.set(context.guildId, key, value, checkReferencesIn(context.guild)))
		});
	}

	public async reset(call: CommandCall, context: GuildContext): Promise<void> {
		const key = call.options.string('key') ?? '';
		await call.reply({ content: await this.change(context.settings, key, () => context.resetSetting(key)) });
	}

	private view(settings: GuildSettings, key: string | null, title: string): CommandAnswer {
		const view = settings.view();
		if (key === null) return { embeds: [{ title, description: describeSettings(view) }] };
		const setting = view.find((candidate) => candidate.key === key);
		if (setting === undefined) return { content: describeUnknownSetting(key, this.container.settings.keys) };
		return { embeds: [{ title: setting.key, description: describeSetting(setting) }] };
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
