import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP pass-through to a service (Redis here) that a test can cut and restore, so one bot
 * process loses the service while the shared server keeps running for everyone else.
 */
export class TcpProxy {
	private readonly sockets = new Set<Socket>();
	private cut = false;

	private constructor(
		private readonly server: Server,
		public readonly port: number
	) {}

	public static async start(target: { readonly host: string; readonly port: number }): Promise<TcpProxy> {
		let proxy: TcpProxy | undefined;
		const server = createServer((client) => proxy!.accept(client, target));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.address();
		if (address === null || typeof address === 'string') throw new Error('TcpProxy: no port');
		proxy = new TcpProxy(server, address.port);
		return proxy;
	}

	/** The service is gone: open connections drop and new ones are closed at once. */
	public cutOff(): void {
		this.cut = true;
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
	}

	/** The service is back. */
	public restore(): void {
		this.cut = false;
	}

	public async close(): Promise<void> {
		this.cutOff();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private accept(client: Socket, target: { readonly host: string; readonly port: number }): void {
		if (this.cut) {
			client.destroy();
			return;
		}
		const upstream = createConnection(target);
		for (const socket of [client, upstream]) {
			this.sockets.add(socket);
			socket.on('error', () => socket.destroy());
			socket.on('close', () => {
				this.sockets.delete(socket);
				client.destroy();
				upstream.destroy();
			});
		}
		client.pipe(upstream).pipe(client);
	}
}
