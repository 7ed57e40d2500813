import { InteractionResponseType, MessageFlags, MessageType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { CommandBody } from './ApplicationCommandRegistry.js';
import type { GuildState } from './GuildState.js';
import { dmChannelPayload } from './interactionPayloads.js';
import type { TrackedInteraction } from './InteractionTracker.js';
import { requireNotEmpty, requireWithinLimits } from './messageLimits.js';
import type { MessageBody } from './messagePayloads.js';
import { hasPermission } from './permissions.js';
import { RestError, Router, type RestRequest, type RestResponse } from './Router.js';
import type { StandInState } from './StandInState.js';

export interface RestContext {
	readonly state: StandInState;
	/** The gateway URL `/gateway/bot` hands out. */
	readonly gatewayUrl: () => string;
	/** The shard count `/gateway/bot` recommends. */
	readonly shardCount: number;
}

/** Routes that take no bot token: discord.js calls them with the interaction's token instead. */
export function isTokenlessRoute(path: string): boolean {
	return path.startsWith('/interactions/') || path.startsWith('/webhooks/');
}

const ok = (body: unknown): RestResponse => ({ status: 200, body });
const noContent: RestResponse = { status: 204 };

/** The REST routes of Discord's API v10 that discord.js and Sapphire use, answered from the stand-in's state. */
export function createRestRouter(context: RestContext): Router {
	const { state } = context;
	const router = new Router();
	addGatewayRoutes(router, context);
	addUserRoutes(router, state);
	addCommandRoutes(router, state);
	addInteractionRoutes(router, state);
	addChannelRoutes(router, state);
	addGuildRoutes(router, state);
	return router;
}

function addGatewayRoutes(router: Router, context: RestContext): void {
	router.add('GET', '/gateway', () => ok({ url: context.gatewayUrl() }));
	router.add('GET', '/gateway/bot', () =>
		// Every shard may identify at once (as for Discord's largest bots), so a bot of several shards starts without discord.js' 5 s between them.
		ok({
			url: context.gatewayUrl(),
			shards: context.shardCount,
			session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: context.shardCount }
		})
	);
}

function addUserRoutes(router: Router, state: StandInState): void {
	router.add('GET', '/users/@me', () => ok({ ...state.botUser, verified: true, mfa_enabled: false, locale: 'en-US' }));
	router.add('POST', '/users/@me/channels', (request) => {
		const recipientId = String(body(request).recipient_id ?? '');
		if (!state.users.get(recipientId))
			throw new RestError(400, 50035, 'Invalid Form Body', { recipient_id: { _errors: [{ code: 'USER_NOT_FOUND', message: 'Unknown user' }] } });
		const dm = state.dmChannelWith(recipientId);
		return ok(dmChannelPayload(dm.id, dm.recipient));
	});
	router.add('GET', '/users/:user', (request) => ok(state.users.get(request.params.user!) ?? unknown(10013, 'Unknown User')));
	router.add('GET', '/applications/@me', () =>
		ok({
			id: state.applicationId,
			name: state.botUser.username,
			icon: null,
			description: '',
			summary: '',
			bot_public: true,
			bot_require_code_grant: false,
			verify_key: '0'.repeat(64),
			flags: 0,
			team: null,
			bot: state.botUser
		})
	);
}

