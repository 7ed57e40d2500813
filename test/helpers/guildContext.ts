import type { Guild } from 'discord.js';
import type { GuildRepositories } from '#lib/database/GuildRepositories';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { GuildSettings } from '#lib/settings/GuildSettings';
import type { GuildShared } from '#lib/shared/SharedState';

/** A server's context for tests that drive a piece or the router without the bot: the actions they do not exercise refuse. */
export function testGuildContext(parts: {
	readonly guildId: bigint;
	readonly settings: GuildSettings;
	readonly db: GuildRepositories;
	readonly guild?: Guild | null;
	/** The server's shared state (a `SharedState` over a test's Redis); without it, using it fails the test. */
	readonly shared?: GuildShared;
	/** Whether a chat message is the bot's own; none is by default. */
	readonly isOwnKickMessage?: GuildContext['isOwnKickMessage'];
	/** What telling other processes of a change does; nothing (answering false) by default. */
	readonly announceChange?: GuildContext['announceChange'];
	/** What a change of an overlay's state does; nothing by default. */
	readonly overlayChanged?: GuildContext['overlayChanged'];
}): GuildContext {
	const unused = (action: string) => () => Promise.reject(new Error(`${action} is not part of this test`));
	const noShared = new Proxy({} as GuildShared, {
		get: (_, property) => (property === 'guildId' ? parts.guildId : unused(`shared.${String(property)}`))
	});
	return {
		guild: null,
		shared: noShared,
		isOwnKickMessage: () => false,
		announceChange: () => Promise.resolve(false),
		overlayChanged: () => undefined,
		...parts,
		pluginIsOn: (plugin) => plugin === 'core' || !parts.settings.get('plugins_off').includes(plugin),
		setSetting: unused('setSetting'),
		resetSetting: unused('resetSetting'),
		sayInKickChat: unused('sayInKickChat'),
		postInChannel: unused('postInChannel'),
		editInChannel: unused('editInChannel'),
		discordGuild: () => Promise.resolve(parts.guild ?? null),
		sendDirectMessage: unused('sendDirectMessage'),
		changeMemberRole: unused('changeMemberRole'),
		roleProblem: unused('roleProblem'),
		alertModerators: unused('alertModerators'),
		startKickSignIn: unused('startKickSignIn')
	};
}
