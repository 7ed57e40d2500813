import type { Listener, ListenerStore } from '@sapphire/framework';
import { pluginOfPiece } from '#lib/core/commandCatalog';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { KickEvent } from '#lib/kick/events/KickEvent';

/**
 * Runs the listeners of one Kick listener event (or another event the core hands plugins with a context) for one server and waits for them, unlike
 * `client.emit`: the router counts the event as handled only once they are done, and a
 * listener that throws makes the event fail (it is tried again, then parked), instead of
 * being logged and forgotten. Listeners run side by side; every failure is reported. Listeners of a
 * plugin switched off in this server do not run.
 * @returns undefined when every listener was done at once (most chat: nothing to wait for, no promise made), else a promise of their end.
 * @throws {AggregateError} holding the errors of the listeners that failed.
 */
export function runKickListeners(store: ListenerStore, name: string, event: KickEvent, context: GuildContext): Promise<void> | undefined {
	let failures: Failure[] | undefined;
	// Each started before any is awaited (one throwing at once still lets the others run); only the ones that returned a promise are waited for.
	let pending: { readonly listener: Listener; readonly running: PromiseLike<unknown> }[] | undefined;
	for (const listener of listenersOf(store, name)) {
		if (!runsFor(listener, context)) continue;
		try {
			const result = (listener.run as (event: KickEvent, context: GuildContext) => unknown)(event, context);
			if (isPromiseLike(result)) (pending ??= []).push({ listener, running: result });
		} catch (error) {
			(failures ??= []).push({ listener: listener.name, error });
		}
	}
	if (pending !== undefined) return settle(pending, failures ?? [], name, context);
	if (failures !== undefined) throw failuresOf(failures, name, context);
	return undefined;
}

interface Failure {
	readonly listener: string;
	readonly error: unknown;
}

async function settle(
	pending: readonly { readonly listener: Listener; readonly running: PromiseLike<unknown> }[],
	failures: Failure[],
	name: string,
	context: GuildContext
): Promise<void> {
	const results = await Promise.allSettled(pending.map((entry) => entry.running));
	for (const [index, result] of results.entries())
		if (result.status === 'rejected') failures.push({ listener: pending[index]!.listener.name, error: result.reason });
	if (failures.length > 0) throw failuresOf(failures, name, context);
}

function failuresOf(failures: readonly Failure[], name: string, context: GuildContext): AggregateError {
	return new AggregateError(
		failures.map((failure) => failure.error),
		`${failures.map((failure) => failure.listener).join(', ')} failed on ${name} for server ${context.guildId}`
	);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
	return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function runsFor(listener: Listener, context: GuildContext): boolean {
	return listener.enabled && context.pluginIsOn(pluginOf(listener));
}

// The listeners of each event name, found again when the store changed (a piece loaded, unloaded or reloaded).
const byEvent = new WeakMap<ListenerStore, Map<string, { readonly size: number; readonly listeners: readonly Listener[] }>>();

function listenersOf(store: ListenerStore, name: string): readonly Listener[] {
	let cache = byEvent.get(store);
	if (cache === undefined) {
		cache = new Map();
		byEvent.set(store, cache);
	}
	const cached = cache.get(name);
	if (cached !== undefined && cached.size === store.size && cached.listeners.every((listener) => store.get(listener.name) === listener))
		return cached.listeners;
	const listeners: Listener[] = [];
	for (const listener of store.values()) if (listener.event === name) listeners.push(listener);
	cache.set(name, { size: store.size, listeners });
	return listeners;
}

// Where a loaded listener's file lies does not change: its plugin is found once, not for every event.
const plugins = new WeakMap<Listener, string>();

function pluginOf(listener: Listener): string {
	let plugin = plugins.get(listener);
	if (plugin === undefined) {
		plugin = pluginOfPiece(listener);
		plugins.set(listener, plugin);
	}
	return plugin;
}
