/** A Kick account and its channel (every Kick user has one), as the seed describes it. */
export interface KickUserSeed {
	readonly username: string;
	/** Digits; made up when absent. */
	readonly userId?: string | number;
	/** The channel's URL name; the lower-cased username when absent. */
	readonly slug?: string;
	/** The channel id, which differs from the user id (the chat socket's `channel.<id>`). */
	readonly channelId?: string | number;
	/** The chat socket's `chatrooms.<id>.v2`, different again. */
	readonly chatroomId?: string | number;
	readonly email?: string;
	readonly verified?: boolean;
	readonly isLive?: boolean;
	readonly streamTitle?: string;
	readonly category?: { readonly id: number; readonly name: string };
	readonly viewerCount?: number;
}

export interface KickStreamState {
	isLive: boolean;
	title: string;
	category: { readonly id: number; readonly name: string } | null;
	viewerCount: number;
	startedAt: Date | null;
}

export interface KickUserRecord {
	readonly userId: string;
	readonly username: string;
	readonly slug: string;
	readonly channelId: string;
	readonly chatroomId: string;
	readonly email: string;
	readonly verified: boolean;
	readonly profilePicture: string;
	/** Changed with `KickStandIn.setStream`. */
	readonly stream: KickStreamState;
}

const FIRST_USER_ID = 70_000_001;
const FIRST_CHANNEL_ID = 80_000_001;
const FIRST_CHATROOM_ID = 90_000_001;

/** The Kick users the stand-in knows, by username, id or slug (names compare case-insensitively, as on Kick). */
export class KickDirectory {
	private readonly users: KickUserRecord[] = [];

	public constructor(
		seeds: readonly KickUserSeed[],
		private readonly now: () => number
	) {
		for (const seed of seeds) this.add(seed);
	}

	public add(seed: KickUserSeed): KickUserRecord {
		if (this.find(seed.username)) throw new Error(`Kick user ${seed.username} is seeded twice`);
		const position = this.users.length;
		const isLive = seed.isLive ?? false;
		const user: KickUserRecord = {
			userId: String(seed.userId ?? FIRST_USER_ID + position),
			username: seed.username,
			slug: seed.slug ?? seed.username.toLowerCase(),
			channelId: String(seed.channelId ?? FIRST_CHANNEL_ID + position),
			chatroomId: String(seed.chatroomId ?? FIRST_CHATROOM_ID + position),
			email: seed.email ?? `${seed.username.toLowerCase()}@example.com`,
			verified: seed.verified ?? false,
			profilePicture: `https://files.kick.com/images/user/${seed.username.toLowerCase()}/profile_image.webp`,
			stream: {
				isLive,
				title: seed.streamTitle ?? '',
				category: seed.category ?? null,
				viewerCount: isLive ? (seed.viewerCount ?? 0) : 0,
				startedAt: isLive ? new Date(this.now()) : null
			}
		};
		if (!/^\d+$/.test(user.userId)) throw new Error(`Kick user ${seed.username}: userId ${user.userId} is not digits`);
		if (this.byId(user.userId)) throw new Error(`Kick user ${seed.username}: userId ${user.userId} is taken`);
		this.users.push(user);
		return user;
	}

	public all(): readonly KickUserRecord[] {
		return this.users;
	}

	/** By username, slug or user id. */
	public find(nameOrId: string): KickUserRecord | undefined {
		const lower = nameOrId.toLowerCase();
		return this.users.find((user) => user.username.toLowerCase() === lower || user.slug === lower || user.userId === nameOrId);
	}

	public byId(userId: string): KickUserRecord | undefined {
		return this.users.find((user) => user.userId === userId);
	}

	public bySlug(slug: string): KickUserRecord | undefined {
		const lower = slug.toLowerCase();
		return this.users.find((user) => user.slug === lower);
	}

	/** A seeded user; throws naming the known ones otherwise. */
	public get(nameOrId: string): KickUserRecord {
		const user = this.find(nameOrId);
		if (!user) throw new Error(`No Kick user ${nameOrId} in the stand-in (known: ${this.users.map((known) => known.username).join(', ') || 'none'})`);
		return user;
	}

	/** A known user, or a new viewer: chatters and followers need not be seeded one by one. */
	public getOrAddViewer(username: string): KickUserRecord {
		return this.find(username) ?? this.add({ username });
	}
}
