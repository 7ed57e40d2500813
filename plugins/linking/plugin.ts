import { definePlugin, setting } from '#core';
import { LinksRepository } from './lib/LinksRepository.js';

export default definePlugin({
	name: 'linking',
	description: 'Members link their Kick account to Discord, per server: a link panel, /link, /unlink and /whois, a role for linked members.',
	settings: {
		kick_linked_role_id: setting.role('A role the bot gives members who linked their Kick account, and takes back when they unlink.'),
		link_log_channel_id: setting.textChannel('A channel where the bot tells moderators who linked or unlinked which Kick account.')
	},
	repositories: { links: LinksRepository }
});

declare module '#core' {
	interface PluginRepositories {
		links: LinksRepository;
	}
	interface SettingTypes {
		kick_linked_role_id: string | null;
		link_log_channel_id: string | null;
	}
}
