import { PermissionFlagsBits } from 'discord-api-types/v10';

export type PermissionName = keyof typeof PermissionFlagsBits;

/** Permissions as a seed may give them: a bitfield (bigint or decimal string) or a list of flag names. */
export type PermissionsInput = bigint | string | readonly PermissionName[];

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

export function resolvePermissions(input: PermissionsInput | undefined): bigint {
	if (input === undefined) return 0n;
	if (typeof input === 'bigint') return input;
	if (typeof input === 'string') return BigInt(input);
	return input.reduce((all, name) => {
		const bit = PermissionFlagsBits[name];
		if (bit === undefined) throw new Error(`Unknown permission name '${name}'`);
		return all | bit;
	}, 0n);
}

export function hasPermission(permissions: bigint, bit: bigint): boolean {
	return (permissions & PermissionFlagsBits.Administrator) !== 0n || (permissions & bit) === bit;
}

/** One permission overwrite of a channel, already resolved to ids and bitfields. */
export interface ResolvedOverwrite {
	readonly id: string;
	/** 0 for a role, 1 for a member, as the API encodes it. */
	readonly type: 0 | 1;
	readonly allow: bigint;
	readonly deny: bigint;
}

/**
 * Discord's permission algorithm: guild-level permissions from @everyone and the member's roles,
 * then the channel's overwrites in order @everyone, roles, member. Owners and administrators get all.
 */
export function computePermissions(options: {
	readonly guildId: string;
	readonly isOwner: boolean;
	readonly everyone: bigint;
	readonly rolePermissions: readonly bigint[];
	readonly memberRoleIds: readonly string[];
	readonly memberId: string;
	readonly overwrites?: readonly ResolvedOverwrite[];
}): bigint {
	if (options.isOwner) return ALL_PERMISSIONS;
	let permissions = options.rolePermissions.reduce((all, bits) => all | bits, options.everyone);
	if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
	const overwrites = options.overwrites ?? [];
	const everyoneOverwrite = overwrites.find((overwrite) => overwrite.id === options.guildId);
	if (everyoneOverwrite) permissions = (permissions & ~everyoneOverwrite.deny) | everyoneOverwrite.allow;
	let allow = 0n;
	let deny = 0n;
	for (const overwrite of overwrites) {
		if (overwrite.type === 0 && options.memberRoleIds.includes(overwrite.id)) {
			allow |= overwrite.allow;
			deny |= overwrite.deny;
		}
	}
	permissions = (permissions & ~deny) | allow;
	const memberOverwrite = overwrites.find((overwrite) => overwrite.type === 1 && overwrite.id === options.memberId);
	if (memberOverwrite) permissions = (permissions & ~memberOverwrite.deny) | memberOverwrite.allow;
	return permissions;
}
