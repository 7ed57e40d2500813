import { Database } from '#lib/database/Database';
import type { RepositoryClass } from '#lib/database/GuildRepositories';
import { countingConnection } from '#test/helpers/countingConnection';

/**
 * A second client of a test's migrated database whose SQL statements are counted, with the given
 * repositories: for a plugin's tests, which cannot build a Database themselves. Its pool ends when
 * the test database is dropped.
 */
export function countedDatabase(
	database: Database,
	repositories: ReadonlyMap<string, RepositoryClass>
): { readonly database: Database; readonly statements: string[] } {
	const counter = countingConnection(database.connection);
	return { database: new Database(counter.connection, { repositories }), statements: counter.statements };
}
