import { expect } from 'chai';
import * as fc from 'fast-check';
import type { Database } from '#lib/database/Database';
import type { GuildRepositories, RepositoryClass } from '#lib/database/GuildRepositories';
import type { KeyValueSettingsRepository } from '#lib/database/repositories/KeyValueSettingsRepository';
import { deleteRows, openMigratedDatabase, postgresEngine, type MigratedDatabase } from '#test/helpers/databases';

/*
 * Model-based isolation tests: random sequences of repository calls for three servers run
 * against one PostgreSQL database and against an in-memory model per server. Every call's
 * answer must be the model's, and at the end each server's repositories must report exactly
 * its model (so nothing of the other servers), and every table with a server column must hold
 * exactly the rows the models account for. The value domains are small and shared by the
 * servers (the same Kick names, command names, Discord ids), and ids are picked from the rows
 * of every server, so most id-based calls aim at another server's row.
 *
 * The core and each plugin describe their repositories' calls with `describeIsolation`; this
 * module runs them.
 */

export const GUILDS = [100000000000000001n, 100000000000000002n, 100000000000000003n] as const;
/** An id no row has: the largest INTEGER, which a test's ids never reach. */
export const MISSING_ID = 2_147_483_647;
/** The time the runs' calls happen around. */
export const T0 = Date.UTC(2030, 0, 1);

/** Kick names every server uses (two differ only in case). */
export const USERS = ['bob', 'Bob', 'alice', 'carol'] as const;

export const guild = fc.integer({ min: 0, max: GUILDS.length - 1 });
/** A row of the run, picked through `IsolationWorld.pick`. */
export const rowReference = fc.nat({ max: 15 });
export const user = fc.constantFrom(...USERS);
export const amount = fc.integer({ min: 1, max: 40 });
export const text = fc.constantFrom('one', 'two', 'Three words', 'ü ñ 🎲');

/** Random sequences per suite, and how long. */
const RANDOM_RUNS = 20;
const RANDOM_LENGTH = { minLength: 5, maxLength: 30 };
/** Mirrored sequences per suite (each call made for every server in turn), and how many distinct calls. */
const MIRRORED_RUNS = 8;
const MIRRORED_LENGTH = { minLength: 2, maxLength: 8 };

/** A repository call for one server: `g` is its index in GUILDS. */
export interface GuildCall {
	readonly g: number;
}

/** The models of every server and the repositories of each, and every id handed out in this run (of any server). */
export class IsolationWorld<Model> {
	public readonly models: readonly Model[];
	private readonly ids = new Map<string, number[]>();

	public constructor(
		private readonly repositories: readonly GuildRepositories[],
		emptyModel: () => Model
	) {
		this.models = repositories.map(emptyModel);
	}

	public model(index: number): Model {
		return this.models[index]!;
	}

	public repositoriesOf(index: number): GuildRepositories {
		return this.repositories[index]!;
	}

	/** Records the id of a new row of that kind: no row of any server had it before in this run. */
	public created(kind: string, id: number): void {
		const ids = this.idsOf(kind);
		expect(ids, `the new ${kind} id ${id}`).to.not.include(id);
		ids.push(id);
	}

	/** Every id of that kind handed out in this run, any server's (deleted ones too). */
	public idsOf(kind: string): number[] {
		let ids = this.ids.get(kind);
		if (ids === undefined) this.ids.set(kind, (ids = []));
		return ids;
	}

	/** One id of the run's rows of that kind, any server's (deleted ones too), or an id no row has. */
	public pick(kind: string, reference: number): number {
		const ids = this.idsOf(kind);
		return ids[reference % (ids.length + 1)] ?? MISSING_ID;
	}

	/** The server other than `caller` whose model holds the row, if any: a call of `caller` that named it must leave it as it was. */
	public otherOwner(caller: number, holds: (model: Model) => boolean): number | undefined {
		const owner = this.models.findIndex(holds);
		return owner === -1 || owner === caller ? undefined : owner;
	}
}

/** What an isolation suite runs: a set of repositories, the calls on them, and the model that predicts their answers. */
export interface IsolationSuite<Model, Call extends GuildCall> {
	/** What the suite covers, for its title. */
	readonly subject: string;
	/** The plugin repositories on top of the core's: a plugin's own only. */
	readonly repositories: ReadonlyMap<string, RepositoryClass>;
	/** The tables the calls write, emptied before each run in this order (a table whose rows reference another's first). */
	readonly tables: readonly string[];
	readonly emptyModel: () => Model;
	readonly call: fc.Arbitrary<Call>;
	/** Runs one call on the real repositories and on the model; the answers must agree. */
	apply(world: IsolationWorld<Model>, call: Call): Promise<void>;
	/** Server `index`'s repositories report exactly its model. */
	expectMatchesModel(world: IsolationWorld<Model>, index: number): Promise<void>;
	/** The rows a server with this model has, per table; every other table with a server column must hold none of its rows. */
	rowsOf(model: Model): Readonly<Record<string, number>>;
}

