import { openEmbedded } from '#lib/database/connection';

/**
 * Run in a child process by embeddedLock.test.ts: another process holding the embedded database.
 * Opens it under the data folder given, prints `OPEN`, and closes it when stdin ends (prints `CLOSED`).
 *
 * Usage: node holdEmbedded.child.js <data folder>
 */
const [dataDirectory] = process.argv.slice(2);
if (dataDirectory === undefined) throw new Error('usage: holdEmbedded.child.js <data folder>');

const connection = await openEmbedded(dataDirectory);
process.stdout.write('OPEN\n');
process.stdin.resume();
process.stdin.once('end', () => {
	void connection.close().then(() => {
		process.stdout.write('CLOSED\n');
		process.exit(0);
	});
});
