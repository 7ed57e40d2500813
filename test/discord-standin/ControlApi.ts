import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ButtonClick, ChatMessage, ContextMenuRun, DirectMessage, DiscordStandIn, SlashCommandRun } from './DiscordStandIn.js';
import type { InteractionAnswer } from './InteractionTracker.js';
import { readBody, writeJson } from './RestApi.js';
import type { RestResponse } from './Router.js';

/**
 * `/_control/...`: lets a person drive the stand-in with curl (look at the state, run a slash
 * command or a context menu, post a message in a server or a DM, read the REST log) while a bot
 * runs against it.
 */
export class ControlApi {
	public constructor(private readonly standIn: DiscordStandIn) {}

	public async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
		let answer: RestResponse;
		try {
			answer = await this.answer(`${request.method ?? 'GET'} ${url.pathname}`, url, request);
		} catch (error) {
			const message = (error as Error).message;
			answer = { status: message.startsWith('Timed out') ? 504 : 400, body: { error: message } };
		}
		writeJson(response, answer);
	}

	private async answer(route: string, url: URL, request: IncomingMessage): Promise<RestResponse> {
		switch (route) {
			case 'GET /_control/state':
				return { status: 200, body: this.describeState() };
			case 'GET /_control/log':
				return { status: 200, body: this.standIn.restLog.all().slice(Number(url.searchParams.get('from') ?? 0)) };
			case 'POST /_control/slash': {
				const run = requireFields(await jsonBody(request), ['guild', 'member', 'name']) as unknown as SlashCommandRun;
				return { status: 200, body: answerJson(await this.standIn.runSlashCommand(run)) };
			}
			case 'POST /_control/context-menu': {
				const run = requireFields(await jsonBody(request), ['guild', 'member', 'name']);
				if ((typeof run.targetMessage === 'string') === (typeof run.targetUser === 'string')) {
					throw new Error('Expected one of "targetMessage" (a message id) or "targetUser" (a username or id)');
				}
				return { status: 200, body: answerJson(await this.standIn.runContextMenu(run as unknown as ContextMenuRun)) };
			}
			case 'POST /_control/click': {
				const click = requireFields(await jsonBody(request), ['guild', 'member', 'message', 'customId']) as unknown as ButtonClick;
				return { status: 200, body: answerJson(await this.standIn.clickButton(click)) };
			}
			case 'POST /_control/message': {
				const message = requireFields(await jsonBody(request), ['guild', 'member', 'content']);
				// `"waitForReply": false` posts a message the bot does not answer (one to use a context menu on) and returns it.
				if (message.waitForReply === false) return { status: 200, body: this.standIn.postMessage(message as unknown as ChatMessage) };
				return { status: 200, body: await this.standIn.sendMessage(message as unknown as ChatMessage) };
			}
			case 'POST /_control/dm': {
				const message = requireFields(await jsonBody(request), ['user', 'content']) as unknown as DirectMessage;
				return { status: 200, body: await this.standIn.sendDirectMessage(message) };
			}
			case 'POST /_control/dispatch': {
				const body = (await jsonBody(request)) as { type?: unknown; data?: unknown };
				if (typeof body.type !== 'string') throw new Error('Expected {"type": "EVENT_NAME", "data": {...}}');
				return { status: 200, body: { sessions: this.standIn.dispatch(body.type, body.data) } };
			}
			default:
				return {
					status: 404,
					body: {
						error: `Unknown control route ${route}; try GET /_control/state, GET /_control/log, POST /_control/slash, /_control/context-menu, /_control/message, /_control/dm, /_control/click, /_control/dispatch`
					}
				};
		}
	}

	private describeState() {
		const { state } = this.standIn;
		return {
			botUser: state.botUser,
			applicationId: state.applicationId,
			sessions: this.standIn.sessions(),
			guilds: [...state.guilds.values()].map((guild) => ({
				id: guild.id,
				name: guild.name,
				ownerId: guild.ownerId,
				roles: [...guild.roles.values()].map((role) => ({
					id: role.id,
					name: role.name,
					position: role.position,
					permissions: role.permissions.toString()
				})),
				channels: [...guild.channels.values()].map((channel) => ({ id: channel.id, name: channel.name, type: channel.type })),
				members: [...guild.members.values()].map((member) => ({
					id: member.userId,
					username: guild.user(member.userId).username,
					roles: member.roleIds.map((roleId) => guild.roles.get(roleId)?.name ?? roleId),
					permissions: guild.permissionsOf(member.userId).toString()
				}))
			})),
			commands: state.commands.all(),
			commandCalls: state.commands.calls
		};
	}
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
	const raw = await readBody(request);
	try {
		return JSON.parse(raw.toString('utf8') || '{}');
	} catch {
		throw new Error('The body must be JSON');
	}
}

function requireFields(body: unknown, names: readonly string[]): Record<string, unknown> {
	const record = (body ?? {}) as Record<string, unknown>;
	const missing = names.filter((name) => typeof record[name] !== 'string');
	if (missing.length > 0) throw new Error(`Missing string field(s): ${missing.join(', ')}`);
	return record;
}

/** The answer without the live interaction object, for JSON. */
function answerJson(answer: InteractionAnswer) {
	const { interaction, ...rest } = answer;
	return { ...rest, interactionId: interaction.id };
}
