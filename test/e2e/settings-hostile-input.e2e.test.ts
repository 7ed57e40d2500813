import { expect } from 'chai';
import { BotUnderTest, community } from '#test/e2e/BotUnderTest';
import type { DiscordStandIn } from '#test/discord-standin/DiscordStandIn';
import { settingKeysWith } from '#test/helpers/loadedPlugins';

const ALPHA = '1500000000000000300';
/** The core's own settings keys; the plugins' come from their manifests. */
const CORE_KEYS = [
	'kick_alerts_channel_id',
	'kick_broadcaster_user_id',
	'kick_channel',
	'kick_chat_min_interval_ms',
	'kick_chatroom_id',
	'kick_reply_max_age_seconds',
	'moderator_role_id',
	'plugins_off',
	'prefix'
];
/** What Discord receives: the accepted characters escaped, so they show as typed rather than as markdown. */
const PREFIX_ACCEPTS =
	'1 to 5 visible characters, such as ! ? $ . - or letters; no spaces, invisible, combining or full-width characters, quotes, brackets, or \\* \\_ ~ | \\` > # @ < \\\\';

/**
 * What an attacker with moderator rights (or a compromised moderator account) types into
 * /settings: every answer is one a user can read, within Discord's limits (the stand-in refuses
 * more, as Discord does), and nothing invalid is written.
 */
describe('Hostile input to /settings, end to end', function () {
	this.timeout(60_000);

	let under: BotUnderTest;
	let standIn: DiscordStandIn;
	/** Every settings key, as the answer to an unknown one lists them. */
	let keys: string;

	const set = (key: string, value: string) =>
		standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'settings', subcommand: 'set', options: { key, value } });
	const stored = async () =>
		(await under.sql<{ key: string; value: string }>('SELECT key, value FROM bot_settings WHERE discord_server_id = $1 ORDER BY key', [ALPHA])).map(
			(row) => `${row.key}=${row.value}`
		);

	before(async () => {
		under = await BotUnderTest.start({ guilds: [community(ALPHA, 'Alpha', 'alpha')] });
		standIn = under.standIn;
		keys = (await settingKeysWith(CORE_KEYS)).join(', ');
	});

	after(async () => {
		await under?.stop();
	});

	it('refuses ids a snowflake cannot be: over PostgreSQL’s BIGINT (2^63−1), over 2^64−1, or with a leading zero', async () => {
		for (const value of ['18446744073709551616', '18446744073709551615', '9223372036854775808', '00000000000000000', '<@&01234567890123456>']) {
			const answer = await set('moderator_role_id', value);
			expect(answer.content, value).to.equal('`moderator_role_id` accepts a role of this server (@role or its id), or "none". Nothing was changed.');
		}
		expect(await stored()).to.deep.equal([]);
		expect((await set('moderator_role_id', '9223372036854775807')).content, 'the largest id parses, and is then looked for in the server').to.equal(
			'`moderator_role_id` accepts a role of this server (@role or its id), or "none"; this server has no role with the id 9223372036854775807. Nothing was changed.'
		);
		expect((await set('moderator_role_id', 'none')).content).to.equal('**moderator_role_id** is now `none` in this server.');
	});

	it('refuses prefixes of invisible, direction-changing or markdown characters, and quotes, saying what a prefix takes', async () => {
		for (const value of ['\u200b!', '\u202e!', '**', '||', '"abc', '！']) {
			const answer = await set('prefix', value);
			expect(answer.ephemeral).to.equal(true);
			expect(answer.content, JSON.stringify(value)).to.equal(`\`prefix\` accepts ${PREFIX_ACCEPTS}. Nothing was changed.`);
		}
		expect(await stored()).to.deep.equal(['moderator_role_id=none']);
		const server = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-viewer', content: '!server' });
		expect(server.embeds[0]?.title, 'the prefix is still !').to.equal('Alpha');
	});

	it('refuses a NUL in a value with a clear answer, not "failed on our side", writing nothing', async () => {
		const answer = await set('prefix', '?\0');
		expect(answer.content).to.equal(
			`\`prefix\` accepts ${PREFIX_ACCEPTS}; the value has a control character (such as NUL or a line break), which no setting takes. Nothing was changed.`
		);
		const typed = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: '!settings set kick_chat_min_interval_ms 2000\0' });
		expect(typed.content).to.equal(
			'`kick_chat_min_interval_ms` accepts a whole number from 250 to 60000; the value has a control character (such as NUL or a line break), which no setting takes. Nothing was changed.'
		);
		expect(await stored()).to.deep.equal(['moderator_role_id=none']);
	});

	it('echoes an unknown key in a code span, so a link in it is not clickable and markdown is not applied', async () => {
		const key = '[Verify](https://evil.example)';
		expect((await set(key, 'x')).content).to.equal(`There is no setting \`${key}\`. Settings: ${keys}.`);
		const viewed = await standIn.runSlashCommand({
			guild: 'Alpha',
			member: 'alpha-moderator',
			name: 'settings',
			subcommand: 'view',
			options: { key: `||${key}||` }
		});
		expect(viewed.content).to.equal(`There is no setting \`||${key}||\`. Settings: ${keys}.`);
		const backticks = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: '!settings set a`[x](https://evil.example)`b 1' });
		expect(backticks.content, 'a backtick cannot close the code span').to.equal(
			`There is no setting \`aˋ[x](https://evil.example)ˋb\`. Settings: ${keys}.`
		);
	});

	it('answers a 4,000-character unknown key (a Nitro member’s message) within Discord’s 2,000 characters, the key cut', async () => {
		const key = 'k'.repeat(3980);
		const answer = new RegExp(`^There is no setting \`${'k'.repeat(99)}…\`\\. Settings: ${keys}\\.`);
		expect((await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: `!settings set ${key} x` })).content).to.match(answer);
		// The view goes by DM, and the notice in the channel cuts the key too.
		const directMessages = standIn.directMessageChannel('alpha-moderator');
		const notice = await standIn.sendMessage({ guild: 'Alpha', member: 'alpha-moderator', content: `!settings view ${key}` });
		expect(notice.content).to.equal(`I sent you the setting \`${'k'.repeat(99)}…\` by DM.`);
		expect((await standIn.waitForBotMessage({ channelId: directMessages })).content).to.match(answer);
	});

	it('registers the key option with at most 100 characters, so Discord sends no longer key', () => {
		expect(() => set('k'.repeat(101), 'x')).to.throw("Option 'key' takes at most 100 characters (101 given): Discord would not send this command");
		expect(() =>
			standIn.runSlashCommand({ guild: 'Alpha', member: 'alpha-moderator', name: 'settings', subcommand: 'reset', options: { key: 'k'.repeat(101) } })
		).to.throw(/takes at most 100 characters/);
	});
});
