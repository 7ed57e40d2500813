import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MigrationFile {
	/** The folder name, `<timestamp>_<name>`: what `_prisma_migrations.migration_name` records. */
	readonly name: string;
	readonly script: string;
	/** SHA-256 hex of migration.sql, as Prisma records it. */
	readonly checksum: string;
}

/** Reads `prisma/migrations/<name>/migration.sql` in name order (Prisma's layout and order). */
export function readMigrationFiles(directory: string): MigrationFile[] {
	return readdirSync(directory, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, 'migration.sql')))
		.map((entry) => entry.name)
		.sort()
		.map((name) => {
			const script = readFileSync(join(directory, name, 'migration.sql'), 'utf8');
			return { name, script, checksum: checksumOf(script) };
		});
}

export function checksumOf(script: string): string {
	return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * Whether a script matches a recorded checksum the way Prisma's schema engine decides it:
 * the script as is, with CRLF turned into LF, or with LF turned into CRLF (git may change
 * line endings on checkout).
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
	return [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\r\n', '\n').replaceAll('\n', '\r\n')].some(
		(variant) => checksumOf(variant) === checksum
	);
}
