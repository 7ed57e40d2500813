import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { compiledRoot, pluginsDirectory, projectRoot } from '#lib/paths';
import { redisOptionsFromUrl } from '#lib/startup/redis';
import type { LoadPiecesResult } from '#test/plugins/loadPieces.child';

const CHILD = fileURLToPath(new URL('./loadPieces.child.js', import.meta.url));
const fixture = (name: string) => join(compiledRoot, 'test', 'fixtures', name);

interface ChildRun {
	readonly result: LoadPiecesResult;
	readonly exitCode: number | null;
	/** Everything the child printed besides its RESULT line (Sapphire prints load errors there). */
	readonly otherOutput: string;
}

/**
 * Builds the real KickBotClient in a child process (one Sapphire client per process) and loads
 * its stores. The child runs from the repository root, as `npm start` does: Sapphire picks ES
 * module loading from the package.json of the working directory.
 */
function loadPieces(directory: string, disabled: readonly string[] = []): Promise<ChildRun> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[CHILD, directory, disabled.join(',')],
			{ cwd: projectRoot, env: { PATH: process.env.PATH, REDIS_URL: process.env.REDIS_URL }, timeout: 30_000 },
			(error, stdout, stderr) => {
				const lines = stdout.split('\n');
				const resultLine = lines.find((line) => line.startsWith('RESULT '));
				if (resultLine === undefined) {
					reject(new Error(`The child printed no RESULT line (${error?.message ?? 'exit 0'}).\nstdout:\n${stdout}\nstderr:\n${stderr}`));
					return;
				}
				resolve({
					result: JSON.parse(resultLine.slice('RESULT '.length)) as LoadPiecesResult,
					exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
					otherOutput: [...lines.filter((line) => line !== resultLine), stderr].join('\n').trim()
				});
			}
		);
	});
}

function loaded(run: ChildRun): Readonly<Record<string, string[]>> {
	if (run.result.outcome !== 'loaded') throw new Error(`expected the stores to load, got ${run.result.name}: ${run.result.message}`);
	expect(run.otherOutput, 'nothing else printed (no piece failed to load)').to.equal('');
	return run.result.stores;
}

function failure(run: ChildRun): { name: string; message: string } {
	if (run.result.outcome !== 'failed') throw new Error(`expected the loading to fail, but it loaded: ${JSON.stringify(run.result.stores.commands)}`);
	return run.result;
}

describe('Loading the pieces of plugins (KickBotClient in a child process)', function () {
	this.timeout(60_000);
	this.slow(10_000);

	// The children start together; each test awaits its own.
	let runs: Record<'duplicateCommands' | 'shadowCoreListener' | 'fixtureAllOn' | 'fixtureBetaOff' | 'projectAllOn' | 'projectCoreInfoOff', Promise<ChildRun>>;
	before(() => {
		runs = {
			duplicateCommands: loadPieces(fixture('plugins-duplicate-pieces')),
			shadowCoreListener: loadPieces(fixture('plugins-shadow-core')),
			fixtureAllOn: loadPieces(fixture('plugins-ok')),
			fixtureBetaOff: loadPieces(fixture('plugins-ok'), ['beta']),
			projectAllOn: loadPieces(pluginsDirectory),
			projectCoreInfoOff: loadPieces(pluginsDirectory, ['core-info'])
		};
		// Avoid unhandled rejections for runs a failing test never awaits.
		for (const run of Object.values(runs)) run.catch(() => undefined);
	});

	after(async () => {
		await Promise.allSettled(Object.values(runs));
		// The children's task queues (REDIS_KEY_PREFIX kickbot-test-pieces) leave a few BullMQ keys.
		const redis = new Redis(redisOptionsFromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
		try {
			const keys = await redis.keys('bull:kickbot-test-pieces-scheduled-tasks:*');
			if (keys.length > 0) await redis.del(...keys);
		} finally {
			redis.disconnect();
		}
	});

	it('two plugins with a command of the same name stop the start with a DuplicatePieceError naming both source files', async () => {
		const error = failure(await runs.duplicateCommands);

		expect(error.name).to.equal('DuplicatePieceError');
		expect(error.message).to.equal(
			'Two pieces of the commands store are named "hello": ' +
				'test/fixtures/plugins-duplicate-pieces/alpha/commands/hello.ts and test/fixtures/plugins-duplicate-pieces/beta/commands/hello.ts. ' +
				'Rename one of them (a piece is named after its file unless its options say otherwise).'
		);
	});

	it('a plugin listener named like a core listener is refused too, naming the core file and the plugin file', async () => {
		const error = failure(await runs.shadowCoreListener);

		expect(error.name).to.equal('DuplicatePieceError');
		expect(error.message).to.include(
			'Two pieces of the listeners store are named "recordJoinedServer": src/listeners/recordJoinedServer.ts and test/fixtures/plugins-shadow-core/shadow/listeners/recordJoinedServer.ts.'
		);
	});

	it('every enabled plugin’s commands and listeners load beside the core’s', async () => {
		const stores = loaded(await runs.fixtureAllOn);

		expect(stores.commands).to.deep.equal(['alpha-hello', 'beta-hello', 'kick', 'overlay', 'settings']);
		expect(stores.listeners).to.include.members(['betaWatcher', 'recordJoinedServer', 'recordServersAtReady']);
	});

	it('a disabled plugin’s commands and listeners are not loaded; the enabled plugin’s and the core’s are', async () => {
		const stores = loaded(await runs.fixtureBetaOff);

		expect(stores.commands).to.deep.equal(['alpha-hello', 'kick', 'overlay', 'settings']);
		expect(stores.listeners).to.include.members(['recordJoinedServer', 'recordServersAtReady']);
		expect(stores.listeners).to.not.include('betaWatcher');
	});

	it('the project’s plugins load /ping and /about, and not when core-info is disabled', async () => {
		const allOn = loaded(await runs.projectAllOn);
		expect(allOn.commands).to.include.members(['about', 'ping']);

		const coreInfoOff = loaded(await runs.projectCoreInfoOff);
		expect(coreInfoOff.commands).to.not.include('about');
		expect(coreInfoOff.commands).to.not.include('ping');
		expect(coreInfoOff.listeners).to.include('recordJoinedServer');
	});
});
