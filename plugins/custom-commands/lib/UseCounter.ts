import { PeriodicFlush, type GuildContext, type GuildId } from '#core';

interface ServerUses {
	context: Pick<GuildContext, 'guildId' | 'db'>;
	readonly uses: Map<number, number>;
}

/**
 * Uses of custom commands counted in memory (a map update per use) and written every few seconds:
 * one statement per server with uses, not one per use. A flush that fails keeps its uses for the next.
 */
export class UseCounter {
	private pending = new Map<GuildId, ServerUses>();

	private readonly flusher: PeriodicFlush;

	public constructor(options: { readonly flushEveryMs?: number; readonly onFlushError?: (error: unknown) => void } = {}) {
		this.flusher = new PeriodicFlush(() => this.write(), options.flushEveryMs ?? 10_000, options.onFlushError);
	}

	public record(context: Pick<GuildContext, 'guildId' | 'db'>, commandId: number, count = 1): void {
		let server = this.pending.get(context.guildId);
		if (server === undefined) this.pending.set(context.guildId, (server = { context, uses: new Map() }));
		server.context = context;
		server.uses.set(commandId, (server.uses.get(commandId) ?? 0) + count);
		this.flusher.wake();
	}

	/** Writes what was counted so far; rejects when a server's write failed, keeping its uses for the next flush. */
	public flush(): Promise<void> {
		return this.flusher.flush();
	}

	/** Stops the timer after writing what is counted (the bot is stopping). */
	public async close(): Promise<void> {
		await this.flusher.close();
	}

	private async write(): Promise<void> {
		if (this.pending.size === 0) return;
		const batch = [...this.pending.values()];
		this.pending = new Map();
		const results = await Promise.allSettled(batch.map((server) => server.context.db.customCommands.addUses(server.uses)));
		const failures: unknown[] = [];
		results.forEach((result, index) => {
			if (result.status === 'fulfilled') return;
			failures.push(result.reason);
			const server = batch[index]!;
			for (const [id, count] of server.uses) this.record(server.context, id, count);
		});
		if (failures.length > 0) throw new AggregateError(failures, `Could not write the use counts of ${failures.length} server(s)`);
	}
}
