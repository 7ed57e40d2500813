import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { StartupError } from '#lib/startup/StartupError';

/** What a lock file says about the process holding the database. */
interface LockHolder {
	readonly pid: number;
	readonly command: string;
}

/** Lock files this process holds: a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * A lock file next to the embedded database naming the process that has it open. PGlite takes no
 * lock of its own, and two processes writing one data folder corrupt it. A lock whose process is
 * gone (killed, crashed) is taken over.
 */
export class EmbeddedDatabaseLock {
	private released = false;
	private readonly releaseAtExit = () => this.release();

	private constructor(private readonly path: string) {
		heldHere.add(path);
		// A tool that ends with process.exit() never closes the database; its lock goes with it all the same.
		process.once('exit', this.releaseAtExit);
	}

	/**
	 * Takes the lock at `path` for the database in `location`.
	 * @throws {StartupError} naming the process that holds it, and what to do.
	 */
	public static acquire(path: string, location: string): EmbeddedDatabaseLock {
		const text = `${JSON.stringify({ pid: process.pid, command: process.argv.slice(1).join(' ') })}\n`;
		// Written aside, then linked into place: the lock appears complete or not at all, and only if absent.
		const staged = `${path}.${process.pid}`;
		writeFileSync(staged, text);
		try {
			for (let attempt = 0; attempt < 2; attempt += 1) {
				try {
					linkSync(staged, path);
					return new EmbeddedDatabaseLock(path);
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
				}
				const found = readLock(path);
				const holder = parseHolder(found);
				if (holder !== undefined && isHeld(holder, path)) throw inUse(holder, path, location);
				if (found !== undefined) removeIfUnchanged(path, found);
			}
			const holder = parseHolder(readLock(path));
			throw holder === undefined
				? new StartupError(`The embedded database in ${location} is being opened by another process; try again.`)
				: inUse(holder, path, location);
		} finally {
			unlinkSync(staged);
		}
	}

	/** Removes the lock file, once; safe to call again. */
	public release(): void {
		if (this.released) return;
		this.released = true;
		heldHere.delete(this.path);
		process.off('exit', this.releaseAtExit);
		if (parseHolder(readLock(this.path))?.pid === process.pid) unlinkSync(this.path);
	}
}

/** The lock file's text; undefined when there is none. */
function readLock(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** Removes the lock judged stale, not one another process took over meanwhile. */
function removeIfUnchanged(path: string, stale: string): void {
	if (readLock(path) !== stale) return;
	try {
		unlinkSync(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

/** The holder a lock names; undefined for text that is not a lock (cut short by a crash, say). */
function parseHolder(text: string | undefined): LockHolder | undefined {
	if (text === undefined) return undefined;
	try {
		const parsed = JSON.parse(text) as Partial<LockHolder>;
		return Number.isSafeInteger(parsed.pid) && typeof parsed.command === 'string' ? { pid: parsed.pid!, command: parsed.command } : undefined;
	} catch {
		return undefined;
	}
}

/** Whether the holder still has the database open: a process of that id runs (or is this one, holding it now). */
function isHeld(holder: LockHolder, path: string): boolean {
	// This process's id in a lock it does not hold: left by an earlier run that had the same id (a container's pid 1, say).
	if (holder.pid === process.pid) return heldHere.has(path);
	try {
		process.kill(holder.pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function inUse(holder: LockHolder, path: string, location: string): StartupError {
	if (holder.pid === process.pid) {
		return new StartupError([
			`The embedded database in ${location} is in use by process ${holder.pid} (this process).`,
			'Close the open connection first.'
		]);
	}
	return new StartupError([
		`The embedded database in ${location} is in use by process ${holder.pid} (${holder.command}).`,
		'One process at a time can open it: stop that process first (the bot, or an npm run db:* command), or set DATABASE_URL to a PostgreSQL server, which several processes can share. ' +
			`If process ${holder.pid} is not one of these, the lock is left over from a crash: delete ${path}.`
	]);
}
