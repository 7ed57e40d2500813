import { GuildRepository, Prisma, type RoleChangeProblem } from '#core';

/** A role the bot could not give or take in this server, and whether the moderators were told. */
export interface RoleProblemRecord {
	readonly roleId: string;
	readonly problem: RoleChangeProblem;
	readonly notedAt: Date;
	readonly reportedAt: Date | null;
	/** Null: tried again as soon as the bot's cache no longer shows the problem; else not before this time. */
	readonly probeAfter: Date | null;
}

interface ProblemRow {
	roleId: bigint;
	problem: RoleChangeProblem;
	notedAt: Date;
	reportedAt: Date | null;
	probeAfter: Date | null;
}

const COLUMNS = Prisma.raw('role_id AS "roleId", problem, noted_at AS "notedAt", reported_at AS "reportedAt", probe_after AS "probeAfter"');

/**
 * This server's roles the bot cannot manage. A role keeps one record while its problem lasts:
 * noting the same problem again changes nothing (so it is told once), another problem starts a new one.
 */
export class RoleProblemsRepository extends GuildRepository {
	public async all(): Promise<RoleProblemRecord[]> {
		const rows = await this.client.$queryRaw<ProblemRow[]>`
			SELECT ${COLUMNS} FROM role_problems WHERE discord_server_id = ${this.guildId} ORDER BY noted_at, role_id`;
		return rows.map(toRecord);
	}

	/**
	 * Notes a role's problem and returns its record: the same problem again keeps its record (told
	 * or not), another one replaces it, untold. `probeAfter` is when to try the role again.
	 */
	public async note(roleId: string, problem: RoleChangeProblem, at: Date, probeAfter: Date | null): Promise<RoleProblemRecord> {
		const rows = await this.client.$queryRaw<ProblemRow[]>`
			INSERT INTO role_problems AS known (discord_server_id, role_id, problem, noted_at, reported_at, probe_after)
			VALUES (${this.guildId}, ${BigInt(roleId)}, ${problem}, ${at}, NULL, ${probeAfter})
			ON CONFLICT (discord_server_id, role_id) DO UPDATE SET
				problem = EXCLUDED.problem,
				noted_at = CASE WHEN known.problem = EXCLUDED.problem THEN known.noted_at ELSE EXCLUDED.noted_at END,
				reported_at = CASE WHEN known.problem = EXCLUDED.problem THEN known.reported_at END,
				probe_after = EXCLUDED.probe_after
			RETURNING ${COLUMNS}`;
		return toRecord(rows[0]!);
	}

	/** The moderators were told about these roles' problems (as noted at those times: a problem noted since stays untold). */
	public async markReported(problems: readonly Pick<RoleProblemRecord, 'roleId' | 'notedAt'>[], at: Date): Promise<void> {
		if (problems.length === 0) return;
		await this.client.$executeRaw`
			UPDATE role_problems SET reported_at = ${at}
			FROM unnest(${problems.map((problem) => BigInt(problem.roleId))}::bigint[], ${problems.map((problem) => problem.notedAt)}::timestamptz[]) AS told(role_id, noted_at)
			WHERE role_problems.discord_server_id = ${this.guildId} AND role_problems.role_id = told.role_id AND role_problems.noted_at = told.noted_at`;
	}

	/** The role works again (or is no longer used): its problem is forgotten; false when it had none. */
	public async clear(roleId: string): Promise<boolean> {
		const removed = await this.client.$executeRaw`DELETE FROM role_problems WHERE discord_server_id = ${this.guildId} AND role_id = ${BigInt(roleId)}`;
		return removed > 0;
	}

	/** Forgets the problems of roles the server no longer uses; how many. */
	public async clearAllBut(roleIds: readonly string[]): Promise<number> {
		return this.client.$executeRaw`
			DELETE FROM role_problems WHERE discord_server_id = ${this.guildId} AND NOT (role_id = ANY(${roleIds.map((roleId) => BigInt(roleId))}::bigint[]))`;
	}

	/** Every problem role is tried again on the next sync where the bot's cache no longer shows the problem (a moderator asked). */
	public async probeAllSoon(): Promise<number> {
		return this.client.$executeRaw`UPDATE role_problems SET probe_after = NULL WHERE discord_server_id = ${this.guildId} AND probe_after IS NOT NULL`;
	}
}

function toRecord(row: ProblemRow): RoleProblemRecord {
	return { roleId: row.roleId.toString(), problem: row.problem, notedAt: row.notedAt, reportedAt: row.reportedAt, probeAfter: row.probeAfter };
}
