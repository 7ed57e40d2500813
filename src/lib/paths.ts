import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as dist/src/lib/paths.js. */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const compiledRoot = join(projectRoot, 'dist');
/** Where the core pieces (commands, listeners, ...) are loaded from. */
export const coreDirectory = join(compiledRoot, 'src');
/** Where plugin folders are discovered. */
export const pluginsDirectory = join(compiledRoot, 'plugins');
export const migrationsDirectory = join(projectRoot, 'prisma', 'migrations');

/** Turns a compiled path back into the source path a developer edits, for error messages. */
export function sourcePathOf(compiledPath: string): string {
	const relative = compiledPath.startsWith(compiledRoot) ? compiledPath.slice(compiledRoot.length + 1) : compiledPath;
	return relative.replace(/\.js$/, '.ts');
}
