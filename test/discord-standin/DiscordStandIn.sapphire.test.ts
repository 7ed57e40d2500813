import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';
import type { PingBotCommand, PingBotEvent } from './sapphirePingBot.js';
import { waitFor } from './waitFor.js';

describe('DiscordStandIn with a Sapphire bot', () => {
	let standIn: DiscordStandIn;
	let bot: ChildProcess | undefined;
	const events: PingBotEvent[] = [];

	/** Sends a command to the bot process and waits for the event that answers it. */
	const ask = async (command: PingBotCommand, expected: PingBotEvent['event']) => {
		const seen = events.length;
		bot!.send(command);
		return awaitEvent(expected, seen);
	};
	const awaitEvent = (expected: PingBotEvent['event'], after = 0) =>
		waitFor({
			emitter: bot!,
			event: 'message',
			check: () => events.slice(after).find((event) => event.event === expected || event.event === 'failed'),
			describe: () => `the Sapphire bot to report '${expected}' (got: ${JSON.stringify(events)}). ${standIn.restLog.describe()}`
		}).then((event) => {
			if (event.event === 'failed') throw new Error(`The Sapphire bot failed: ${event.message}`);
			return event;
		});

	before(async () => {
		standIn = await DiscordStandIn.start({ seed: DEMO_SEED });
		bot = fork(fileURLToPath(new URL('./sapphirePingBot.js', import.meta.url)), {
			env: { ...process.env, DISCORD_TOKEN: standIn.token, DISCORD_API_URL: standIn.apiUrl },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		bot.on('message', (event: PingBotEvent) => events.push(event));
		await awaitEvent('registered');
	});

	after(async () => {
		if (bot && bot.exitCode === null && bot.connected) {
			const exited = once(bot, 'exit');
			bot.send('stop');
			await exited;
		}
		await standIn?.stop();
	});

	it('registers the application command (GET, then POST) and answers it', async () => {
		const commandsPath = `/applications/${standIn.applicationId}/commands`;
		const calls = standIn.restLog.filter((call) => call.path === commandsPath);
		expect(calls.map((call) => `${call.method} ${call.status}`)).to.deep.equal(['GET 200', 'POST 201']);
		expect(calls[0]?.query).to.deep.equal({ with_localizations: 'true' });
		expect(standIn.commands.calls).to.include({ created: 1, edited: 0 });
		expect(standIn.commands.find('ping', null)).to.include({
			name: 'ping',
			description: 'Replies with pong',
			application_id: standIn.applicationId,
			type: 1
		});

		const answer = await standIn.runSlashCommand({ guild: 'Alpha Community', member: 'alpha-viewer', name: 'ping', options: { echo: 'hi' } });
		expect(answer.content).to.equal('pong hi');
	});

	it('answers a prefix command', async () => {
		const reply = await standIn.sendMessage({ guild: 'Beta Community', channel: 'bot-commands', member: 'beta-viewer', content: '!ping' });
		expect(reply.content).to.equal('pong (prefix)');
	});

	it('echoes commands faithfully: comparing them again (as at a restart) changes nothing', async () => {
		const from = standIn.restLog.mark();
		await ask('reload', 'reloaded');
		const calls = standIn.restLog.filter((call) => call.path.endsWith('/commands'), from);
		expect(
			calls.map((call) => call.method),
			standIn.restLog.describe(from)
		).to.deep.equal(['GET']);
		expect(standIn.commands.calls).to.include({ created: 1, edited: 0 });
	});
});
