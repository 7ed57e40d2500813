import { expect } from 'chai';
import { GatewayDispatchEvents, InteractionResponseType } from 'discord-api-types/v10';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';
import { buildChatInputInteraction, buildComponentInteraction, buildContextMenuInteraction } from './interactionPayloads.js';

describe('DiscordStandIn REST API', () => {
	let standIn: DiscordStandIn;

	const call = async (method: string, path: string, body?: unknown, auth = true) => {
		const response = await fetch(`${standIn.apiUrl}/v10${path}`, {
			method,
			headers: { ...(auth ? { authorization: `Bot ${standIn.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			...(body === undefined ? {} : { body: JSON.stringify(body) })
		});
		const text = await response.text();
		return { status: response.status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as any) };
	};

	before(async () => {
		standIn = await DiscordStandIn.start({ seed: DEMO_SEED });
	});

	after(async () => {
		await standIn?.stop();
	});

	it('answers /gateway/bot with its own socket URL, and 401 without the bot token', async () => {
		const gateway = await call('GET', '/gateway/bot');
		expect(gateway.status).to.equal(200);
		expect(gateway.headers.get('content-type')).to.equal('application/json');
		expect(gateway.body).to.deep.equal({
			url: standIn.gatewayUrl,
			shards: 1,
			session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 }
		});
		expect((await call('GET', '/gateway/bot', undefined, false)).status).to.equal(401);
	});

	it('answers unknown routes with 404 {message, code: 0} and known routes with a wrong method with 405', async () => {
		const missing = await call('GET', '/no/such/thing');
		expect(missing.status).to.equal(404);
		expect(missing.body).to.deep.equal({ message: '404: Not Found', code: 0 });
		expect((await call('DELETE', '/gateway/bot')).status).to.equal(405);
	});

	it('keeps application commands: create, upsert by name, edit, list with and without localizations, overwrite, delete', async () => {
		const app = standIn.applicationId;
		const created = await call('POST', `/applications/${app}/commands`, {
			name: 'points',
			description: 'Your points',
			name_localizations: { fr: 'points' }
		});
		expect(created.status).to.equal(201);
		expect(created.body).to.include({ name: 'points', description: 'Your points', application_id: app, type: 1 });
		expect(created.body.id).to.match(/^\d{17,19}$/);

		const upserted = await call('POST', `/applications/${app}/commands`, { name: 'points', description: 'Your point balance' });
		expect(upserted.status).to.equal(200);
		expect(upserted.body.id).to.equal(created.body.id);

		const edited = await call('PATCH', `/applications/${app}/commands/${created.body.id}`, { description: 'Balance' });
		expect(edited.body).to.include({ id: created.body.id, name: 'points', description: 'Balance' });
		expect(edited.body.version).to.not.equal(created.body.version);

		const plain = await call('GET', `/applications/${app}/commands`);
		expect(plain.body).to.have.length(1);
		expect(plain.body[0]).to.not.have.property('name_localizations');
		const localized = await call('GET', `/applications/${app}/commands?with_localizations=true`);
		expect(localized.body[0]).to.have.property('name_localizations');

		const invalid = await call('POST', `/applications/${app}/commands`, { name: 'Bad Name', description: 'x' });
		expect(invalid.status).to.equal(400);
		expect(invalid.body.code).to.equal(50035);

		const guildId = standIn.guild('Alpha Community').id;
		const overwritten = await call('PUT', `/applications/${app}/guilds/${guildId}/commands`, [
			{ name: 'raffle', description: 'Raffles' },
			{ name: 'gtb', description: 'Guess the balance' }
		]);
		expect(overwritten.body.map((command: { name: string; guild_id: string }) => [command.name, command.guild_id])).to.deep.equal([
			['raffle', guildId],
			['gtb', guildId]
		]);
		const again = await call('PUT', `/applications/${app}/guilds/${guildId}/commands`, [{ name: 'raffle', description: 'Raffles!' }]);
		expect(again.body[0].id).to.equal(overwritten.body[0].id);
		expect(standIn.commands.list(guildId).map((command) => command.name)).to.deep.equal(['raffle']);
		expect((await call('GET', `/applications/${app}/guilds/1234567890123456789/commands`)).status).to.equal(403);

		expect((await call('DELETE', `/applications/${app}/commands/${created.body.id}`)).status).to.equal(204);
		expect(standIn.commands.list(null)).to.deep.equal([]);
		expect(standIn.commands.calls).to.deep.equal({ created: 2, edited: 1, deleted: 1, bulkOverwrites: 2 });
	});

	it('keeps user and message commands next to slash commands: mixed-case names with spaces, no description, no options', async () => {
		const app = standIn.applicationId;
		const guildId = standIn.guild('Beta Community').id;
		const first = await call('PUT', `/applications/${app}/guilds/${guildId}/commands`, [
			{ name: 'raffle', description: 'Raffles' },
			{ name: 'Save as quote', type: 3 }
		]);
		const menus = await call('PUT', `/applications/${app}/guilds/${guildId}/commands`, [
			{ name: 'raffle', description: 'Raffles' },
			{ name: 'Save as quote', type: 3 },
			{ name: 'Wave at', type: 2, description: '' }
		]);
		expect(
			menus.body.map((command: { name: string; type: number; description: string }) => [command.name, command.type, command.description])
		).to.deep.equal([
			['raffle', 1, 'Raffles'],
			['Save as quote', 3, ''],
			['Wave at', 2, '']
		]);
		expect(menus.body[1].id, 'a menu keeps its id by name and type').to.equal(first.body[1].id);
		expect(standIn.commands.find('Save as quote', guildId, 3)?.id).to.equal(first.body[1].id);
		expect(standIn.commands.find('Save as quote', guildId), 'not a slash command').to.equal(undefined);

		const described = await call('PUT', `/applications/${app}/guilds/${guildId}/commands`, [{ name: 'Wave at', type: 2, description: 'Waves' }]);
		expect([described.status, described.body.errors]).to.deep.equal([
			400,
			{
				description: {
					_errors: [{ code: 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID', message: 'Context menu commands cannot have description' }]
				}
			}
		]);
		const withOptions = await call('POST', `/applications/${app}/guilds/${guildId}/commands`, {
			name: 'Wave at',
			type: 2,
			options: [{ type: 3, name: 'how', description: 'How' }]
		});
		expect([withOptions.status, withOptions.body.errors]).to.deep.equal([
			400,
			{ options: { _errors: [{ code: 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID', message: 'Context menu commands cannot have options' }] } }
		]);
		expect(standIn.commands.list(guildId), 'a refused call changes nothing').to.have.length(3);
		await call('PUT', `/applications/${app}/guilds/${guildId}/commands`, []);
	});

	it('builds a context menu interaction as Discord sends it: the command’s id, name and type, target_id, and the target in data.resolved', () => {
		const guild = standIn.guild('Beta Community');
		const context = { applicationId: standIn.applicationId, users: standIn.state.users, nextId: () => standIn.state.snowflakes.next() };
		const place = { guild, channelId: guild.channel('general').id, userId: guild.member('beta-moderator').userId };
		const [onMessage, onUser] = standIn.commands.overwrite(
			[
				{ name: 'Save as quote', type: 3 },
				{ name: 'Wave at', type: 2 }
			],
			guild.id
		);
		const said = standIn.postMessage({ guild: 'Beta Community', member: 'beta-viewer', content: 'gg' });
		const viewerId = guild.member('beta-viewer').userId;

		const messagePayload = buildContextMenuInteraction(context, place, onMessage!, { message: said });
		expect(messagePayload).to.include({ type: 2, guild_id: guild.id, channel_id: place.channelId });
		expect(messagePayload).to.have.nested.property('member.user.id', place.userId);
		expect(messagePayload.data).to.deep.equal({
			id: onMessage!.id,
			name: 'Save as quote',
			type: 3,
			target_id: said.id,
			resolved: { messages: { [said.id]: said } },
			guild_id: guild.id
		});

		const userPayload = buildContextMenuInteraction(context, place, onUser!, { user: 'beta-viewer' });
		expect(userPayload.data).to.include({ id: onUser!.id, name: 'Wave at', type: 2, target_id: viewerId });
		expect(userPayload.data.resolved.users?.[viewerId]?.username).to.equal('beta-viewer');
		expect(userPayload.data.resolved.members?.[viewerId]).to.have.property('permissions').and.that.is.a('string');
		expect(userPayload.data.resolved.members?.[viewerId]).not.to.have.property('user');
		standIn.commands.overwrite([], guild.id);
	});

	it('creates, lists, edits and deletes channel messages, applying allowed_mentions', async () => {
		const channel = standIn.guild('Alpha Community').channel('general');
		const viewerId = standIn.guild('Alpha Community').member('alpha-viewer').userId;
		const posted = await call('POST', `/channels/${channel.id}/messages`, { content: `@everyone <@${viewerId}> won`, allowed_mentions: { parse: [] } });
		expect(posted.status).to.equal(200);
		expect(posted.body).to.include({ channel_id: channel.id, content: `@everyone <@${viewerId}> won`, mention_everyone: false, pinned: false, type: 0 });
		expect(posted.body.mentions).to.deep.equal([]);
		expect(posted.body.author.id).to.equal(standIn.botUser.id);

		const pinging = await call('POST', `/channels/${channel.id}/messages`, { content: `<@${viewerId}> won` });
		expect(pinging.body.mentions.map((user: { id: string }) => user.id)).to.deep.equal([viewerId]);

		const listed = await call('GET', `/channels/${channel.id}/messages?limit=1`);
		expect(listed.body.map((message: { id: string }) => message.id)).to.deep.equal([pinging.body.id]);
		const edited = await call('PATCH', `/channels/${channel.id}/messages/${posted.body.id}`, { content: 'edited' });
		expect(edited.body).to.include({ id: posted.body.id, content: 'edited' });
		expect(edited.body.edited_timestamp).to.be.a('string');
		expect((await call('DELETE', `/channels/${channel.id}/messages/${posted.body.id}`)).status).to.equal(204);
		expect((await call('GET', `/channels/${channel.id}/messages/${posted.body.id}`)).body.code).to.equal(10008);
		expect((await call('POST', `/channels/${channel.id}/messages`, {})).body.code).to.equal(50006);
	});

	it('parses multipart messages: payload_json as the body, files as attachments', async () => {
		const channel = standIn.guild('Beta Community').channel('general');
		const form = new FormData();
		form.append('payload_json', JSON.stringify({ content: 'report', attachments: [{ id: 0, filename: 'report.txt' }] }));
		form.append('files[0]', new Blob(['hello'], { type: 'text/plain' }), 'report.txt');
		const response = await fetch(`${standIn.apiUrl}/v10/channels/${channel.id}/messages`, {
			method: 'POST',
			headers: { authorization: `Bot ${standIn.token}` },
			body: form
		});
		const message = (await response.json()) as { content: string; attachments: { filename: string; size: number }[] };
		expect(message.content).to.equal('report');
		expect(message.attachments.map(({ filename, size }) => ({ filename, size }))).to.deep.equal([{ filename: 'report.txt', size: 5 }]);
		const logged = standIn.restLog.all().at(-1)!;
		expect(logged.body).to.deep.include({ content: 'report' });
		expect(logged.files).to.deep.equal([{ field: 'files[0]', filename: 'report.txt', size: 5, contentType: 'text/plain' }]);
	});

	it('answers interaction callbacks once, and decodes %40original in webhook paths', async () => {
		const guild = standIn.guild('Alpha Community');
		const payload = buildChatInputInteraction(
			{ applicationId: standIn.applicationId, users: standIn.state.users, nextId: () => standIn.state.snowflakes.next() },
			{ guild, channelId: guild.channel('general').id, userId: guild.member('alpha-owner').userId },
			{ name: 'points' },
			undefined
		);
		standIn.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
		const callback = `/interactions/${payload.id}/${payload.token}/callback`;
		expect((await call('POST', callback, { type: InteractionResponseType.DeferredChannelMessageWithSource }, false)).status).to.equal(204);
		expect((await call('POST', callback, { type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'x' } }, false)).body.code).to.equal(
			40060
		);

		const edited = await call('PATCH', `/webhooks/${standIn.applicationId}/${payload.token}/messages/%40original`, { content: 'done' }, false);
		expect(edited.body.content).to.equal('done');
		const logged = await standIn.waitForRestCall((logged) => logged.method === 'PATCH' && logged.path.endsWith('/messages/@original'));
		expect(logged.body).to.deep.equal({ content: 'done' });
		const followUp = await call('POST', `/webhooks/${standIn.applicationId}/${payload.token}?wait=true`, { content: 'more' }, false);
		expect(followUp.body.content).to.equal('more');
		expect(standIn.state.interactions.get(payload.id)?.snapshot()).to.include({
			content: 'done',
			type: InteractionResponseType.DeferredChannelMessageWithSource
		});
		expect((await call('GET', `/webhooks/${standIn.applicationId}/unknown-token/messages/@original`, undefined, false)).body.code).to.equal(10015);
	});

	describe("Discord's message limits", () => {
		const invalidFormBody = (errors: unknown) => ({ message: 'Invalid Form Body', code: 50035, errors });
		const tooLong = (limit: number) => ({ _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` }] });
		const required = { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] };
		const channelId = () => standIn.guild('Alpha Community').channel('bot-commands').id;
		const stored = () => standIn.state.messages.inChannel(channelId(), { limit: Number.MAX_SAFE_INTEGER }).length;
		const startInteraction = () => {
			const guild = standIn.guild('Alpha Community');
			const payload = buildChatInputInteraction(
				{ applicationId: standIn.applicationId, users: standIn.state.users, nextId: () => standIn.state.snowflakes.next() },
				{ guild, channelId: channelId(), userId: guild.member('alpha-owner').userId },
				{ name: 'points' },
				undefined
			);
			standIn.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
			return { callback: `/interactions/${payload.id}/${payload.token}/callback`, webhook: `/webhooks/${standIn.applicationId}/${payload.token}` };
		};

		it('refuses a channel message over a limit with 400 Invalid Form Body naming what is too long, and stores nothing', async () => {
			const before = stored();
			const refusals: [unknown, unknown][] = [
				[{ content: 'x'.repeat(2001) }, { content: tooLong(2000) }],
				[{ embeds: Array.from({ length: 11 }, () => ({ title: 'a' })) }, { embeds: tooLong(10) }],
				[
					{
						embeds: [
							{ title: 't'.repeat(257), description: 'd'.repeat(4097), footer: { text: 'f'.repeat(2049) }, author: { name: 'a'.repeat(257) } }
						]
					},
					{ embeds: { 0: { title: tooLong(256), description: tooLong(4096), footer: tooLong(2048), author: tooLong(256) } } }
				],
				[
					{ embeds: [{ title: 'ok' }, { fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] },
					{ embeds: { 1: { fields: tooLong(25) } } }
				],
				[
					{
						embeds: [
							{
								fields: [
									{ name: '', value: 'v'.repeat(1025) },
									{ name: 'n'.repeat(257), value: 'v' }
								]
							}
						]
					},
					{ embeds: { 0: { fields: { 0: { name: required, value: tooLong(1024) }, 1: { name: tooLong(256) } } } } }
				],
				[
					{ embeds: [{ description: 'd'.repeat(4096) }, { description: 'd'.repeat(1904), footer: { text: 'f' } }] },
					{ embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }] } }
				]
			];
			for (const [body, errors] of refusals) {
				const refused = await call('POST', `/channels/${channelId()}/messages`, body);
				expect(refused.status, JSON.stringify(errors)).to.equal(400);
				expect(refused.body).to.deep.equal(invalidFormBody(errors));
			}
			expect(stored(), 'no refused message was stored').to.equal(before);
		});

		it('counts code points as Discord does, and takes a message exactly at every limit', async () => {
			const atLimits = {
				content: '😀'.repeat(2000),
				embeds: [
					{ title: 't'.repeat(256), description: 'd'.repeat(4096), footer: { text: 'f'.repeat(1000) }, author: { name: 'a'.repeat(256) } },
					{ fields: [{ name: 'n'.repeat(256), value: 'v'.repeat(136) }] }
				]
			};
			const sent = await call('POST', `/channels/${channelId()}/messages`, atLimits);
			expect(sent.status).to.equal(200);
			expect(sent.body.content).to.have.length(4000, 'UTF-16 units: 2,000 code points');
		});

		it('refuses an edit over a limit or one that leaves the message empty, keeping the message as it was', async () => {
			const posted = await call('POST', `/channels/${channelId()}/messages`, { content: 'kept' });
			const path = `/channels/${channelId()}/messages/${posted.body.id}`;
			expect((await call('PATCH', path, { content: 'x'.repeat(2001) })).body).to.deep.equal(invalidFormBody({ content: tooLong(2000) }));
			expect((await call('PATCH', path, { content: '' })).body).to.deep.equal({ message: 'Cannot send an empty message', code: 50006 });
			expect((await call('GET', path)).body.content).to.equal('kept');
		});

		it('refuses interaction callbacks over a limit under `data`, acknowledging nothing, and empty ones with 50006', async () => {
			const { callback } = startInteraction();
			const refused = await call(
				'POST',
				callback,
				{ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'x'.repeat(2001) } },
				false
			);
			expect(refused.status).to.equal(400);
			expect(refused.body).to.deep.equal(invalidFormBody({ data: { content: tooLong(2000) } }));
			const empty = await call('POST', callback, { type: InteractionResponseType.ChannelMessageWithSource, data: { content: '' } }, false);
			expect(empty.body).to.deep.equal({ message: 'Cannot send an empty message', code: 50006 });
			expect(
				(await call('POST', callback, { type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'fits' } }, false)).status,
				'still unanswered'
			).to.equal(204);
		});

		it("refuses an update (7) of a component's message over a limit, leaving the message as it was", async () => {
			const guild = standIn.guild('Alpha Community');
			const posted = await call('POST', `/channels/${channelId()}/messages`, { content: 'with a button' });
			const payload = buildComponentInteraction(
				{ applicationId: standIn.applicationId, users: standIn.state.users, nextId: () => standIn.state.snowflakes.next() },
				{ guild, channelId: channelId(), userId: guild.member('alpha-owner').userId },
				posted.body,
				'press'
			);
			standIn.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
			const update = { type: InteractionResponseType.UpdateMessage, data: { embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] } };
			const refused = await call('POST', `/interactions/${payload.id}/${payload.token}/callback`, update, false);
			expect(refused.body).to.deep.equal(invalidFormBody({ data: { embeds: { 0: { fields: { 0: { value: tooLong(1024) } } } } } }));
			expect(standIn.state.messages.get(posted.body.id)?.embeds).to.deep.equal([]);
		});

		it('refuses follow-ups and edits of interaction messages over a limit, and an empty follow-up', async () => {
			const { callback, webhook } = startInteraction();
			await call('POST', callback, { type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'first' } }, false);
			expect((await call('PATCH', `${webhook}/messages/@original`, { content: 'x'.repeat(2001) }, false)).body).to.deep.equal(
				invalidFormBody({ content: tooLong(2000) })
			);
			expect((await call('PATCH', `${webhook}/messages/@original`, { embeds: [], content: '' }, false)).body.code).to.equal(50006);
			expect((await call('POST', `${webhook}?wait=true`, { embeds: Array.from({ length: 11 }, () => ({ title: 'a' })) }, false)).body).to.deep.equal(
				invalidFormBody({ embeds: tooLong(10) })
			);
			expect((await call('POST', `${webhook}?wait=true`, {}, false)).body).to.deep.equal({ message: 'Cannot send an empty message', code: 50006 });
			expect((await call('GET', `${webhook}/messages/@original`, undefined, false)).body.content).to.equal('first');
		});

		it("lets no slash command through with a string option outside the lengths it registered, as Discord's client does", async () => {
			const guildId = standIn.guild('Beta Community').id;
			await call('POST', `/applications/${standIn.applicationId}/guilds/${guildId}/commands`, {
				name: 'echo',
				description: 'Echoes',
				options: [{ type: 3, name: 'text', description: 'Text', min_length: 2, max_length: 5 }]
			});
			const run = (text: string) => () => standIn.runSlashCommand({ guild: 'Beta Community', member: 'beta-viewer', name: 'echo', options: { text } });
			expect(run('abcdef')).to.throw("Option 'text' takes at most 5 characters (6 given): Discord would not send this command");
			expect(run('a')).to.throw("Option 'text' takes at least 2 characters (1 given): Discord would not send this command");
		});
	});

	it('answers 429 with Retry-After and a JSON body to the next matching requests only', async () => {
		standIn.rateLimitNext({ path: '/users/@me', count: 2, retryAfter: 1.5, global: true });
		expect((await call('GET', '/gateway/bot')).status).to.equal(200);
		const limited = await call('GET', '/users/@me');
		expect(limited.status).to.equal(429);
		expect(limited.headers.get('retry-after')).to.equal('1.5');
		expect(limited.headers.get('x-ratelimit-global')).to.equal('true');
		expect(limited.body).to.deep.equal({ message: 'You are being rate limited.', retry_after: 1.5, global: true });
		expect((await call('GET', '/users/@me')).status).to.equal(429);
		expect((await call('GET', '/users/@me')).status).to.equal(200);
	});

	it('rejects a wait for a REST call that never comes with a message listing the calls seen', async () => {
		const from = standIn.restLog.mark();
		await call('GET', '/users/@me');
		const error = await standIn
			.waitForRestCall((logged) => logged.path === '/never', { from, timeoutMs: 50, description: 'GET /never' })
			.catch((caught: unknown) => caught as Error);
		expect((error as Error).message).to.equal('Timed out after 50 ms waiting for GET /never. REST calls seen (1):\n  GET /users/@me → 200');
	});
});
