import { once } from 'node:events';
import { expect } from 'chai';
import {
	ActionRowBuilder,
	ApplicationCommandType,
	ButtonBuilder,
	ButtonStyle,
	DiscordAPIError,
	Events,
	GatewayIntentBits,
	MessageFlags,
	Partials,
	PermissionFlagsBits,
	type ChatInputCommandInteraction,
	type Client,
	type Guild,
	type GuildMember,
	type Interaction
} from 'discord.js';
import { InteractionResponseType } from 'discord-api-types/v10';
import { connectClient, createClient } from './connectClient.js';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';

type InteractionHandler = (interaction: Interaction) => Promise<unknown>;

describe('DiscordStandIn with the real discord.js client', () => {
	let standIn: DiscordStandIn;
	let client: Client<true>;
	// Each test installs the bot behaviour it needs; the client keeps one listener.
	let onInteraction: InteractionHandler = async () => undefined;

	const guildNamed = (name: string): Guild => {
		const guild = client.guilds.cache.find((cached) => cached.name === name);
		if (!guild) throw new Error(`Guild '${name}' is not cached`);
		return guild;
	};
	const onSlash = (handler: (interaction: ChatInputCommandInteraction) => Promise<unknown>) => {
		onInteraction = async (interaction) => {
			if (interaction.isChatInputCommand()) await handler(interaction);
		};
	};

	before(async () => {
		standIn = await DiscordStandIn.start({ seed: DEMO_SEED });
		client = await connectClient(standIn);
		client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction));
		client.on(Events.MessageCreate, (message) => {
			if (!message.author.bot && message.content.startsWith('!echo ')) void message.reply(`echo: ${message.content.slice(6)}`);
			// Reads the files attached to the message from their urls.
			if (!message.author.bot && message.content === '!read')
				void Promise.all(message.attachments.map(async (file) => `${file.name} (${file.contentType}): ${await (await fetch(file.url)).text()}`)).then(
					(files) => message.reply(files.join(' | '))
				);
		});
	});

	after(async () => {
		await client?.destroy();
		await standIn?.stop();
	});

	it('caches both seeded guilds with their members, roles and channels when ready', () => {
		for (const name of ['Alpha Community', 'Beta Community']) {
			const guild = guildNamed(name);
			const seeded = standIn.guild(name);
			expect(guild.id).to.equal(seeded.id);
			expect(guild.ownerId).to.equal(seeded.member(name === 'Alpha Community' ? 'alpha-owner' : 'beta-owner').userId);
			expect(guild.members.cache.map((member) => member.user.username).sort()).to.have.members(
				[...seeded.members.keys()].map((userId) => seeded.user(userId).username)
			);
			expect(guild.roles.cache.map((role) => role.name)).to.include.members(['@everyone', 'Moderator', 'Viewer', standIn.botUser.username]);
			expect(guild.channels.cache.map((channel) => channel.name).sort()).to.deep.equal(['bot-commands', 'general']);
			expect(guild.members.me?.id).to.equal(standIn.botUser.id);
		}
		const alpha = guildNamed('Alpha Community');
		expect(
			alpha.members.cache.get(standIn.guild('Alpha Community').member('alpha-moderator').userId)?.permissions.has(PermissionFlagsBits.ManageGuild)
		).to.equal(true);
		expect(
			alpha.members.cache.get(standIn.guild('Alpha Community').member('alpha-viewer').userId)?.permissions.has(PermissionFlagsBits.ManageGuild)
		).to.equal(false);
		expect(client.application.id).to.equal(standIn.applicationId);
	});

	it('fires guildCreate for a guild added after ready and guildDelete when the bot is removed', async () => {
		const created = once(client, Events.GuildCreate);
		const added = standIn.addGuild({
			name: 'Gamma Community',
			roles: [{ name: 'Regular' }],
			channels: [{ name: 'lobby' }],
			members: [{ username: 'gamma-owner' }, { username: 'gamma-fan', roles: ['Regular'] }]
		});
		const [guild] = (await created) as [Guild];
		expect(guild.id).to.equal(added.id);
		expect(guild.members.cache.size).to.equal(3);
		expect(guild.roles.cache.find((role) => role.name === 'Regular')?.members.size).to.equal(1);

		const deleted = once(client, Events.GuildDelete);
		standIn.removeGuild('Gamma Community');
		const [gone] = (await deleted) as [Guild];
		expect(gone.id).to.equal(added.id);
		expect(client.guilds.cache.has(added.id)).to.equal(false);
	});

	it('runs a slash command and returns the reply with its flags', async () => {
		const responseMessageId = new Promise<string | undefined>((resolve) =>
			onSlash(async (interaction) => {
				const response = await interaction.reply({ content: `hello ${interaction.user.username}`, flags: MessageFlags.Ephemeral, withResponse: true });
				resolve(response.resource?.message?.id);
			})
		);
		const answer = await standIn.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-viewer', name: 'hello' });
		expect(answer.type).to.equal(InteractionResponseType.ChannelMessageWithSource);
		expect(answer.content).to.equal('hello alpha-viewer');
		expect(answer.ephemeral).to.equal(true);
		expect(await responseMessageId).to.equal(answer.message?.id);
	});

	it('follows deferReply + editReply, and lets a test await a later edit', async () => {
		onSlash(async (interaction) => {
			await interaction.deferReply();
			await interaction.editReply('working…');
			await interaction.editReply({ content: 'done', embeds: [{ title: 'Result' }] });
		});
		const answer = await standIn.runSlashCommand({ guild: 'Beta Community', member: 'beta-owner', channel: 'bot-commands', name: 'slow' });
		expect(answer.type).to.equal(InteractionResponseType.DeferredChannelMessageWithSource);
		expect(answer.content).to.equal('working…');
		expect(answer.ephemeral).to.equal(false);
		const final = await answer.interaction.waitForEdit();
		expect(final.content).to.equal('done');
		expect(final.embeds).to.deep.equal([{ title: 'Result' }]);
	});

	it('records follow-ups after a reply', async () => {
		onSlash(async (interaction) => {
			await interaction.reply('first');
			await interaction.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
		});
		const answer = await standIn.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-owner', name: 'twice' });
		expect(answer.content).to.equal('first');
		const followUp = await answer.interaction.waitForFollowUp();
		expect(followUp.content).to.equal('second');
		expect((followUp.flags ?? 0) & MessageFlags.Ephemeral).to.equal(MessageFlags.Ephemeral);
	});

	it('turns the first follow-up after a deferral into the reply, as Discord does', async () => {
		onSlash(async (interaction) => {
			await interaction.deferReply({ flags: MessageFlags.Ephemeral });
			await interaction.followUp('here it is');
		});
		const answer = await standIn.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-owner', name: 'deferred-follow-up' });
		expect(answer.content).to.equal('here it is');
		expect(answer.ephemeral).to.equal(true);
		expect(answer.followUps).to.have.length(0);
	});

	it('resolves user, role and channel options and gives the member permissions of the invoking member', async () => {
		let seen: Record<string, unknown> = {};
		onSlash(async (interaction) => {
			seen = {
				target: interaction.options.getUser('target', true).username,
				targetMember: interaction.options.getMember('target') !== null,
				role: interaction.options.getRole('role', true).name,
				channel: interaction.options.getChannel('where', true).name,
				amount: interaction.options.getInteger('amount', true),
				manageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
				guildId: interaction.guildId,
				appCanSend: interaction.appPermissions.has(PermissionFlagsBits.SendMessages),
				subcommand: interaction.options.getSubcommand()
			};
			await interaction.reply('ok');
		});
		await standIn.runSlashCommand({
			guild: 'Alpha Community',
			member: 'alpha-moderator',
			name: 'points',
			subcommand: 'give',
			options: {
				target: { type: 6, value: 'alpha-viewer' },
				role: { type: 8, value: 'Viewer' },
				where: { type: 7, value: 'general' },
				amount: 25
			}
		});
		expect(seen).to.deep.equal({
			target: 'alpha-viewer',
			targetMember: true,
			role: 'Viewer',
			channel: 'general',
			amount: 25,
			manageGuild: true,
			guildId: standIn.guild('Alpha Community').id,
			appCanSend: true,
			subcommand: 'give'
		});
	});

	it('puts a file of an attachment option in data.resolved.attachments and serves its bytes at its url, as Discord’s CDN does', async () => {
		let seen: Record<string, unknown> = {};
		onSlash(async (interaction) => {
			const file = interaction.options.getAttachment('file', true);
			const response = await fetch(file.url);
			const bytes = Buffer.from(await response.arrayBuffer()).toString('hex');
			seen = {
				name: file.name,
				size: file.size,
				contentType: file.contentType,
				status: response.status,
				served: response.headers.get('content-type'),
				bytes
			};
			await interaction.reply('read');
		});
		await standIn.runSlashCommand({
			guild: 'Alpha Community',
			member: 'alpha-moderator',
			channel: 'bot-commands',
			name: 'upload',
			options: { file: { filename: 'slots.csv', data: 'name\nSweet Bonanza\n' } }
		});
		const csv = 'text/csv; charset=utf-8';
		expect(seen).to.deep.equal({
			name: 'slots.csv',
			size: 19,
			contentType: csv,
			status: 200,
			served: csv,
			bytes: Buffer.from('name\nSweet Bonanza\n').toString('hex')
		});
		await standIn.runSlashCommand({
			guild: 'Alpha Community',
			member: 'alpha-moderator',
			name: 'upload',
			options: { file: { filename: 'logo', contentType: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) } }
		});
		expect(seen).to.deep.equal({ name: 'logo', size: 4, contentType: 'image/png', status: 200, served: 'image/png', bytes: '89504e47' });
		expect((await fetch(`${standIn.baseUrl}/attachments/1/2/nothing.csv`)).status).to.equal(404);
	});

	it('runs user and message commands registered in a bulk overwrite, by their id, with the target resolved as discord.js reads it', async () => {
		const alpha = standIn.guild('Alpha Community');
		const registered = await client.application.commands.set(
			[
				{ type: ApplicationCommandType.User, name: 'Wave at' },
				{ type: ApplicationCommandType.Message, name: 'Save as quote' }
			],
			alpha.id
		);
		expect(standIn.commands.list(alpha.id).map((command) => [command.name, command.type, command.description])).to.deep.equal([
			['Wave at', ApplicationCommandType.User, ''],
			['Save as quote', ApplicationCommandType.Message, '']
		]);
		const idOf = (name: string) => registered.find((command) => command.name === name)?.id;
		let seen: Record<string, unknown> = {};
		onInteraction = async (interaction) => {
			if (interaction.isUserContextMenuCommand()) {
				seen = {
					commandId: interaction.commandId,
					commandName: interaction.commandName,
					by: interaction.user.username,
					target: interaction.targetUser.username,
					targetIsModerator: (interaction.targetMember as GuildMember | null)?.roles.cache.some((role) => role.name === 'Moderator'),
					channel: interaction.channelId
				};
			} else if (interaction.isMessageContextMenuCommand()) {
				seen = {
					commandId: interaction.commandId,
					commandName: interaction.commandName,
					by: interaction.user.username,
					target: interaction.targetMessage.content,
					author: interaction.targetMessage.author.username,
					channel: interaction.channelId
				};
			} else return;
			await interaction.reply({ content: 'done', flags: MessageFlags.Ephemeral });
		};

		const onUser = await standIn.runContextMenu({
			guild: 'Alpha Community',
			member: 'alpha-viewer',
			channel: 'bot-commands',
			name: 'Wave at',
			targetUser: 'alpha-moderator'
		});
		expect([onUser.type, onUser.content, onUser.ephemeral]).to.deep.equal([InteractionResponseType.ChannelMessageWithSource, 'done', true]);
		expect(seen).to.deep.equal({
			commandId: idOf('Wave at'),
			commandName: 'Wave at',
			by: 'alpha-viewer',
			target: 'alpha-moderator',
			targetIsModerator: true,
			channel: alpha.channel('bot-commands').id
		});

		const said = standIn.postMessage({ guild: 'Alpha Community', channel: 'general', member: 'alpha-owner', content: 'gg ez' });
		await standIn.runContextMenu({ guild: 'Alpha Community', member: 'alpha-moderator', name: 'Save as quote', targetMessage: said.id });
		expect(seen).to.deep.equal({
			commandId: idOf('Save as quote'),
			commandName: 'Save as quote',
			by: 'alpha-moderator',
			target: 'gg ez',
			author: 'alpha-owner',
			channel: alpha.channel('general').id
		});

		expect(() => standIn.runContextMenu({ guild: 'Beta Community', member: 'beta-viewer', name: 'Save as quote', targetMessage: said.id })).to.throw(
			"No message command 'Save as quote' is registered for 'Beta Community': Discord would not show it under Apps"
		);
		expect(() => standIn.runContextMenu({ guild: 'Alpha Community', member: 'alpha-viewer', name: 'Save as quote', targetUser: 'alpha-owner' })).to.throw(
			"No user command 'Save as quote' is registered for 'Alpha Community'"
		);
		await client.application.commands.set([], alpha.id);
	});

	it('delivers a user’s DM (no guild) only to a client with the DirectMessages intent, and waits for the answer in that DM', async () => {
		const withDms = await connectClient(standIn, { intents: [GatewayIntentBits.DirectMessages], partials: [Partials.Channel] });
		const received: string[] = [];
		client.on(Events.MessageCreate, (message) => {
			if (!message.inGuild()) received.push(`without the intent: ${message.content}`);
		});
		withDms.on(Events.MessageCreate, (message) => {
			if (!message.author.bot) void message.reply(`got ${message.content} from ${message.author.username}, guild ${String(message.guildId)}`);
		});
		try {
			const answer = await standIn.sendDirectMessage({ user: 'alpha-viewer', content: 'hello' });
			expect(answer.content).to.equal('got hello from alpha-viewer, guild null');
			expect(answer.channel_id).to.equal(standIn.state.dmChannelWith(standIn.user('alpha-viewer').id).id);
			expect(received, 'the first client lacks the DirectMessages intent').to.deep.equal([]);
		} finally {
			await withDms.destroy();
		}
	});

	it('runs a slash command in a DM with no guild and context 1', async () => {
		onSlash(async (interaction) => interaction.reply(interaction.inGuild() ? 'in a guild' : `only in servers, ${interaction.user.username}`));
		const answer = await standIn.runSlashCommandInDm({ user: 'beta-viewer', name: 'points' });
		expect(answer.content).to.equal('only in servers, beta-viewer');
	});

	it('clicks a button: update (7), deferUpdate + edit (6) and a new reply (4)', async () => {
		onSlash((interaction) =>
			interaction.reply({
				content: 'count: 0',
				components: [
					new ActionRowBuilder<ButtonBuilder>().addComponents(
						new ButtonBuilder().setCustomId('increment').setLabel('+1').setStyle(ButtonStyle.Primary)
					)
				]
			})
		);
		const panel = await standIn.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-moderator', name: 'panel' });
		expect(panel.components).to.have.length(1);

		onInteraction = async (interaction) => {
			if (interaction.isButton()) await interaction.update({ content: 'count: 1' });
		};
		const updated = await standIn.clickButton({ guild: 'Alpha Community', member: 'alpha-viewer', message: panel.message!, customId: 'increment' });
		expect(updated.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(updated.content).to.equal('count: 1');
		expect(updated.message?.id).to.equal(panel.message?.id);

		onInteraction = async (interaction) => {
			if (!interaction.isButton()) return;
			await interaction.deferUpdate();
			await interaction.editReply({ content: 'count: 2' });
		};
		const deferred = await standIn.clickButton({ guild: 'Alpha Community', member: 'alpha-viewer', message: panel.message!.id, customId: 'increment' });
		expect(deferred.type).to.equal(InteractionResponseType.DeferredMessageUpdate);
		expect(deferred.content).to.equal('count: 2');

		onInteraction = async (interaction) => {
			if (interaction.isButton()) await interaction.reply({ content: `clicked by ${interaction.user.username}`, flags: MessageFlags.Ephemeral });
		};
		const reply = await standIn.clickButton({ guild: 'Alpha Community', member: 'alpha-owner', message: panel.message!, customId: 'increment' });
		expect(reply.type).to.equal(InteractionResponseType.ChannelMessageWithSource);
		expect(reply.content).to.equal('clicked by alpha-owner');
		expect(standIn.state.messages.get(panel.message!.id)?.content).to.equal('count: 2');
	});

	it('shows a modal', async () => {
		onSlash((interaction) =>
			interaction.showModal({
				customId: 'guess',
				title: 'Your guess',
				components: [{ type: 1, components: [{ type: 4, customId: 'amount', label: 'Amount', style: 1 }] }]
			})
		);
		const answer = await standIn.runSlashCommand({ guild: 'Beta Community', member: 'beta-viewer', name: 'gtb' });
		expect(answer.type).to.equal(InteractionResponseType.Modal);
		expect(answer.modal).to.include({ custom_id: 'guess', title: 'Your guess' });
	});

	it('types in an option: the bot reads the focused value and its suggestions are the answer’s choices', async () => {
		onInteraction = async (interaction) => {
			if (!interaction.isAutocomplete()) return;
			const focused = interaction.options.getFocused(true);
			await interaction.respond([{ name: `${interaction.options.getSubcommand()} ${focused.name}=${focused.value}`, value: focused.value }]);
		};
		const typing = { name: 'settings', subcommand: 'set', options: { key: 'pre', value: 'x' }, focused: 'key' };
		const answer = await standIn.runAutocomplete({ guild: 'Alpha Community', member: 'alpha-viewer', ...typing });
		expect(answer.type).to.equal(InteractionResponseType.ApplicationCommandAutocompleteResult);
		expect(answer.choices).to.deep.equal([{ name: 'set key=pre', value: 'pre' }]);
	});

	it('delivers the bot’s DMs, and refuses them with 50007 to a user whose DMs are closed', async () => {
		const open = await client.users.send(standIn.user('beta-viewer').id, 'hello');
		expect(open.channelId).to.equal(standIn.directMessageChannel('beta-viewer'));
		expect(standIn.state.messages.get(open.id)?.content).to.equal('hello');

		standIn.closeDirectMessages('beta-owner');
		const refused = await client.users.send(standIn.user('beta-owner').id, 'hello').catch((error: unknown) => error);
		expect(refused).to.be.an.instanceOf(DiscordAPIError);
		expect(refused).to.include({ status: 403, code: 50007 });
		expect(standIn.state.messages.inChannel(standIn.directMessageChannel('beta-owner'), { limit: 10 })).to.deep.equal([]);
	});

	it('sends a chat message and returns the bot reply', async () => {
		const reply = await standIn.sendMessage({ guild: 'Beta Community', channel: 'general', member: 'beta-viewer', content: '!echo hi there' });
		expect(reply.content).to.equal('echo: hi there');
		expect(reply.channel_id).to.equal(standIn.guild('Beta Community').channel('general').id);
		expect(reply.message_reference?.message_id).to.be.a('string');
		expect(
			standIn
				.messagesIn('Beta Community', 'general')
				.map((message) => message.content)
				.slice(0, 2)
		).to.deep.equal(['echo: hi there', '!echo hi there']);
	});

	it('sends a chat message with the member’s files attached, their bytes served at their urls', async () => {
		const reply = await standIn.sendMessage({
			guild: 'Alpha Community',
			channel: 'general',
			member: 'alpha-viewer',
			content: '!read',
			files: [
				{ filename: 'a.json', data: '[1]' },
				{ filename: 'b.txt', contentType: 'text/plain', data: Buffer.from('two') }
			]
		});
		expect(reply.content).to.equal('a.json (application/json; charset=utf-8): [1] | b.txt (text/plain): two');
		const posted = standIn.messagesIn('Alpha Community', 'general')[1]!;
		expect(
			posted.attachments.map(({ filename, size, url }) => ({ filename, size, served: url.startsWith(`${standIn.baseUrl}/attachments/`) }))
		).to.deep.equal([
			{ filename: 'a.json', size: 3, served: true },
			{ filename: 'b.txt', size: 3, served: true }
		]);
	});

	it('logs a role added through member.roles.add and updates the cache through GUILD_MEMBER_UPDATE', async () => {
		const seeded = standIn.guild('Beta Community');
		const viewerId = seeded.member('beta-viewer').userId;
		const moderatorRole = seeded.role('Moderator');
		const member = guildNamed('Beta Community').members.cache.get(viewerId)!;
		const from = standIn.restLog.mark();
		const updated = once(client, Events.GuildMemberUpdate);
		await member.roles.add(moderatorRole.id);
		await updated;
		const call = await standIn.waitForRestCall(
			(logged) => logged.method === 'PUT' && logged.path === `/guilds/${seeded.id}/members/${viewerId}/roles/${moderatorRole.id}`,
			{ from }
		);
		expect(call.status).to.equal(204);
		expect(call.headers.authorization).to.equal(`Bot ${standIn.token}`);
		expect(seeded.member('beta-viewer').roleIds).to.include(moderatorRole.id);
		expect(guildNamed('Beta Community').members.cache.get(viewerId)?.roles.cache.has(moderatorRole.id)).to.equal(true);

		const removed = once(client, Events.GuildMemberUpdate);
		await member.roles.set([seeded.role('Viewer').id]);
		await removed;
		expect(
			guildNamed('Beta Community')
				.members.cache.get(viewerId)
				?.roles.cache.map((role) => role.name)
				.sort()
		).to.deep.equal(['@everyone', 'Viewer']);
	});

	it('refuses a role change without Manage Roles with Missing Permissions (50013)', async () => {
		const created = once(client, Events.GuildCreate);
		const seeded = standIn.addGuild({
			name: 'Locked Community',
			roles: [{ name: 'VIP' }],
			channels: [{ name: 'general' }],
			members: [{ username: 'locked-owner' }],
			bot: { permissions: ['ViewChannel', 'SendMessages'] }
		});
		const [guild] = (await created) as [Guild];
		const error = await guild.members.cache
			.get(seeded.member('locked-owner').userId)!
			.roles.add(seeded.role('VIP').id)
			.catch((caught: unknown) => caught);
		expect(error).to.be.instanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).to.equal(50013);
		standIn.removeGuild(seeded.id);
	});

	it('seeds a role above the bot’s own, which the bot cannot give (50013) though it has Manage Roles', async () => {
		const created = once(client, Events.GuildCreate);
		const seeded = standIn.addGuild({
			name: 'Tiered Community',
			roles: [{ name: 'Head', aboveBot: true }, { name: 'VIP' }],
			channels: [{ name: 'general' }],
			members: [{ username: 'tiered-owner' }]
		});
		const [guild] = (await created) as [Guild];
		const botRole = guild.members.me!.roles.highest;
		expect(guild.roles.cache.find((role) => role.name === 'Head')!.comparePositionTo(botRole)).to.be.above(0);
		expect(guild.roles.cache.find((role) => role.name === 'VIP')!.comparePositionTo(botRole)).to.be.below(0);
		const member = guild.members.cache.get(seeded.member('tiered-owner').userId)!;

		const error = await member.roles.add(seeded.role('Head').id).catch((caught: unknown) => caught);
		expect(error).to.be.instanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).code).to.equal(50013);
		await member.roles.add(seeded.role('VIP').id);
		expect(seeded.member('tiered-owner').roleIds).to.deep.equal([seeded.role('VIP').id]);
		standIn.removeGuild(seeded.id);
	});

	it('answers a guild member request (op 8) with GUILD_MEMBERS_CHUNK', async () => {
		const members = await guildNamed('Alpha Community').members.fetch({ query: 'alpha-', limit: 10 });
		expect(members.map((member) => member.user.username).sort()).to.deep.equal(['alpha-moderator', 'alpha-owner', 'alpha-viewer']);
	});

	it('replays missed dispatches when the bot resumes after a forced disconnect', async () => {
		const joined = once(client, Events.GuildMemberAdd);
		const back = standIn.disconnect({ code: 4000 });
		const userId = standIn.addMember('Alpha Community', { username: 'late-joiner' });
		expect(await back).to.equal('resumed');
		const [member] = (await joined) as [{ id: string }];
		expect(member.id).to.equal(userId);
		expect(guildNamed('Alpha Community').members.cache.has(userId)).to.equal(true);
	});

	it('resumes after the socket drops without a close frame (1006)', async () => {
		const joined = once(client, Events.GuildMemberAdd);
		const back = standIn.disconnect({ code: 1006 });
		standIn.addMember('Beta Community', { username: 'dropped-joiner' });
		expect(await back).to.equal('resumed');
		await joined;
	});

	it('makes the bot identify again when its session is invalidated', async () => {
		const sessionsBefore = standIn.sessions().map((session) => session.id);
		const back = await standIn.disconnect({ code: 4000, invalidateSession: true });
		expect(back).to.equal('identified');
		expect(standIn.sessions().map((session) => session.id)).to.not.include.members(sessionsBefore);
		onSlash((interaction) => interaction.reply('still here'));
		expect((await standIn.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-owner', name: 'alive' })).content).to.equal('still here');
	});

	it('answers 429 when switched on, and discord.js waits and retries', async () => {
		const seeded = standIn.guild('Alpha Community');
		const ownerId = seeded.member('alpha-owner').userId;
		const path = `/guilds/${seeded.id}/members/${ownerId}`;
		standIn.rateLimitNext({ method: 'GET', path, retryAfter: 0.2 });
		const from = standIn.restLog.mark();
		const started = Date.now();
		const member = await guildNamed('Alpha Community').members.fetch({ user: ownerId, force: true });
		expect(member.id).to.equal(ownerId);
		expect(Date.now() - started).to.be.at.least(200);
		const calls = standIn.restLog.filter((call) => call.path === path, from);
		expect(calls.map((call) => call.status)).to.deep.equal([429, 200]);
		expect(calls[0]?.response).to.deep.equal({ message: 'You are being rate limited.', retry_after: 0.2, global: false });
		expect(calls[1]!.at - calls[0]!.at).to.be.at.least(200);
	});

	it('answers unknown routes with 404 that surfaces as DiscordAPIError', async () => {
		const error = await client.rest.get('/no/such/route').catch((caught: unknown) => caught);
		expect(error).to.be.instanceOf(DiscordAPIError);
		expect((error as DiscordAPIError).status).to.equal(404);
		expect((error as DiscordAPIError).code).to.equal(0);
	});

	it('fails with a clear message listing the REST calls when the bot never answers', async () => {
		onSlash(async () => undefined);
		const error = await standIn
			.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-owner', name: 'silent', timeoutMs: 300 })
			.catch((caught: unknown) => caught as Error);
		expect(error).to.be.instanceOf(Error);
		expect((error as Error).message).to.match(
			/Timed out after 300 ms waiting for the bot to answer.*\/silent by alpha-owner in 'Alpha Community'.*No REST calls were made/s
		);
	});
});

