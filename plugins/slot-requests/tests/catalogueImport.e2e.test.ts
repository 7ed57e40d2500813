import { expect } from 'chai';
import { InteractionResponseType } from 'discord-api-types/v10';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import type { UserFile } from '#test/discord-standin/messagePayloads';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';

const ALPHA = '1990000000000000500';
const BETA = '1990000000000000600';
const BETA_ROWS = [{ server: BETA, name: 'Gates of Olympus', provider: 'Beta Games', banned: true, is_active: true }];

describe('slot-requests: /slots catalogue import with a file attached, and !slots catalogue import, end to end', function () {
	this.timeout(120_000);

	let under: BotUnderTest;
	let discord: DiscordStandIn;

	const importFile = (member: string, file?: UserFile) =>
		discord.runSlashCommand({
			guild: 'Alpha',
			member,
			name: 'slots',
			subcommandGroup: 'catalogue',
			subcommand: 'import',
			options: file === undefined ? {} : { file }
		});
	const rows = () =>
		under.sql('SELECT discord_server_id::text AS server, name, provider, banned, is_active FROM shuffle_slots ORDER BY discord_server_id, name');
	const alphaRows = async () => (await rows()).filter((row) => row.server === ALPHA);
	const betaRows = async () => (await rows()).filter((row) => row.server === BETA);
	const reportOf = (attachmentId: string | undefined) => discord.state.attachmentData.get(attachmentId ?? '')?.toString('utf8');

	before(async () => {
		under = await BotUnderTest.start({ guilds: [community(ALPHA, 'Alpha', 'alpha'), community(BETA, 'Beta', 'beta')] });
		discord = under.standIn;
		for (const [guild, options] of [
			['Alpha', { name: 'Gates of Olympus', provider: 'Pragmatic' }],
			['Beta', { name: 'Gates of Olympus', provider: 'Beta Games' }]
		] as const) {
			const added = await discord.runSlashCommand({
				guild,
				member: `${guild.toLowerCase()}-moderator`,
				name: 'slots',
				subcommandGroup: 'catalogue',
				subcommand: 'add',
				options
			});
			expect(added.content).to.equal('Added Gates of Olympus to the catalogue.');
		}
		const banned = await discord.runSlashCommand({
			guild: 'Beta',
			member: 'beta-moderator',
			name: 'slots',
			subcommandGroup: 'catalogue',
			subcommand: 'ban',
			options: { slot: 'Gates of Olympus' }
		});
		expect(banned.content).to.match(/Gates of Olympus/);
		expect(await betaRows()).to.deep.equal(BETA_ROWS);
	});

	after(async () => {
		await under?.stop();
	});

	it('imports a CSV file a moderator attaches to /slots catalogue import: added, updated and refused lines, the report to them alone', async () => {
		const answer = await importFile('alpha-moderator', {
			filename: 'slots.csv',
			data: 'name,provider,banned\nGates of Olympus,Pragmatic Play,no\nSugar Rush,Pragmatic Play,\n,Nameless,\nWanted Dead or a Wild,Hacksaw,maybe\n'
		});
		expect(answer.type).to.equal(InteractionResponseType.DeferredChannelMessageWithSource);
		expect(answer.ephemeral).to.equal(true);
		expect(answer.content).to.equal(
			['Catalogue import: 1 added, 1 updated, 0 unchanged, 2 refused.', 'Line 4: no name', 'Line 5: banned is not true or false (got "maybe")'].join('\n')
		);
		expect(answer.message?.attachments.map((attachment) => attachment.filename)).to.deep.equal(['catalogue-import-report.csv']);
		expect(reportOf(answer.message?.attachments[0]?.id)).to.equal(
			'line,name,outcome\n2,"Gates of Olympus",updated\n3,"Sugar Rush",added\n4,,"refused: no name"\n5,,"refused: banned is not true or false (got ""maybe"")"\n'
		);
		expect(await alphaRows()).to.deep.equal([
			{ server: ALPHA, name: 'Gates of Olympus', provider: 'Pragmatic Play', banned: false, is_active: true },
			{ server: ALPHA, name: 'Sugar Rush', provider: 'Pragmatic Play', banned: false, is_active: true }
		]);
		expect(await betaRows(), 'Beta’s catalogue is its own').to.deep.equal(BETA_ROWS);
	});

	it('imports a JSON file the same way', async () => {
		const answer = await importFile('alpha-moderator', {
			filename: 'slots.json',
			data: JSON.stringify({
				slots: [{ name: 'sugar rush', banned: true }, { name: 'Book of Dead', provider: 'Play’n GO', active: false }, 'Gates of Olympus', 42]
			})
		});
		expect(answer.content).to.equal(
			['Catalogue import: 1 added, 1 updated, 1 unchanged, 1 refused.', 'Line 4: not a slot (give a name, or an object with a name)'].join('\n')
		);
		expect(await alphaRows()).to.deep.equal([
			{ server: ALPHA, name: 'Book of Dead', provider: 'Play’n GO', banned: false, is_active: false },
			{ server: ALPHA, name: 'Gates of Olympus', provider: 'Pragmatic Play', banned: false, is_active: true },
			{ server: ALPHA, name: 'sugar rush', provider: 'Pragmatic Play', banned: true, is_active: true }
		]);
		expect(await betaRows()).to.deep.equal(BETA_ROWS);
	});

	it('refuses a member who is not a moderator, in both forms, and changes nothing', async () => {
		const before = await rows();
		const bySlash = await importFile('alpha-viewer', { filename: 'slots.csv', data: 'name\nViewer Slot\n' });
		expect([bySlash.type, bySlash.ephemeral, bySlash.content]).to.deep.equal([
			InteractionResponseType.ChannelMessageWithSource,
			true,
			'Only moderators can import slots.'
		]);
		const byPrefix = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-viewer',
			content: '!slots catalogue import',
			files: [{ filename: 'slots.csv', data: 'name\nViewer Slot\n' }]
		});
		expect(byPrefix.content).to.equal('Only moderators can import slots.');
		expect(await rows()).to.deep.equal(before);
	});

	it('refuses a file that is too large, not CSV or JSON, or not text, with a short answer, and changes nothing', async () => {
		const before = await rows();
		const tooLarge = await importFile('alpha-moderator', { filename: 'huge.csv', data: `name\n${'Slot\n'.repeat(110_000)}` });
		expect(tooLarge.content).to.equal('The file is over 512 KiB. Nothing was changed.');
		const image = await importFile('alpha-moderator', { filename: 'slots.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) });
		expect(image.content).to.equal('slots.png is not a CSV or JSON file (.csv, .json or .txt). Nothing was changed.');
		const spreadsheet = await importFile('alpha-moderator', { filename: 'slots.xlsx', data: 'PK\u0003\u0004' });
		expect(spreadsheet.content).to.equal('slots.xlsx is not a CSV or JSON file (.csv, .json or .txt). Nothing was changed.');
		const binary = await importFile('alpha-moderator', { filename: 'slots.csv', data: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x00]) });
		expect(binary.content).to.equal('The file is not text (UTF-8): save it as CSV UTF-8 or JSON. Nothing was changed.');
		expect([tooLarge, image, spreadsheet, binary].map((answer) => [answer.ephemeral, answer.message?.attachments.length])).to.deep.equal(
			Array.from({ length: 4 }, () => [true, 0])
		);
		expect(await rows()).to.deep.equal(before);
	});

	it('opens the form to paste the text when /slots catalogue import has no file', async () => {
		const answer = await importFile('alpha-moderator');
		expect(answer.type).to.equal(InteractionResponseType.Modal);
		expect(answer.modal).to.include({ custom_id: `slots:import:${ALPHA}`, title: 'Import slots (CSV or JSON)' });
	});

	it('imports the file attached to !slots catalogue import, and asks for one when there is none', async () => {
		const imported = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-moderator',
			content: '!slots catalogue import',
			files: [{ filename: 'more.csv', data: 'name;provider\nBig Bass Bonanza;Pragmatic Play\nsugar rush;Pragmatic Play\n' }]
		});
		expect(imported.content).to.equal('Catalogue import: 1 added, 0 updated, 1 unchanged, 0 refused.');
		expect(reportOf(imported.attachments[0]?.id)).to.equal('line,name,outcome\n2,"Big Bass Bonanza",added\n3,"sugar rush",unchanged\n');
		expect((await alphaRows()).map((row) => row.name)).to.deep.equal(['Big Bass Bonanza', 'Book of Dead', 'Gates of Olympus', 'sugar rush']);

		const tooLarge = await discord.sendMessage({
			guild: 'Alpha',
			channel: 'general',
			member: 'alpha-moderator',
			content: '!slots catalogue import',
			files: [{ filename: 'huge.json', data: `[${'"Slot",'.repeat(80_000)}"Slot"]` }]
		});
		expect(tooLarge.content).to.equal('The file is over 512 KiB. Nothing was changed.');
		const none = await discord.sendMessage({ guild: 'Alpha', channel: 'general', member: 'alpha-moderator', content: '!slots catalogue import' });
		expect(none.content).to.equal(
			'Attach the CSV or JSON file to !slots catalogue import (or paste its text in the form of /slots catalogue import). Nothing was changed.'
		);
		expect((await alphaRows()).map((row) => row.name)).to.deep.equal(['Big Bass Bonanza', 'Book of Dead', 'Gates of Olympus', 'sugar rush']);
		expect(await betaRows()).to.deep.equal(BETA_ROWS);
	});
});
