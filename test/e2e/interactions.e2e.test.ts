import { join } from 'node:path';
import { expect } from 'chai';
import { ApplicationCommandType, InteractionContextType, InteractionResponseType } from 'discord-api-types/v10';
import { compiledRoot } from '#lib/paths';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';

const ALPHA = '1700000000000000100';
const BETA = '1700000000000000200';
const PANEL_PLUGINS = join(compiledRoot, 'test', 'fixtures', 'plugins-interactions');

describe('Buttons and selects of server features (GuildInteractionHandler) and context menus (GuildCommand), end to end', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;

	const postPanel = async (guild: string) => (await standIn.runSlashCommand({ guild, member: `${guild.toLowerCase()}-viewer`, name: 'panel' })).message!;

	before(async () => {
		under = await BotUnderTest.start(
			{
				guilds: [
					community(ALPHA, 'Alpha', 'alpha', { members: [{ username: 'sam' }] }),
					community(BETA, 'Beta', 'beta', { members: [{ username: 'sam' }] })
				]
			},
			{},
			{ pluginsDirectory: PANEL_PLUGINS }
		);
		standIn = under.standIn;
		const answer = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'set',
			options: { key: 'prefix', value: '?' }
		});
		expect(answer.content).to.equal('**prefix** is now `?` in this server.');
	});

	after(async () => {
		await under?.stop();
	});

	it('gives a button the context of the server it is clicked in, as an argument', async () => {
		const alphaPanel = await postPanel('Alpha');
		const betaPanel = await postPanel('Beta');

		const inAlpha = await standIn.clickButton({ guild: 'Alpha', member: 'sam', message: alphaPanel, customId: 'panel:prefix' });
		expect(inAlpha.ephemeral).to.equal(true);
		expect(inAlpha.content).to.equal(`prefix in ${ALPHA}: ?`);

		const inBeta = await standIn.clickButton({ guild: 'Beta', member: 'sam', message: betaPanel, customId: 'panel:prefix' });
		expect(inBeta.content).to.equal(`prefix in ${BETA}: !`);
	});

	it('gives a select the context of its server and what the handler parsed from it', async () => {
		const alphaPanel = await postPanel('Alpha');
		const chosen = await standIn.clickButton({
			guild: 'Alpha',
			member: 'alpha-viewer',
			message: alphaPanel,
			customId: 'panel:setting',
			values: ['prefix']
		});
		expect(chosen.type).to.equal(InteractionResponseType.UpdateMessage);
		expect(chosen.message?.content).to.equal(`prefix in ${ALPHA}: ?`);

		const betaPanel = await postPanel('Beta');
		const inBeta = await standIn.clickButton({ guild: 'Beta', member: 'beta-viewer', message: betaPanel, customId: 'panel:setting', values: ['prefix'] });
		expect(inBeta.message?.content).to.equal(`prefix in ${BETA}: !`);
	});

	it('gives a user context menu the member it was used on and the context of the server it is used in, as its slash form', async () => {
		const menu = standIn.commands.find('Show profile', null, ApplicationCommandType.User);
		expect(menu?.contexts, 'registered for servers only').to.deep.equal([InteractionContextType.Guild]);

		const inAlpha = await standIn.runContextMenu({ guild: 'Alpha', member: 'alpha-moderator', name: 'Show profile', targetUser: 'sam' });
		expect([inAlpha.ephemeral, inAlpha.content]).to.deep.equal([true, `sam in ${ALPHA} (prefix ?), asked by a moderator`]);
		const inBeta = await standIn.runContextMenu({ guild: 'Beta', member: 'beta-viewer', name: 'Show profile', targetUser: 'sam' });
		expect(inBeta.content).to.equal(`sam in ${BETA} (prefix !), asked by a member`);

		const bySlash = await standIn.runSlashCommand({ guild: 'Beta', member: 'beta-moderator', name: 'profile', options: { member: 'sam' } });
		expect(bySlash.content).to.equal(`sam in ${BETA} (prefix !), asked by a moderator`);
	});

	it('answers a click in a DM that it works in a server only, and runs nothing', async () => {
		const panel = (await standIn.runSlashCommandInDm({ user: 'sam', name: 'panel' })).message!;
		const from = under.bot.mark();

		const clicked = await standIn.clickButtonInDm({ user: 'sam', message: panel, customId: 'panel:prefix' });
		expect(clicked.ephemeral).to.equal(true);
		expect(clicked.content).to.equal('This works in a server only: use it in the server it belongs to.');

		const chosen = await standIn.clickButtonInDm({ user: 'sam', message: panel, customId: 'panel:setting', values: ['prefix'] });
		expect(chosen.type).to.equal(InteractionResponseType.ChannelMessageWithSource);
		expect(chosen.content).to.equal('This works in a server only: use it in the server it belongs to.');
		expect(standIn.state.messages.get(panel.id)?.content, 'the panel was not updated').to.equal('Panel');
		expect(under.bot.text(from)).not.to.match(/error/i);
	});
});