/** Registers the suite's two properties: random sequences of calls, and the same calls made for every server in turn. */
export function describeIsolation<Model, Call extends GuildCall>(suite: IsolationSuite<Model, Call>): void {
	describe(`Guild isolation, model-based: ${suite.subject} (postgres)`, function () {
		this.timeout(180_000);
		let migrated: MigratedDatabase;
		let database: Database;
		/** Counts the rows per server of the suite's tables. */
		let countOwnRows: string;
		/** Counts the rows per server of every other table with a server column. */
		let countOtherRows: string;

		before(async () => {
			migrated = await openMigratedDatabase(postgresEngine, `isolation_${suite.subject}`, suite.repositories);
			database = migrated.database;
			const others = (await tablesWithServerColumn(database)).filter((table) => !suite.tables.includes(table));
			countOwnRows = rowsPerServerQuery(suite.tables);
			countOtherRows = rowsPerServerQuery(others);
		});
		after(() => migrated?.close());

		async function run(calls: readonly Call[]): Promise<void> {
			await deleteRows(database, suite.tables);
			const world = new IsolationWorld(
				GUILDS.map((guildId) => database.forGuild(guildId)),
				suite.emptyModel
			);
			for (const [step, call] of calls.entries()) {
				try {
					await suite.apply(world, call);
				} catch (error) {
					if (error instanceof Error) error.message = `step ${step} ${fc.stringify(call)}: ${error.message}`;
					throw error;
				}
			}
			await Promise.all(GUILDS.map((_, index) => suite.expectMatchesModel(world, index)));
			await expectRowsPerServer(
				database,
				countOwnRows,
				world.models.map((model) => suite.rowsOf(model))
			);
		}

		/** No call of the suite wrote a row into a table it does not own (such rows stay: the runs empty only the suite's tables). */
		function expectNoRowsElsewhere(): Promise<void> {
			return expectRowsPerServer(database, countOtherRows, []);
		}

		it('keeps every server’s rows to itself over random sequences of repository calls', async () => {
			await fc.assert(
				fc.asyncProperty(fc.array(suite.call, RANDOM_LENGTH), (calls) => run(calls)),
				{ numRuns: RANDOM_RUNS }
			);
			await expectNoRowsElsewhere();
		});

		it('keeps apart servers that use the same names and ids, when their calls interleave', async () => {
			// The same call made for every server in turn: maximal collisions of names and ids.
			const mirrored = fc.array(suite.call, MIRRORED_LENGTH).map((calls) => calls.flatMap((call) => GUILDS.map((_, index) => ({ ...call, g: index }))));
			await fc.assert(
				fc.asyncProperty(mirrored, (calls) => run(calls)),
				{ numRuns: MIRRORED_RUNS }
			);
			await expectNoRowsElsewhere();
		});
	});
}

/** Every table with a server column, whoever owns it. */
async function tablesWithServerColumn(database: Database): Promise<string[]> {
	const session = await database.connection.openSession();
	try {
		const tables = await session.query<{ name: string }>(
			`SELECT columns.table_name AS name FROM information_schema.columns
			 JOIN information_schema.tables USING (table_schema, table_name)
			 WHERE columns.table_schema = current_schema() AND columns.column_name = 'discord_server_id' AND tables.table_type = 'BASE TABLE'
			 ORDER BY 1`
		);
		return tables.map(({ name }) => name);
	} finally {
		await session.release();
	}
}

/** One statement that counts the rows per server of these tables. */
function rowsPerServerQuery(tables: readonly string[]): string {
	return tables
		.map((table) => `SELECT '${table}' AS "table", discord_server_id::text AS guild, count(*)::int AS rows FROM ${table} GROUP BY 2`)
		.join('\nUNION ALL ');
}

/** Row counts per table and server in the database equal the models' (no row under a server nobody asked about). */
async function expectRowsPerServer(database: Database, countRows: string, rowsPerServer: readonly Readonly<Record<string, number>>[]): Promise<void> {
	const expected: Record<string, Record<string, number>> = {};
	rowsPerServer.forEach((tables, index) => {
		for (const [table, rows] of Object.entries(tables)) if (rows > 0) (expected[table] ??= {})[String(GUILDS[index])] = rows;
	});
	const session = await database.connection.openSession();
	try {
		const actual: Record<string, Record<string, number>> = {};
		for (const row of await session.query<{ table: string; guild: string; rows: number }>(countRows)) (actual[row.table] ??= {})[row.guild] = row.rows;
		expect(actual, 'rows per table and server').to.deep.equal(expected);
	} finally {
		await session.release();
	}
}

/** Calls on a key-value settings repository (the core's bot settings, a plugin's settings table of that shape). */
export type SettingsCall = { kind: 'setSetting'; g: number; key: string; value: string } | { kind: 'deleteSetting'; g: number; key: string };

/** Settings calls on a few keys every server uses. */
export function settingsCall(keys: readonly string[]): fc.Arbitrary<SettingsCall> {
	const key = fc.constantFrom(...keys);
	return fc.oneof(
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('setSetting' as const), g: guild, key, value: text }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteSetting' as const), g: guild, key }) }
	);
}

/** Runs a settings call on the repository and on its model (key → value). */
export async function applySettingsCall(repository: KeyValueSettingsRepository, model: Map<string, string>, call: SettingsCall): Promise<void> {
	if (call.kind === 'setSetting') {
		model.set(call.key, call.value);
		await repository.set({ [call.key]: call.value });
		expect(await repository.get(call.key)).to.equal(call.value);
		return;
	}
	const had = model.delete(call.key);
	expect(await repository.delete(call.key)).to.equal(had);
}

/** The repository holds exactly the model's settings. */
export async function expectSettingsMatch(repository: KeyValueSettingsRepository, model: ReadonlyMap<string, string>, where: string): Promise<void> {
	expect(Object.fromEntries(await repository.all()), where).to.deep.equal(Object.fromEntries(model));
}
