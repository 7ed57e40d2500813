import { EventEmitter } from 'node:events';
import type { APIMessage } from 'discord-api-types/v10';

export type MessageChange = 'created' | 'updated' | 'deleted';

/** Every message the stand-in knows, per channel in order; emits 'change' (kind, message) on every change. */
export class MessageStore {
	public readonly events = new EventEmitter();
	private readonly messages = new Map<string, APIMessage>();

	public add(message: APIMessage): APIMessage {
		this.messages.set(message.id, message);
		this.events.emit('change', 'created', message);
		return message;
	}

	public replace(message: APIMessage): APIMessage {
		this.messages.set(message.id, message);
		this.events.emit('change', 'updated', message);
		return message;
	}

	public remove(id: string): APIMessage | undefined {
		const message = this.messages.get(id);
		if (!message) return undefined;
		this.messages.delete(id);
		this.events.emit('change', 'deleted', message);
		return message;
	}

	public get(id: string): APIMessage | undefined {
		return this.messages.get(id);
	}

	/** Every message of every channel, newest first. */
	public newestFirst(): APIMessage[] {
		return [...this.messages.values()].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
	}

	/** A channel's messages, newest first as `GET /channels/:c/messages` returns them. */
	public inChannel(channelId: string, options: { readonly limit?: number; readonly before?: string; readonly after?: string } = {}): APIMessage[] {
		return [...this.messages.values()]
			.filter((message) => message.channel_id === channelId)
			.filter((message) => options.before === undefined || BigInt(message.id) < BigInt(options.before))
			.filter((message) => options.after === undefined || BigInt(message.id) > BigInt(options.after))
			.sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
			.slice(0, options.limit ?? 50);
	}
}
