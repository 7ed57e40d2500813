import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '#test/e2e/KickUnderTest';

/**
 * A Redis server of a test's own (Debian's redis-server, no persistence, as many deployments
 * run it), so a fault test can kill it, flush it and start it again without touching the
 * Redis everyone else uses.
 */
export class RedisServer {
	private child: ChildProcess | undefined;

	private constructor(
		public readonly port: number,
		private readonly password: string | undefined
	) {}

	/** `password` makes the server ask for it (`requirepass`), as a production Redis does. */
	public static async start(options: { readonly password?: string } = {}): Promise<RedisServer> {
		const server = new RedisServer(await freePort(), options.password);
		await server.startProcess();
		return server;
	}

	public get url(): string {
		return `redis://${this.password === undefined ? '' : `:${encodeURIComponent(this.password)}@`}127.0.0.1:${this.port}`;
	}

	/** Kills the server outright (SIGKILL) and starts an empty one on the same port. */
	public async restartEmpty(): Promise<void> {
		await this.kill();
		await this.startProcess();
	}

	/** A client of this server, for the test to look at or flush it. */
	public client(): Redis {
		return new Redis(this.url, { maxRetriesPerRequest: 1 });
	}

	public async stop(): Promise<void> {
		await this.kill();
	}

	private async startProcess(): Promise<void> {
		const child = spawn(
			'redis-server',
			[
				'--port',
				String(this.port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
				'--loglevel',
				'warning',
				...(this.password === undefined ? [] : ['--requirepass', this.password])
			],
			{
				stdio: 'ignore'
			}
		);
		this.child = child;
		for (let attempt = 0; ; attempt++) {
			if (child.exitCode !== null) throw new Error(`redis-server exited at start (code ${child.exitCode}); is it installed?`);
			const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
			// Refused connections while the server starts are expected; connect() reports them.
			probe.on('error', () => undefined);
			const ready = await probe.connect().then(
				() => true,
				() => false
			);
			probe.disconnect();
			if (ready) return;
			if (attempt > 100) throw new Error(`redis-server on port ${this.port} did not start`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	private async kill(): Promise<void> {
		const child = this.child;
		if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}
}
