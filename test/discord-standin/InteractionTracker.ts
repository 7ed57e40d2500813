import { EventEmitter } from 'node:events';
import { InteractionResponseType, MessageFlags, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import type { MessageStore } from './MessageStore.js';
import { waitFor, DEFAULT_TIMEOUT_MS } from './waitFor.js';

/** The bot's answer to an interaction as a user would see it. */
export interface InteractionAnswer {
	/** How the bot acknowledged: 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
	readonly type: InteractionResponseType;
	readonly content: string;
	readonly embeds: APIEmbed[];
	readonly components: unknown[];
	readonly ephemeral: boolean;
	/** The message showing the answer: the reply, or the component's message after an update; null for a modal. */
	readonly message: APIMessage | null;
	/** The modal shown (type 9), with custom_id, title and components. */
	readonly modal: Readonly<Record<string, unknown>> | null;
	/** Autocomplete choices (type 8). */
	readonly choices: readonly unknown[] | null;
	/** Follow-up messages sent so far (a follow-up that replaced a deferred reply is `message`, not one of these). */
	readonly followUps: APIMessage[];
	/** The interaction, to wait for later edits or follow-ups. */
	readonly interaction: TrackedInteraction;
}

/** One interaction the stand-in sent, with everything the bot did about it through REST. */
export class TrackedInteraction {
	public readonly events = new EventEmitter();
	public callback: { readonly type: InteractionResponseType; readonly data: Readonly<Record<string, unknown>> } | null = null;
	/** The id of `@original`: the reply, or the component's message. */
	public originalId: string | null;
	public edits = 0;
	public readonly followUpIds: string[] = [];
	/** Whether a follow-up replaced the deferred reply (Discord turns the first follow-up after a defer into the reply). */
	public followUpReplacedDefer = false;
	private seenEdits = 0;
	private seenFollowUps = 0;

	public constructor(
		public readonly id: string,
		public readonly token: string,
		public readonly channelId: string | null,
		/** The message a component was clicked on. */
		public readonly targetMessageId: string | null,
		private readonly messages: MessageStore,
		private readonly timeoutMs: number
	) {
		this.originalId = targetMessageId;
	}

	public get original(): APIMessage | null {
		return this.originalId === null ? null : (this.messages.get(this.originalId) ?? null);
	}

	public get followUps(): APIMessage[] {
		return this.followUpIds.map((id) => this.messages.get(id)).filter((message) => message !== undefined);
	}

	public changed(): void {
		this.events.emit('change');
	}

	/** The answer as it stands now. */
	public snapshot(): InteractionAnswer {
		if (!this.callback) throw new Error(`Interaction ${this.id} has no answer yet`);
		const { type, data } = this.callback;
		const message = this.original;
		this.seenEdits = this.edits;
		this.seenFollowUps = this.followUpIds.length;
		return {
			type,
			content: message?.content ?? '',
			embeds: message?.embeds ?? [],
			components: message?.components ?? [],
			ephemeral: ((message?.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
			message,
			modal: type === InteractionResponseType.Modal ? data : null,
			choices: type === InteractionResponseType.ApplicationCommandAutocompleteResult ? ((data.choices as unknown[] | undefined) ?? []) : null,
			followUps: this.followUps,
			interaction: this
		};
	}

	/** Resolves with the first visible answer: at once for a reply, update or modal; after the first edit or follow-up for a deferral. */
	public waitForAnswer(timeoutMs = this.timeoutMs): Promise<InteractionAnswer> {
		return this.wait(
			() => {
				if (!this.callback) return false;
				const deferred =
					this.callback.type === InteractionResponseType.DeferredChannelMessageWithSource ||
					this.callback.type === InteractionResponseType.DeferredMessageUpdate;
				return !deferred || this.edits > 0 || this.followUpIds.length > 0 || this.followUpReplacedDefer;
			},
			'the bot to answer',
			timeoutMs
		);
	}

	/** Resolves after the next edit of `@original` (next after the last answer this interaction gave out). */
	public waitForEdit(timeoutMs = this.timeoutMs): Promise<InteractionAnswer> {
		const after = this.seenEdits;
		return this.wait(() => this.edits > after, `an edit of the answer (edits so far: ${after})`, timeoutMs);
	}

	/** Resolves with the next follow-up message (next after the last answer this interaction gave out). */
	public async waitForFollowUp(timeoutMs = this.timeoutMs): Promise<APIMessage> {
		const index = this.seenFollowUps;
		await this.wait(() => this.followUpIds.length > index, `follow-up #${index + 1}`, timeoutMs);
		const message = this.messages.get(this.followUpIds[index]!);
		if (!message) throw new Error(`Follow-up #${index + 1} of interaction ${this.id} was deleted`);
		return message;
	}

	private wait(ready: () => boolean, what: string, timeoutMs: number): Promise<InteractionAnswer> {
		return waitFor({
			emitter: this.events,
			event: 'change',
			check: () => (ready() ? this.snapshot() : undefined),
			timeoutMs,
			describe: () =>
				`${what} to interaction ${this.id} (callback: ${this.callback ? `type ${this.callback.type}` : 'none'}, edits: ${this.edits}, follow-ups: ${this.followUpIds.length})`
		});
	}
}

/** The interactions the stand-in sent, by id and by token, for the callback and webhook routes. */
export class InteractionTracker {
	private readonly byId = new Map<string, TrackedInteraction>();
	private readonly byToken = new Map<string, TrackedInteraction>();

	public constructor(
		private readonly messages: MessageStore,
		private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS
	) {}

	public track(options: {
		readonly id: string;
		readonly token: string;
		readonly channelId: string | null;
		readonly targetMessageId: string | null;
	}): TrackedInteraction {
		const tracked = new TrackedInteraction(options.id, options.token, options.channelId, options.targetMessageId, this.messages, this.timeoutMs);
		this.byId.set(tracked.id, tracked);
		this.byToken.set(tracked.token, tracked);
		return tracked;
	}

	public get(id: string): TrackedInteraction | undefined {
		return this.byId.get(id);
	}

	public byWebhookToken(token: string): TrackedInteraction | undefined {
		return this.byToken.get(token);
	}

	/** Counts an edit for every interaction whose `@original` is this message (edits through any route). */
	public messageEdited(messageId: string): void {
		for (const tracked of this.byId.values()) {
			if (tracked.originalId === messageId && tracked.callback) {
				tracked.edits += 1;
				tracked.changed();
			}
		}
	}
}
