import {
	ChannelType,
	GuildDefaultMessageNotifications,
	GuildExplicitContentFilter,
	GuildMFALevel,
	GuildNSFWLevel,
	GuildPremiumTier,
	GuildSystemChannelFlags,
	GuildVerificationLevel,
	Locale,
	OverwriteType,
	type APIGuild,
	type APIGuildMember,
	type APIInteractionGuildMember,
	type APIRole,
	type APIUser,
	type GatewayGuildCreateDispatchData,
	type GuildMemberFlags,
	type RoleFlags
} from 'discord-api-types/v10';
import { computePermissions, resolvePermissions, type ResolvedOverwrite } from './permissions.js';
import type { ChannelSeed, GuildSeed, MemberSeed, RoleSeed, SeededChannelType } from './seed.js';
import type { SnowflakeGenerator } from './snowflake.js';
import type { UserDirectory } from './UserDirectory.js';

/** What @everyone may do in a new Discord server, roughly. */
export const DEFAULT_EVERYONE_PERMISSIONS = resolvePermissions([
	'ViewChannel',
	'SendMessages',
	'SendMessagesInThreads',
	'ReadMessageHistory',
	'AddReactions',
	'EmbedLinks',
	'AttachFiles',
	'UseExternalEmojis',
	'UseApplicationCommands',
	'CreateInstantInvite',
	'ChangeNickname',
	'Connect',
	'Speak'
]);

/** What a typical invite link grants a bot through its managed role. */
export const DEFAULT_BOT_PERMISSIONS = resolvePermissions([
	'ViewChannel',
	'SendMessages',
	'SendMessagesInThreads',
	'EmbedLinks',
	'AttachFiles',
	'ReadMessageHistory',
	'AddReactions',
	'UseExternalEmojis',
	'ManageMessages',
	'ManageRoles'
]);

export interface RoleState {
	readonly id: string;
	name: string;
	permissions: bigint;
	position: number;
	color: number;
	hoist: boolean;
	mentionable: boolean;
	/** Set on the role Discord makes for a bot when it joins. */
	readonly botId?: string;
}

export interface ChannelState {
	readonly id: string;
	name: string;
	readonly type: SeededChannelType;
	readonly position: number;
	topic: string | null;
	overwrites: ResolvedOverwrite[];
}

export interface MemberState {
	readonly userId: string;
	nick: string | null;
	roleIds: string[];
	readonly joinedAt: string;
}

interface GuildStateDependencies {
	readonly users: UserDirectory;
	readonly snowflakes: SnowflakeGenerator;
	readonly botUser: APIUser;
}

/** One guild as Discord holds it: roles, channels and members (the bot's own included), with lookups by name. */
export class GuildState {
	public readonly roles = new Map<string, RoleState>();
	public readonly channels = new Map<string, ChannelState>();
	public readonly members = new Map<string, MemberState>();
	public readonly joinedAt = new Date().toISOString();
	public readonly ownerId: string;

	public constructor(
		public readonly id: string,
		public name: string,
		private readonly dependencies: GuildStateDependencies,
		seed: GuildSeed
	) {
		this.roles.set(id, this.makeRole({ id, name: '@everyone', permissions: seed.everyone ?? DEFAULT_EVERYONE_PERMISSIONS }, 0));
		(seed.roles ?? []).forEach((role, index) => this.addRole(role, index + 1));
		for (const member of seed.members ?? []) this.addMember(member);
		(seed.channels ?? []).forEach((channel, index) => this.addChannel(channel, index));
		const { botUser } = dependencies;
		const botRole = this.makeRole({ name: botUser.username, permissions: seed.bot?.permissions ?? DEFAULT_BOT_PERMISSIONS }, this.roles.size, botUser.id);
		this.roles.set(botRole.id, botRole);
		this.members.set(botUser.id, {
			userId: botUser.id,
			nick: seed.bot?.nick ?? null,
			roleIds: [botRole.id, ...(seed.bot?.roles ?? []).map((name) => this.role(name).id)],
			joinedAt: this.joinedAt
		});
		for (const role of seed.roles ?? []) if (role.aboveBot === true) this.moveToTop(this.role(role.id ?? role.name));
		this.ownerId = this.resolveOwner(seed.owner);
	}

	public static fromSeed(seed: GuildSeed, dependencies: GuildStateDependencies): GuildState {
		return new GuildState(seed.id ?? dependencies.snowflakes.next(), seed.name, dependencies, seed);
	}

	public get everyoneRole(): RoleState {
		return this.roles.get(this.id)!;
	}

	/** A role by name or id; '@everyone' works too. */
	public role(nameOrId: string): RoleState {
		const role = this.findRole(nameOrId);
		if (!role) throw new Error(`Guild '${this.name}' has no role '${nameOrId}' (roles: ${[...this.roles.values()].map((known) => known.name).join(', ')})`);
		return role;
	}

