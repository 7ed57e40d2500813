import { expect } from 'chai';
import { parseChatTemplate, renderChatTemplate, type ChatCall, type ChatTemplate, type ChatVariableCatalog } from '#lib/chat/chatTemplate';
import type { ChatVariableProvider, ChatVariableRequest } from '#lib/chat/chatVariables';
import type { GuildContext } from '#lib/guild/GuildContext';
import type { GuildSettings } from '#lib/settings/GuildSettings';

// The template engine of chat replies, with a made-up plugin's variables: parsing, one pass, one request per plugin.

const requests: ChatVariableRequest[] = [];
const points: ChatVariableProvider = {
	variables: { points: 'the viewer’s points', points_rank: 'the viewer’s place' },
	resolve: (request) => {
		requests.push(request);
		return Promise.resolve({ points: '{user} 1,234 @everyone', points_rank: '#2' });
	}
};
const catalog: ChatVariableCatalog = new Map([
	['points', { plugin: 'points', description: 'the viewer’s points', provider: points }],
	['points_rank', { plugin: 'points', description: 'the viewer’s place', provider: points }]
]);

function contextWith(off: readonly string[]): GuildContext {
	const settings = { get: (key: string) => (key === 'kick_channel' ? 'alpha_tv' : null) } as unknown as GuildSettings;
	return { guildId: 1n, settings, pluginIsOn: (plugin: string) => !off.includes(plugin) } as unknown as GuildContext;
}

function parse(text: string): ChatTemplate {
	const parsed = parseChatTemplate(text, { strict: true, catalog });
	if (!parsed.ok) throw new Error(parsed.error);
	return parsed.template;
}

function call(args: string, words: readonly string[] = args.split(/\s+/).filter(Boolean)): ChatCall {
	return { user: 'alice', args, words, uses: 1234, viewer: { kickName: 'alice', kickUserId: '7', discordUserId: null }, random: () => 0.5 };
}

const render = (text: string, args = '', off: readonly string[] = []) => renderChatTemplate(parse(text), call(args), contextWith(off), catalog);

describe('Chat templates (the variables of custom command replies)', () => {
	beforeEach(() => {
		requests.length = 0;
	});

	it('fills the call’s variables', async () => {
		expect(await render('{user} hugs {target} ({arg2}|{arg3}) on {channel}: {args} #{uses}', '@bob twice')).to.equal(
			'alice hugs bob (twice|) on alpha_tv: @bob twice #1,234'
		);
		expect(await render('{user} hugs {target}')).to.equal('alice hugs alice');
	});

	it('prints what the caller typed as typed: variables and mentions in {args} stay text, nothing is filled twice', async () => {
		expect(await render('You said: {args}', '{points} {user} @everyone <@&123> {random 1-9}')).to.equal(
			'You said: {points} {user} @everyone <@&123> {random 1-9}'
		);
		// A plugin’s value is not read for variables either.
		expect(await render('{points}')).to.equal('{user} 1,234 @everyone');
	});

	it('keeps braces around variables and unclosed ones as text', async () => {
		expect(await render('{{user}} {not closed {user}')).to.equal('{alice} {not closed alice');
		expect(await render('}{user}{')).to.equal('}alice{');
	});

	it('asks a plugin once per reply for all its variables, and not when it is off here (its variables read "(unavailable)")', async () => {
		expect(await render('{points} points, {points_rank}, again {points}')).to.equal('{user} 1,234 @everyone points, #2, again {user} 1,234 @everyone');
		expect(requests).to.have.length(1);
		expect([...requests[0]!.names]).to.deep.equal(['points', 'points_rank']);
		expect(requests[0]!.viewer).to.deep.equal({ kickName: 'alice', kickUserId: '7', discordUserId: null });

		requests.length = 0;
		expect(await render('{user}: {points} ({points_rank})', '', ['points'])).to.equal('alice: (unavailable) ((unavailable))');
		expect(requests).to.have.length(0);
		expect(await render('no plugin here {user}')).to.equal('no plugin here alice');
		expect(requests).to.have.length(0);
	});

	it('picks random numbers in the range and random choices', async () => {
		expect(await render('{random 1-100} {random 5-5} {random -10--1}')).to.equal('51 5 -5');
		expect(await render('{random.pick rock | paper | scissors}')).to.equal('paper');
	});

	it('refuses, when saving, unknown variables and bad parameters with a line that names them', () => {
		const refusals = ['{nope}', '{random}', '{random 9-1}', '{random a-b}', '{random.pick }', '{random.pick a||b}', '{user please}', '{arg10}'].map(
			(text) => {
				const parsed = parseChatTemplate(text, { strict: true, catalog });
				return parsed.ok ? 'accepted' : parsed.error;
			}
		);
		expect(refusals).to.deep.equal([
			'Unknown variable {nope}: /command variables lists them.',
			'Write {random 1-100}: a range of whole numbers.',
			'{random 9-1}: the first number must not be above the second.',
			'Write {random 1-100}: a range of whole numbers.',
			'Write {random.pick a|b|c}: choices separated by |.',
			'Write {random.pick a|b|c}: choices separated by |.',
			'{user} takes nothing after its name.',
			'Unknown variable {arg10}: /command variables lists them.'
		]);
	});

	it('leaves, in a stored response, what it does not know as typed', async () => {
		const parsed = parseChatTemplate('{nope} {user} {random 9-1}', { strict: false, catalog });
		expect(parsed.ok).to.equal(true);
		if (parsed.ok) expect(await renderChatTemplate(parsed.template, call(''), contextWith([]), catalog)).to.equal('{nope} alice {random 9-1}');
	});
});