function addCommandRoutes(router: Router, state: StandInState): void {
	// Guild routes use the guild id; global routes use null.
	const scope = (request: RestRequest): string | null => {
		if (request.params.app !== state.applicationId) throw new RestError(404, 10002, 'Unknown Application');
		const guildId = request.params.guild;
		if (guildId === undefined) return null;
		if (!state.guilds.has(guildId)) throw new RestError(403, 50001, 'Missing Access');
		return guildId;
	};
	const withoutLocalizations = (request: RestRequest, command: Record<string, unknown>) =>
		request.query.with_localizations === 'true' ? command : { ...command, name_localizations: undefined, description_localizations: undefined };
	const validate = (commandBody: CommandBody) => {
		const errors = state.commands.validate(commandBody);
		if (errors) throw new RestError(400, 50035, 'Invalid Form Body', errors);
	};
	for (const base of ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands']) {
		router.add('GET', base, (request) => ok(state.commands.list(scope(request)).map((command) => withoutLocalizations(request, { ...command }))));
		router.add('POST', base, (request) => {
			const guildId = scope(request);
			const commandBody = body(request) as CommandBody;
			validate(commandBody);
			const { command, created } = state.commands.create(commandBody, guildId);
			return { status: created ? 201 : 200, body: command };
		});
		router.add('PUT', base, (request) => {
			const guildId = scope(request);
			if (!Array.isArray(request.body))
				throw new RestError(400, 50035, 'Invalid Form Body', { _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] });
			const bodies = request.body as CommandBody[];
			bodies.forEach(validate);
			return ok(state.commands.overwrite(bodies, guildId));
		});
		router.add('GET', `${base}/:command`, (request) =>
			ok(state.commands.get(request.params.command!, scope(request)) ?? unknown(10063, 'Unknown application command'))
		);
		router.add('PATCH', `${base}/:command`, (request) => {
			const guildId = scope(request);
			const existing = state.commands.get(request.params.command!, guildId) ?? unknown(10063, 'Unknown application command');
			const merged = { ...existing, ...(body(request) as CommandBody) } as CommandBody;
			validate(merged);
			return ok(state.commands.edit(existing.id, body(request) as CommandBody, guildId));
		});
		router.add('DELETE', `${base}/:command`, (request) => {
			if (!state.commands.delete(request.params.command!, scope(request))) unknown(10063, 'Unknown application command');
			return noContent;
		});
	}
}

function addInteractionRoutes(router: Router, state: StandInState): void {
	const byToken = (request: RestRequest): TrackedInteraction => {
		const tracked = state.interactions.byWebhookToken(request.params.token!);
		if (!tracked || request.params.app !== state.applicationId || !tracked.callback) throw new RestError(404, 10015, 'Unknown Webhook');
		return tracked;
	};
	const webhookMessage = (tracked: TrackedInteraction, messageId: string): APIMessage => {
		const id = messageId === '@original' ? tracked.originalId : messageId;
		const owned = id !== null && (id === tracked.originalId || tracked.followUpIds.includes(id));
		const message = owned ? state.messages.get(id) : undefined;
		return message ?? unknown(10008, 'Unknown Message');
	};

	router.add('POST', '/interactions/:interaction/:token/callback', (request) => {
		const tracked = state.interactions.get(request.params.interaction!);
		if (!tracked || tracked.token !== request.params.token) throw new RestError(404, 10062, 'Unknown interaction');
		if (tracked.callback) throw new RestError(400, 40060, 'Interaction has already been acknowledged.');
		const payload = body(request);
		const type = payload.type as InteractionResponseType;
		const data = (payload.data ?? {}) as Record<string, unknown>;
		acknowledge(state, tracked, type, data, request);
		if (request.query.with_response !== 'true') return noContent;
		const message = type === InteractionResponseType.Modal ? null : tracked.original;
		return ok({
			interaction: {
				id: tracked.id,
				type: tracked.targetMessageId === null ? 2 : 3,
				response_message_id: message?.id,
				response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
				response_message_ephemeral: ((message?.flags ?? 0) & MessageFlags.Ephemeral) !== 0
			},
			resource: { type, ...(message ? { message } : {}) }
		});
	});

	router.add('POST', '/webhooks/:app/:token', (request) => {
		const tracked = byToken(request);
		const messageBody = body(request) as MessageBody;
		requireWithinLimits(messageBody);
		const original = tracked.original;
		let message: APIMessage;
		// Discord turns the first follow-up after a deferred reply into that reply, keeping its ephemerality.
		if (
			tracked.callback?.type === InteractionResponseType.DeferredChannelMessageWithSource &&
			original &&
			((original.flags ?? 0) & MessageFlags.Loading) !== 0
		) {
			tracked.followUpReplacedDefer = true;
			message = state.editMessage(original.id, messageBody, request.files)!;
		} else {
			requireNotEmpty({ ...messageBody, attachments: request.files });
			message = state.createMessage({
				channelId: tracked.channelId ?? unknown(10003, 'Unknown Channel'),
				author: state.botUser,
				body: messageBody,
				files: request.files,
				webhookId: state.applicationId,
				extra: { type: MessageType.Default }
			});
			tracked.followUpIds.push(message.id);
		}
		tracked.changed();
		return request.query.wait === 'true' ? ok(message) : noContent;
	});
	router.add('GET', '/webhooks/:app/:token/messages/:message', (request) => ok(webhookMessage(byToken(request), request.params.message!)));
	router.add('PATCH', '/webhooks/:app/:token/messages/:message', (request) => {
		const tracked = byToken(request);
		const message = webhookMessage(tracked, request.params.message!);
		requireWithinLimits(body(request) as MessageBody);
		const edited = state.editMessage(message.id, body(request) as MessageBody, request.files)!;
		tracked.changed();
		return ok(edited);
	});
	router.add('DELETE', '/webhooks/:app/:token/messages/:message', (request) => {
		const tracked = byToken(request);
		state.deleteMessage(webhookMessage(tracked, request.params.message!).id);
		tracked.changed();
		return noContent;
	});
}