	public findRole(nameOrId: string): RoleState | undefined {
		return this.roles.get(nameOrId) ?? [...this.roles.values()].find((role) => role.name === nameOrId);
	}

	public channel(nameOrId: string): ChannelState {
		const channel = this.channels.get(nameOrId) ?? [...this.channels.values()].find((known) => known.name === nameOrId);
		if (!channel)
			throw new Error(
				`Guild '${this.name}' has no channel '${nameOrId}' (channels: ${[...this.channels.values()].map((known) => known.name).join(', ')})`
			);
		return channel;
	}

	/** The first text channel, where helpers post when a test names none. */
	public defaultTextChannel(): ChannelState {
		const channel = [...this.channels.values()].find((known) => known.type === ChannelType.GuildText);
		if (!channel) throw new Error(`Guild '${this.name}' has no text channel`);
		return channel;
	}

	/** A member by username or user id. */
	public member(usernameOrId: string): MemberState {
		const member = this.findMember(usernameOrId);
		if (!member) {
			const known = [...this.members.keys()].map((userId) => this.dependencies.users.get(userId)?.username ?? userId);
			throw new Error(`Guild '${this.name}' has no member '${usernameOrId}' (members: ${known.join(', ')})`);
		}
		return member;
	}

	public findMember(usernameOrId: string): MemberState | undefined {
		const direct = this.members.get(usernameOrId);
		if (direct) return direct;
		for (const member of this.members.values()) if (this.user(member.userId).username === usernameOrId) return member;
		return undefined;
	}

	public get botMember(): MemberState {
		return this.members.get(this.dependencies.botUser.id)!;
	}

	public user(userId: string): APIUser {
		const user = this.dependencies.users.get(userId);
		if (!user) throw new Error(`Unknown user ${userId}`);
		return user;
	}

	/** Adds a role at a position (roles at or above it move up); new roles go to the bottom as on Discord. */
	public addRole(seed: RoleSeed, position = 1): RoleState {
		for (const role of this.roles.values()) if (role.position >= position && role.id !== this.id) role.position += 1;
		const role = this.makeRole(seed, position);
		this.roles.set(role.id, role);
		return role;
	}

	public addMember(seed: MemberSeed): MemberState {
		const user = this.dependencies.users.ensure(seed);
		const roleIds = (seed.roles ?? []).map((name) => this.role(name).id);
		if (seed.permissions !== undefined) roleIds.push(this.addRole({ name: `@${user.username}`, permissions: seed.permissions }).id);
		const member: MemberState = { userId: user.id, nick: seed.nick ?? null, roleIds, joinedAt: new Date().toISOString() };
		this.members.set(user.id, member);
		return member;
	}

	public addChannel(seed: ChannelSeed, position = this.channels.size): ChannelState {
		const channel: ChannelState = {
			id: seed.id ?? this.dependencies.snowflakes.next(),
			name: seed.name,
			type: seed.type ?? ChannelType.GuildText,
			position,
			topic: seed.topic ?? null,
			overwrites: (seed.overwrites ?? []).map((overwrite) => {
				const target =
					overwrite.member === undefined
						? { id: this.role(overwrite.role ?? '@everyone').id, type: 0 as const }
						: { id: this.member(overwrite.member).userId, type: 1 as const };
				return { ...target, allow: resolvePermissions(overwrite.allow), deny: resolvePermissions(overwrite.deny) };
			})
		};
		this.channels.set(channel.id, channel);
		return channel;
	}

	/** The member's permissions in the guild, or in a channel when one is given (overwrites applied). */
	public permissionsOf(userId: string, channelId?: string): bigint {
		const member = this.members.get(userId);
		if (!member) throw new Error(`User ${userId} is not a member of guild '${this.name}'`);
		const roles = member.roleIds.map((roleId) => this.roles.get(roleId)).filter((role) => role !== undefined);
		return computePermissions({
			guildId: this.id,
			isOwner: userId === this.ownerId,
			everyone: this.everyoneRole.permissions,
			rolePermissions: roles.map((role) => role.permissions),
			memberRoleIds: member.roleIds,
			memberId: userId,
			overwrites: channelId === undefined ? [] : this.channels.get(channelId)?.overwrites
		});
	}

	public highestRolePosition(userId: string): number {
		const member = this.members.get(userId);
		return Math.max(0, ...(member?.roleIds ?? []).map((roleId) => this.roles.get(roleId)?.position ?? 0));
	}

