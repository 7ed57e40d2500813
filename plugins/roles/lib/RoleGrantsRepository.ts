import { GuildRepository } from '#core';

/** Why the bot gives a role: the linked role, the subscriber role, or a watch-time tier's. */
export type GrantKind = 'linked' | 'subscriber' | 'tier';

/** A role the bot gave a member (or found them holding when they qualified), and why. */
export interface RoleGrant {
	readonly memberId: string;
	readonly roleId: string;
	readonly kind: GrantKind;
}

interface GrantRow {
	memberId: bigint;
	roleId: bigint;
	kind: GrantKind;
}

/**
 * What the bot gave in this server: the only roles it ever takes back. Also the linked members
 * Discord said are not in the server, so a sync does not ask about them again for a while.
 */
export class RoleGrantsRepository extends GuildRepository {
	/** Every grant of this server, by member then role. */
	public async all(): Promise<RoleGrant[]> {
		const rows = await this.client.$queryRaw<GrantRow[]>`
			SELECT discord_id AS "memberId", role_id AS "roleId", kind FROM role_grants WHERE discord_server_id = ${this.guildId} ORDER BY discord_id, role_id`;
		return rows.map(toGrant);
	}

	public async ofMember(memberId: string): Promise<RoleGrant[]> {
		const rows = await this.client.$queryRaw<GrantRow[]>`
			SELECT discord_id AS "memberId", role_id AS "roleId", kind FROM role_grants
			WHERE discord_server_id = ${this.guildId} AND discord_id = ${BigInt(memberId)} ORDER BY role_id`;
		return rows.map(toGrant);
	}

	/** Records a grant (again: its kind becomes this one, its time stays). */
	public async record(grant: RoleGrant): Promise<void> {
		await this.client.$executeRaw`
			INSERT INTO role_grants (discord_server_id, discord_id, role_id, kind) VALUES (${this.guildId}, ${BigInt(grant.memberId)}, ${BigInt(grant.roleId)}, ${grant.kind})
			ON CONFLICT (discord_server_id, discord_id, role_id) DO UPDATE SET kind = EXCLUDED.kind`;
	}

	/** Forgets a grant (the role was taken back); false when there was none. */
	public async forget(memberId: string, roleId: string): Promise<boolean> {
		const removed = await this.client.$executeRaw`
			DELETE FROM role_grants WHERE discord_server_id = ${this.guildId} AND discord_id = ${BigInt(memberId)} AND role_id = ${BigInt(roleId)}`;
		return removed > 0;
	}

	/** A member Discord says is not in the server: their grants went with them; not asked about again until `noteAbsent`'s time is a day old. */
	public async noteAbsent(memberId: string, at: Date): Promise<void> {
		await this.scope.transaction(async (client) => {
			await client.$executeRaw`DELETE FROM role_grants WHERE discord_server_id = ${this.guildId} AND discord_id = ${BigInt(memberId)}`;
			await client.$executeRaw`
				INSERT INTO role_absent_members (discord_server_id, discord_id, noted_at) VALUES (${this.guildId}, ${BigInt(memberId)}, ${at})
				ON CONFLICT (discord_server_id, discord_id) DO UPDATE SET noted_at = EXCLUDED.noted_at`;
		});
	}

	/** The members noted absent after `since`. */
	public async absentSince(since: Date): Promise<Set<string>> {
		const rows = await this.client.$queryRaw<{ memberId: bigint }[]>`
			SELECT discord_id AS "memberId" FROM role_absent_members WHERE discord_server_id = ${this.guildId} AND noted_at > ${since}`;
		return new Set(rows.map((row) => row.memberId.toString()));
	}

	/** The member was found in the server (or acted in it): no longer absent. */
	public async clearAbsent(memberId: string): Promise<void> {
		await this.client.$executeRaw`DELETE FROM role_absent_members WHERE discord_server_id = ${this.guildId} AND discord_id = ${BigInt(memberId)}`;
	}
}

function toGrant(row: GrantRow): RoleGrant {
	return { memberId: row.memberId.toString(), roleId: row.roleId.toString(), kind: row.kind };
}