/** Records the interaction's callback and makes the message it produces, as Discord does. */
function acknowledge(
	state: StandInState,
	tracked: TrackedInteraction,
	type: InteractionResponseType,
	data: Record<string, unknown>,
	request: RestRequest
): void {
	const interactionMetadata = {
		interaction_metadata: { id: tracked.id, type: tracked.targetMessageId === null ? 2 : 3, user: state.botUser, authorizing_integration_owners: {} }
	} as Partial<APIMessage>;
	const replyType = tracked.targetMessageId === null ? MessageType.ChatInputCommand : MessageType.Default;
	// Discord refuses the callback as a whole, so a refused one acknowledges nothing.
	if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage)
		requireWithinLimits(data as MessageBody, 'data');
	if (type === InteractionResponseType.ChannelMessageWithSource) requireNotEmpty({ ...(data as MessageBody), attachments: request.files });
	switch (type) {
		case InteractionResponseType.ChannelMessageWithSource:
		case InteractionResponseType.DeferredChannelMessageWithSource: {
			const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
			const ephemeral = Number(data.flags ?? 0) & MessageFlags.Ephemeral;
			const message = state.createMessage({
				channelId: tracked.channelId ?? unknown(10003, 'Unknown Channel'),
				author: state.botUser,
				body: deferred ? { content: '', flags: ephemeral | MessageFlags.Loading } : (data as MessageBody),
				files: request.files,
				webhookId: state.applicationId,
				extra: { ...interactionMetadata, type: replyType }
			});
			tracked.originalId = message.id;
			break;
		}
		case InteractionResponseType.UpdateMessage:
			if (tracked.targetMessageId === null) throw new RestError(400, 40004, 'Interaction has no message to update');
			// The update is part of the callback, so it is applied before the callback is recorded and not counted as an edit.
			state.editMessage(tracked.targetMessageId, data as MessageBody, request.files);
			break;
		case InteractionResponseType.DeferredMessageUpdate:
			if (tracked.targetMessageId === null) throw new RestError(400, 40004, 'Interaction has no message to update');
			break;
		case InteractionResponseType.Modal:
		case InteractionResponseType.ApplicationCommandAutocompleteResult:
			break;
		default:
			throw new RestError(400, 50035, 'Invalid Form Body', {
				type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value ${String(type)} is not a valid interaction callback type.` }] }
			});
	}
	tracked.callback = { type, data };
	tracked.changed();
}

function addChannelRoutes(router: Router, state: StandInState): void {
	const located = (request: RestRequest) => state.locateChannel(request.params.channel!) ?? unknown(10003, 'Unknown Channel');
	const requireBotPermission = (request: RestRequest, bit: bigint) => {
		const location = located(request);
		if (location.guild && !hasPermission(location.guild.permissionsOf(state.botUser.id, location.channel.id), bit))
			throw new RestError(403, 50013, 'Missing Permissions');
	};
	const channelMessage = (request: RestRequest): APIMessage => {
		located(request);
		const message = state.messages.get(request.params.message!);
		return message && message.channel_id === request.params.channel ? message : unknown(10008, 'Unknown Message');
	};

	router.add('GET', '/channels/:channel', (request) => {
		located(request);
		return ok(state.apiChannel(request.params.channel!));
	});
	router.add('GET', '/channels/:channel/messages', (request) => {
		requireBotPermission(request, PermissionFlagsBits.ReadMessageHistory);
		const { limit, before, after } = request.query;
		return ok(
			state.messages.inChannel(request.params.channel!, {
				limit: limit === undefined ? 50 : Number(limit),
				...(before ? { before } : {}),
				...(after ? { after } : {})
			})
		);
	});
	router.add('POST', '/channels/:channel/messages', (request) => {
		requireBotPermission(request, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
		const { dm } = located(request);
		if (dm !== undefined && state.closedDirectMessages.has(dm.recipient.id)) throw new RestError(403, 50007, 'Cannot send messages to this user');
		const messageBody = body(request) as MessageBody;
		requireWithinLimits(messageBody);
		requireNotEmpty({ ...messageBody, attachments: request.files });
		return ok(state.createMessage({ channelId: request.params.channel!, author: state.botUser, body: messageBody, files: request.files }));
	});
	router.add('POST', '/channels/:channel/typing', (request) => {
		located(request);
		return noContent;
	});
	router.add('GET', '/channels/:channel/messages/:message', (request) => ok(channelMessage(request)));
	router.add('PATCH', '/channels/:channel/messages/:message', (request) => {
		const message = channelMessage(request);
		if (message.author.id !== state.botUser.id) throw new RestError(403, 50005, 'Cannot edit a message authored by another user');
		requireWithinLimits(body(request) as MessageBody);
		return ok(state.editMessage(message.id, body(request) as MessageBody, request.files));
	});
	router.add('DELETE', '/channels/:channel/messages/:message', (request) => {
		const message = channelMessage(request);
		if (message.author.id !== state.botUser.id) requireBotPermission(request, PermissionFlagsBits.ManageMessages);
		state.deleteMessage(message.id);
		return noContent;
	});
	for (const method of ['PUT', 'DELETE']) {
		router.add(method, '/channels/:channel/messages/:message/reactions/:emoji/@me', (request) => {
			channelMessage(request);
			return noContent;
		});
	}
}

function addGuildRoutes(router: Router, state: StandInState): void {
	const guildOf = (request: RestRequest): GuildState => state.guilds.get(request.params.guild!) ?? unknown(10004, 'Unknown Guild');
	const memberOf = (guild: GuildState, request: RestRequest) => guild.members.get(request.params.user!) ?? unknown(10007, 'Unknown Member');
	// Discord lets a bot manage a role only with Manage Roles and when the role is below the bot's highest role.
	const requireManageable = (guild: GuildState, roleIds: readonly string[]) => {
		if (!hasPermission(guild.permissionsOf(state.botUser.id), PermissionFlagsBits.ManageRoles)) throw new RestError(403, 50013, 'Missing Permissions');
		const top = guild.highestRolePosition(state.botUser.id);
		for (const roleId of roleIds) {
			const role = guild.roles.get(roleId) ?? unknown(10011, 'Unknown Role');
			if (role.position >= top) throw new RestError(403, 50013, 'Missing Permissions');
		}
	};

	router.add('GET', '/guilds/:guild', (request) => {
		const guild = guildOf(request);
		const counts = request.query.with_counts === 'true' ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {};
		return ok({ ...guild.toApiGuild(), ...counts });
	});
	router.add('GET', '/guilds/:guild/channels', (request) => {
		const guild = guildOf(request);
		return ok([...guild.channels.values()].map((channel) => guild.toApiChannel(channel)));
	});
	router.add('GET', '/guilds/:guild/roles', (request) => {
		const guild = guildOf(request);
		return ok([...guild.roles.values()].map((role) => guild.toApiRole(role)));
	});
	router.add('POST', '/guilds/:guild/roles', (request) => {
		const guild = guildOf(request);
		requireManageable(guild, []);
		const roleBody = body(request);
		const roleId = state.createRole(guild, {
			name: typeof roleBody.name === 'string' ? roleBody.name : 'new role',
			permissions: roleBody.permissions === undefined || roleBody.permissions === null ? guild.everyoneRole.permissions : String(roleBody.permissions),
			color: Number(roleBody.color ?? 0),
			hoist: roleBody.hoist === true,
			mentionable: roleBody.mentionable === true
		});
		return ok(guild.toApiRole(guild.roles.get(roleId)!));
	});
	router.add('DELETE', '/guilds/:guild/roles/:role', (request) => {
		const guild = guildOf(request);
		requireManageable(guild, [request.params.role!]);
		state.deleteRole(guild, request.params.role!);
		return noContent;
	});
	router.add('GET', '/guilds/:guild/members', (request) => {
		const guild = guildOf(request);
		const after = request.query.after ?? '0';
		const limit = Number(request.query.limit ?? 1);
		const userIds = [...guild.members.keys()].filter((userId) => BigInt(userId) > BigInt(after)).sort((a, b) => (BigInt(a) > BigInt(b) ? 1 : -1));
		return ok(userIds.slice(0, limit).map((userId) => guild.toApiMember(userId)));
	});
	router.add('GET', '/guilds/:guild/members/:user', (request) => {
		const guild = guildOf(request);
		return ok(guild.toApiMember(memberOf(guild, request).userId));
	});
	router.add('PATCH', '/guilds/:guild/members/:user', (request) => {
		const guild = guildOf(request);
		const member = memberOf(guild, request);
		const changes = body(request);
		const roles = Array.isArray(changes.roles) ? changes.roles.map(String) : undefined;
		if (roles) {
			const changed = [...roles.filter((roleId) => !member.roleIds.includes(roleId)), ...member.roleIds.filter((roleId) => !roles.includes(roleId))];
			requireManageable(guild, changed);
		}
		const nick = 'nick' in changes ? (changes.nick === null ? null : String(changes.nick)) : undefined;
		state.setMemberRoles(guild, member.userId, roles ?? member.roleIds, nick);
		return ok(guild.toApiMember(member.userId));
	});
	router.add('DELETE', '/guilds/:guild/members/:user', (request) => {
		const guild = guildOf(request);
		const member = memberOf(guild, request);
		if (!hasPermission(guild.permissionsOf(state.botUser.id), PermissionFlagsBits.KickMembers)) throw new RestError(403, 50013, 'Missing Permissions');
		state.removeMember(guild, member.userId);
		return noContent;
	});
	router.add('PUT', '/guilds/:guild/members/:user/roles/:role', (request) => {
		const guild = guildOf(request);
		const member = memberOf(guild, request);
		requireManageable(guild, [request.params.role!]);
		if (!member.roleIds.includes(request.params.role!)) state.setMemberRoles(guild, member.userId, [...member.roleIds, request.params.role!]);
		return noContent;
	});
	router.add('DELETE', '/guilds/:guild/members/:user/roles/:role', (request) => {
		const guild = guildOf(request);
		const member = memberOf(guild, request);
		requireManageable(guild, [request.params.role!]);
		if (member.roleIds.includes(request.params.role!))
			state.setMemberRoles(
				guild,
				member.userId,
				member.roleIds.filter((roleId) => roleId !== request.params.role)
			);
		return noContent;
	});
}

function body(request: RestRequest): Record<string, unknown> {
	return request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
}

function unknown(code: number, message: string): never {
	throw new RestError(404, code, message);
}