describe('DiscordStandIn realism for clients without privileged intents', () => {
	let standIn: DiscordStandIn;
	let client: Client<true> | undefined;

	before(async () => {
		standIn = await DiscordStandIn.start({ seed: DEMO_SEED });
	});

	after(async () => {
		await client?.destroy();
		await standIn?.stop();
	});

	it('rejects a wrong token at login with TokenInvalid', async () => {
		const wrong = createClient(standIn, { intents: [GatewayIntentBits.Guilds] });
		const failure = await wrong.login('not-the-token').catch((caught: unknown) => caught);
		await wrong.destroy();
		expect((failure as { code?: string }).code).to.equal('TokenInvalid');
		expect(standIn.restLog.all().at(-1)).to.include({ path: '/gateway/bot', status: 401 });
	});

	it("strips the content of other users' messages without the MessageContent intent, unless they mention the bot", async () => {
		client = await connectClient(standIn, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
		const received: string[] = [];
		client.on(Events.MessageCreate, (message) => {
			if (!message.author.bot) received.push(message.content);
		});
		const first = once(client, Events.MessageCreate);
		standIn.postMessage({ guild: 'Alpha Community', member: 'alpha-viewer', content: 'secret words' });
		await first;
		const second = once(client, Events.MessageCreate);
		standIn.postMessage({ guild: 'Alpha Community', member: 'alpha-viewer', content: `<@${standIn.botUser.id}> hello` });
		await second;
		expect(received).to.deep.equal(['', `<@${standIn.botUser.id}> hello`]);
	});
});
