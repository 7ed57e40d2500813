import type { ChannelType } from 'discord-api-types/v10';
import type { PermissionsInput } from './permissions.js';

/** A user of the fake Discord; the same username in two guilds is the same user unless ids differ. */
export interface UserSeed {
	readonly id?: string;
	readonly username: string;
	readonly globalName?: string;
	readonly bot?: boolean;
}

/** A role; roles are positioned in the order given (the first lowest), below the bot's own role unless `aboveBot`. */
export interface RoleSeed {
	readonly id?: string;
	readonly name: string;
	/** Placed above the bot's own role, as a role the bot cannot manage (roles above it keep their order). */
	readonly aboveBot?: boolean;
	readonly permissions?: PermissionsInput;
	readonly color?: number;
	readonly hoist?: boolean;
	readonly mentionable?: boolean;
}

/** A channel permission overwrite for a role (by name, or '@everyone') or a member (by username). */
export interface OverwriteSeed {
	readonly role?: string;
	readonly member?: string;
	readonly allow?: PermissionsInput;
	readonly deny?: PermissionsInput;
}

export type SeededChannelType = ChannelType.GuildText | ChannelType.GuildVoice | ChannelType.GuildCategory | ChannelType.GuildAnnouncement;

export interface ChannelSeed {
	readonly id?: string;
	readonly name: string;
	/** Defaults to a text channel. */
	readonly type?: SeededChannelType;
	readonly topic?: string;
	readonly overwrites?: readonly OverwriteSeed[];
}

export interface MemberSeed extends UserSeed {
	readonly nick?: string;
	/** Role names (or ids) of this guild. */
	readonly roles?: readonly string[];
	/** Shortcut: gives the member a role named `@<username>` holding these permissions. */
	readonly permissions?: PermissionsInput;
}

export interface BotMemberSeed {
	/** Permissions of the bot's managed role; a typical invite's permissions when absent. */
	readonly permissions?: PermissionsInput;
	/** Further roles (names of seeded roles) the bot's member has. */
	readonly roles?: readonly string[];
	readonly nick?: string;
}

export interface GuildSeed {
	readonly id?: string;
	readonly name: string;
	/** Username or id of the owning member; the first member when absent. */
	readonly owner?: string;
	/** Permissions of @everyone; Discord's usual member permissions when absent. */
	readonly everyone?: PermissionsInput;
	readonly roles?: readonly RoleSeed[];
	readonly channels?: readonly ChannelSeed[];
	readonly members?: readonly MemberSeed[];
	readonly bot?: BotMemberSeed;
}

export interface StandInSeed {
	readonly botUser?: { readonly id?: string; readonly username?: string };
	/** The token the stand-in accepts; one in Discord's format is made up when absent. */
	readonly token?: string;
	readonly guilds?: readonly GuildSeed[];
}
