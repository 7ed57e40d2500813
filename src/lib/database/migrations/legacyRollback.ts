import type { MigrationFile } from '#lib/database/migrations/MigrationFiles';

/**
 * The first line of a plugin's migration: `-- Plugin <name>: adds only its own tables …`. A plugin
 * owns only its own tables and writes them to be applied again, so the legacy rollback takes such
 * a migration along without the core listing it.
 */
const PLUGIN_MIGRATION = /^-- Plugin ([a-z0-9]+(?:-[a-z0-9]+)*): adds only its own tables/;

/** Where the rollback script takes the plugins' migrations along (a comment, so psql alone skips it). */
const PLUGIN_MIGRATIONS_PLACEHOLDER = "-- The plugins' migrations are taken along here by npm run db:rollback-legacy.";

/** The plugin a migration belongs to, from its first line; null for the core's. */
export function pluginOfMigration(migration: MigrationFile): string | null {
	return PLUGIN_MIGRATION.exec(migration.script)?.[1] ?? null;
}

/** The rollback script with every shipped plugin migration added to what it takes along. */
export function legacyRollbackScript(script: string, migrations: readonly MigrationFile[]): string {
	if (!script.includes(PLUGIN_MIGRATIONS_PLACEHOLDER)) throw new Error('The legacy rollback script has no place for the plugins’ migrations.');
	const plugins = migrations.filter((migration) => pluginOfMigration(migration) !== null);
	const insert = plugins.length === 0 ? '' : `INSERT INTO rolled_back_with_upgrade VALUES ${plugins.map((migration) => `('${migration.name}')`).join(', ')};`;
	return script.replace(PLUGIN_MIGRATIONS_PLACEHOLDER, insert);
}
