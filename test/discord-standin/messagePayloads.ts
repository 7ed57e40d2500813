import { MessageFlags, MessageType, type APIAllowedMentions, type APIAttachment, type APIEmbed, type APIMessage, type APIUser } from 'discord-api-types/v10';

/** The fields of a message a bot sends or edits (channel messages, interaction replies and webhooks alike). */
export interface MessageBody {
	readonly content?: string | null;
	readonly embeds?: APIEmbed[] | null;
	readonly components?: unknown[] | null;
	readonly flags?: number | null;
	readonly tts?: boolean;
	readonly nonce?: string | number;
	readonly allowed_mentions?: APIAllowedMentions | null;
	readonly message_reference?: { readonly message_id?: string } | null;
	readonly attachments?: readonly { readonly id?: string | number; readonly filename?: string; readonly description?: string }[] | null;
}

/** A file that came with a multipart request. */
export interface UploadedFile {
	readonly field: string;
	readonly filename: string;
	readonly size: number;
	readonly contentType: string;
	/** The file's bytes, kept so tests can read what the bot attached. */
	readonly data: Buffer;
}

export interface Mentions {
	readonly users: APIUser[];
	readonly roleIds: string[];
	readonly everyone: boolean;
}

/**
 * Who a message's content pings, the way Discord applies `allowed_mentions`: without it, every
 * user, role and @everyone/@here written in the content; with it, only what it allows.
 */
export function resolveMentions(content: string, allowed: APIAllowedMentions | null | undefined, findUser: (id: string) => APIUser | undefined): Mentions {
	const parse = allowed?.parse;
	const allows = (kind: 'users' | 'roles' | 'everyone', id?: string) => {
		if (!allowed) return true;
		if (parse?.includes(kind as never)) return true;
		if (kind === 'users') return id !== undefined && (allowed.users ?? []).includes(id);
		if (kind === 'roles') return id !== undefined && (allowed.roles ?? []).includes(id);
		return false;
	};
	const userIds = [...new Set([...content.matchAll(/<@!?(\d{17,20})>/g)].map((match) => match[1]!))].filter((id) => allows('users', id));
	const roleIds = [...new Set([...content.matchAll(/<@&(\d{17,20})>/g)].map((match) => match[1]!))].filter((id) => allows('roles', id));
	return {
		users: userIds.map((id) => findUser(id)).filter((user) => user !== undefined),
		roleIds,
		everyone: /@(everyone|here)\b/.test(content) && allows('everyone')
	};
}

/** A file a user attaches to a message or to a slash command's attachment option; its type, when left out, follows its name as Discord's does. */
export interface UserFile {
	readonly filename: string;
	readonly contentType?: string;
	readonly data: Buffer | string;
}

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
	csv: 'text/csv; charset=utf-8',
	json: 'application/json; charset=utf-8',
	txt: 'text/plain; charset=utf-8',
	png: 'image/png'
};

/** A user's file as if it came in a multipart upload. */
export function userUpload(file: UserFile, index: number): UploadedFile {
	const data = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
	const extension = /\.([^.]+)$/.exec(file.filename)?.[1]?.toLowerCase() ?? '';
	const contentType = file.contentType ?? TYPES_BY_EXTENSION[extension] ?? 'application/octet-stream';
	return { field: `files[${index}]`, filename: file.filename, size: data.length, contentType, data };
}

/** The attachments of uploaded files, with a `url` under `baseUrl` where the stand-in serves their bytes. */
export function buildAttachments(channelId: string, files: readonly UploadedFile[], body: MessageBody, nextId: () => string, baseUrl: string): APIAttachment[] {
	return files.map((file, index) => {
		const id = nextId();
		const described = body.attachments?.find((attachment) => String(attachment.id) === String(index));
		const url = `${baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
		return {
			id,
			filename: file.filename,
			size: file.size,
			content_type: file.contentType,
			url,
			proxy_url: url,
			...(described?.description === undefined ? {} : { description: described.description })
		};
	});
}

/** A complete message object as the API returns it. */
export function buildMessage(options: {
	readonly id: string;
	readonly channelId: string;
	readonly author: APIUser;
	readonly body: MessageBody;
	readonly mentions: Mentions;
	readonly attachments?: APIAttachment[];
	readonly type?: MessageType;
	readonly webhookId?: string;
	readonly applicationId?: string;
	readonly extra?: Partial<APIMessage>;
}): APIMessage {
	const { body } = options;
	return {
		id: options.id,
		channel_id: options.channelId,
		author: options.author,
		content: body.content ?? '',
		timestamp: new Date().toISOString(),
		edited_timestamp: null,
		tts: body.tts ?? false,
		mention_everyone: options.mentions.everyone,
		mentions: options.mentions.users,
		mention_roles: options.mentions.roleIds,
		attachments: options.attachments ?? [],
		embeds: body.embeds ?? [],
		pinned: false,
		type: options.type ?? (body.message_reference?.message_id ? MessageType.Reply : MessageType.Default),
		flags: body.flags ?? 0,
		components: (body.components ?? []) as APIMessage['components'],
		...(body.nonce === undefined ? {} : { nonce: body.nonce }),
		...(options.webhookId === undefined ? {} : { webhook_id: options.webhookId }),
		...(options.applicationId === undefined ? {} : { application_id: options.applicationId }),
		...(body.message_reference?.message_id ? { message_reference: { message_id: body.message_reference.message_id, channel_id: options.channelId } } : {}),
		...options.extra
	};
}

/** Applies an edit: only the fields the body carries change, as with Discord's PATCH. */
export function applyEdit(message: APIMessage, body: MessageBody, mentions: Mentions | undefined, attachments: APIAttachment[] | undefined): APIMessage {
	return {
		...message,
		...(body.content === undefined ? {} : { content: body.content ?? '' }),
		...(body.embeds === undefined ? {} : { embeds: body.embeds ?? [] }),
		...(body.components === undefined ? {} : { components: (body.components ?? []) as APIMessage['components'] }),
		// Editing ends the "thinking" state of a deferred reply; ephemerality cannot change.
		flags: ((body.flags ?? message.flags ?? 0) & ~MessageFlags.Loading & ~MessageFlags.Ephemeral) | ((message.flags ?? 0) & MessageFlags.Ephemeral),
		...(mentions === undefined ? {} : { mentions: mentions.users, mention_roles: mentions.roleIds, mention_everyone: mentions.everyone }),
		...(attachments === undefined ? {} : { attachments }),
		edited_timestamp: new Date().toISOString()
	};
}
