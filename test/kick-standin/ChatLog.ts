import { EventEmitter } from 'node:events';
import { waitFor } from '../discord-standin/waitFor.js';

/** A message posted through `POST /public/v1/chat`. */
export interface PostedChatMessage {
	readonly messageId: string;
	/** Username of the channel's owner (the broadcaster). */
	readonly channel: string;
	readonly broadcasterUserId: string;
	/** `bot`: Kick shows the app's bot as the sender; `user`: the token's user. */
	readonly type: 'bot' | 'user';
	/** Username of the token's user. */
	readonly postedBy: string;
	readonly content: string;
	readonly replyToMessageId: string | null;
	readonly at: Date;
}

export type ChatMessagePredicate = (message: PostedChatMessage) => boolean;

/** Every chat message the bot posted, in order; emits 'message' so tests can wait for one. */
export class ChatLog {
	private readonly events = new EventEmitter();
	private readonly messages: PostedChatMessage[] = [];

	public constructor(private readonly defaultTimeoutMs: number) {}

	public record(message: PostedChatMessage): void {
		this.messages.push(message);
		this.events.emit('message', message);
	}

	/** All messages, or those in one channel (by broadcaster username). */
	public list(channel?: string): PostedChatMessage[] {
		return channel === undefined ? [...this.messages] : this.messages.filter((message) => message.channel.toLowerCase() === channel.toLowerCase());
	}

	public mark(): number {
		return this.messages.length;
	}

	public waitFor(
		predicate: ChatMessagePredicate,
		options: { readonly from?: number; readonly timeoutMs?: number; readonly description?: string } = {}
	): Promise<PostedChatMessage> {
		const from = options.from ?? 0;
		return waitFor({
			emitter: this.events,
			event: 'message',
			check: () => this.messages.slice(from).find(predicate),
			timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
			describe: () => `${options.description ?? 'a matching chat message'}. ${this.describe(from)}`
		});
	}

	private describe(from: number): string {
		const messages = this.messages.slice(from);
		if (messages.length === 0) return 'The bot posted no chat message.';
		const shown = messages.slice(-20).map((message) => `  #${message.channel} [${message.type}] ${message.content}`);
		return `Chat messages posted (${messages.length}):\n${shown.join('\n')}`;
	}
}