	public toApiRole(role: RoleState): APIRole {
		return {
			id: role.id,
			name: role.name,
			color: role.color,
			colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
			hoist: role.hoist,
			icon: null,
			unicode_emoji: null,
			position: role.position,
			permissions: role.permissions.toString(),
			managed: role.botId !== undefined,
			mentionable: role.mentionable,
			flags: 0 as RoleFlags,
			...(role.botId === undefined ? {} : { tags: { bot_id: role.botId } })
		};
	}

	public toApiChannel(channel: ChannelState) {
		return {
			id: channel.id,
			type: channel.type,
			guild_id: this.id,
			name: channel.name,
			position: channel.position,
			permission_overwrites: channel.overwrites.map((overwrite) => ({
				id: overwrite.id,
				type: overwrite.type === 0 ? OverwriteType.Role : OverwriteType.Member,
				allow: overwrite.allow.toString(),
				deny: overwrite.deny.toString()
			})),
			parent_id: null,
			nsfw: false,
			flags: 0,
			...(channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement
				? { topic: channel.topic, last_message_id: null, rate_limit_per_user: 0 }
				: {}),
			...(channel.type === ChannelType.GuildVoice
				? { bitrate: 64_000, user_limit: 0, rtc_region: null, last_message_id: null, rate_limit_per_user: 0 }
				: {})
		};
	}

	public toApiMember(userId: string): APIGuildMember {
		const member = this.members.get(userId);
		if (!member) throw new Error(`User ${userId} is not a member of guild '${this.name}'`);
		return {
			user: this.user(userId),
			nick: member.nick,
			avatar: null,
			banner: null,
			roles: [...member.roleIds],
			joined_at: member.joinedAt,
			premium_since: null,
			deaf: false,
			mute: false,
			flags: 0 as GuildMemberFlags,
			pending: false,
			communication_disabled_until: null
		};
	}

	/** The member as an interaction carries it: with permissions in the channel the interaction came from. */
	public toInteractionMember(userId: string, channelId: string): APIInteractionGuildMember {
		return { ...this.toApiMember(userId), user: this.user(userId), permissions: this.permissionsOf(userId, channelId).toString() };
	}

	public toApiGuild(): APIGuild {
		return {
			id: this.id,
			name: this.name,
			icon: null,
			splash: null,
			discovery_splash: null,
			banner: null,
			description: null,
			owner_id: this.ownerId,
			afk_channel_id: null,
			afk_timeout: 300,
			verification_level: GuildVerificationLevel.None,
			default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
			explicit_content_filter: GuildExplicitContentFilter.Disabled,
			roles: [...this.roles.values()].map((role) => this.toApiRole(role)),
			emojis: [],
			stickers: [],
			features: [],
			mfa_level: GuildMFALevel.None,
			application_id: null,
			system_channel_id: null,
			system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
			rules_channel_id: null,
			max_members: 500_000,
			vanity_url_code: null,
			premium_tier: GuildPremiumTier.None,
			premium_subscription_count: 0,
			preferred_locale: Locale.EnglishUS,
			public_updates_channel_id: null,
			nsfw_level: GuildNSFWLevel.Default,
			premium_progress_bar_enabled: false,
			hub_type: null,
			safety_alerts_channel_id: null,
			incidents_data: null
		};
	}

	/** The complete GUILD_CREATE payload discord.js needs to cache the guild. */
	public toGuildCreate(): GatewayGuildCreateDispatchData {
		return {
			...this.toApiGuild(),
			joined_at: this.joinedAt,
			large: false,
			unavailable: false,
			member_count: this.members.size,
			voice_states: [],
			members: [...this.members.keys()].map((userId) => this.toApiMember(userId)),
			channels: [...this.channels.values()].map((channel) => this.toApiChannel(channel)) as GatewayGuildCreateDispatchData['channels'],
			threads: [],
			presences: [],
			stage_instances: [],
			guild_scheduled_events: [],
			soundboard_sounds: []
		};
	}

	/** Moves a role above every other (the roles above it move down one). */
	private moveToTop(moved: RoleState): void {
		for (const role of this.roles.values()) if (role.position > moved.position) role.position -= 1;
		moved.position = this.roles.size - 1;
	}

	private makeRole(seed: RoleSeed, position: number, botId?: string): RoleState {
		return {
			id: seed.id ?? this.dependencies.snowflakes.next(),
			name: seed.name,
			permissions: resolvePermissions(seed.permissions),
			position,
			color: seed.color ?? 0,
			hoist: seed.hoist ?? false,
			mentionable: seed.mentionable ?? false,
			...(botId === undefined ? {} : { botId })
		};
	}

	private resolveOwner(owner: string | undefined): string {
		if (owner !== undefined) return this.member(owner).userId;
		const first = [...this.members.keys()].find((userId) => userId !== this.dependencies.botUser.id);
		return first ?? this.addMember({ username: `${this.name.toLowerCase().replace(/\W+/g, '-')}-owner` }).userId;
	}
}
