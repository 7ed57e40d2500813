import type { Guild } from 'discord.js';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { GuildSettings } from '#lib/settings/GuildSettings';

/** A server's context for tests that drive a piece or the router without the bot: the actions they do not exercise refuse. */
export function testGuildContext(parts: {
	readonly guildId: bigint;
	readonly settings: GuildSettings;
	readonly db: GuildRepositories;
	readonly guild?: Guild | null;
}): GuildContext {
	const unused = (action: string) => () => Promise.reject(new Error(`${action} is not part of this test`));
	return {
		guild: null,
		...parts,
		pluginIsOn: (plugin) => plugin === 'core' || !parts.settings.get('plugins_off').includes(plugin),
		setSetting: unused('setSetting'),
		resetSetting: unused('resetSetting'),
		sayInKickChat: unused('sayInKickChat'),
		postInChannel: unused('postInChannel'),
		changeMemberRole: unused('changeMemberRole'),
		roleProblem: unused('roleProblem'),
		alertModerators: unused('alertModerators'),
		startKickSignIn: unused('startKickSignIn')
	};
}
