import type { APIUser, UserFlags } from 'discord-api-types/v10';
import type { SnowflakeGenerator } from './snowflake.js';
import type { UserSeed } from './seed.js';

/** Every user the stand-in knows, shared by all guilds (a user is one account across servers). */
export class UserDirectory {
	private readonly users = new Map<string, APIUser>();

	public constructor(private readonly snowflakes: SnowflakeGenerator) {}

	/** The user with this id, else the one with this username (when no id is given), else a new one. */
	public ensure(seed: UserSeed): APIUser {
		const existing = seed.id === undefined ? this.findByUsername(seed.username) : this.users.get(seed.id);
		if (existing) return existing;
		const user: APIUser = {
			id: seed.id ?? this.snowflakes.next(),
			username: seed.username,
			discriminator: '0',
			global_name: seed.globalName ?? null,
			avatar: null,
			bot: seed.bot ?? false,
			system: false,
			banner: null,
			accent_color: null,
			public_flags: 0 as UserFlags,
			flags: 0 as UserFlags,
			avatar_decoration_data: null
		};
		this.users.set(user.id, user);
		return user;
	}

	public get(id: string): APIUser | undefined {
		return this.users.get(id);
	}

	/** By id or username; throws a message naming the known users when there is none. */
	public resolve(idOrUsername: string): APIUser {
		const user = this.users.get(idOrUsername) ?? this.findByUsername(idOrUsername);
		if (!user) throw new Error(`No user '${idOrUsername}' (known: ${[...this.users.values()].map((known) => known.username).join(', ')})`);
		return user;
	}

	private findByUsername(username: string): APIUser | undefined {
		for (const user of this.users.values()) if (user.username === username) return user;
		return undefined;
	}
}
