import { cpuUsage, hrtime } from 'node:process';
import type { GuildContext, GuildSettings, KickChatMessageEvent } from '#core';
import { testGuildContext } from '#test/helpers/guildContext';
import { shippedPlugins } from '#test/helpers/loadedPlugins';
import { definePluginBench, type PluginBenchTools } from '#test/helpers/pluginBench';
import { answerKickChat } from '../lib/answerKickChat.js';
import { CommandTables } from '../lib/CommandTable.js';
import type { CustomCommandRunner } from '../lib/runCustomCommand.js';
import { UseCounter } from '../lib/UseCounter.js';

/*
 * Kick chat messages that call a custom command, from the event to the queued reply, as the chat
 * listener runs them (answerKickChat): the command found in the server's table, the response
 * filled with three plugin variables ({points}, {points_rank}: one query; {watchtime}: one
 * query), the use counted in memory. Against two limits in the same rounds: the same variables
 * read alone (the providers' queries, no chat path), and a command without plugin variables.
 */

const SERVERS = 100;
const VIEWERS = 200;
const MESSAGES = 2000;
const AT_ONCE = 50;
const FIRST_SERVER = 2_400_000_000_000_000_000n;
const RESPONSE = '{user}: {points} points ({points_rank}), watched {watchtime}';

interface Measured {
	readonly wallMs: number;
	readonly cpuMs: number;
	readonly statements: number;
}

export default definePluginBench({
	section: 'custom-commands',
	async run(tools) {
		await seed(tools);
		const catalog = (await shippedPlugins()).chatVariables;
		const shared = tools.sharedState(`bench-custom-commands-${process.pid}`);
		const settings = { get: (key: string) => (key === 'prefix' ? '!' : key === 'plugins_off' ? [] : null) } as unknown as GuildSettings;
		let queued = 0;
		const contexts: GuildContext[] = Array.from({ length: SERVERS }, (_, index) => {
			const guildId = FIRST_SERVER + BigInt(index);
			return {
				...testGuildContext({ guildId, settings, db: tools.database.forGuild(guildId), shared: shared.forGuild(guildId) }),
				// The outbox's insert is measured in section 4; here the reply is handed over and counted.
				sayInKickChat: () => {
					queued++;
					return Promise.resolve({ status: 'queued' } as never);
				}
			};
		});
		const uses = new UseCounter({ flushEveryMs: 3_600_000 });
		const runner: CustomCommandRunner = { tables: new CommandTables({ catalog: () => catalog }), uses, catalog: () => catalog };
		const eventOf = (index: number, command: string): KickChatMessageEvent => ({
			type: 'chat.message.sent',
			broadcasterUserId: String(5_000_000 + (index % SERVERS)),
			eventKey: `bench-${index}`,
			receivedVia: 'webhook',
			at: new Date(),
			messageId: `bench-message-${index}`,
			sender: { userId: String(9_000_000 + (index % VIEWERS)), username: `viewer_${index % VIEWERS}`, channelSlug: null, badges: [] },
			content: `!${command}`,
			repliesTo: null
		});
		const commandEvents = Array.from({ length: MESSAGES }, (_, index) => eventOf(index, 'rank'));
		const plainEvents = Array.from({ length: MESSAGES }, (_, index) => eventOf(index, 'hello'));
		const chat = (events: readonly KickChatMessageEvent[]) =>
			measure(tools, events, (event, index) => answerKickChat(contexts[index % SERVERS]!, event, runner, () => false) ?? Promise.resolve(null));
		const variablesAlone = (events: readonly KickChatMessageEvent[]) =>
			measure(tools, events, async (event, index) => {
				const viewer = { kickName: event.sender.username, kickUserId: event.sender.userId, discordUserId: null };
				const context = contexts[index % SERVERS]!;
				await Promise.all([
					catalog.get('points')!.provider.resolve({ names: new Set(['points', 'points_rank']), viewer }, context),
					catalog.get('watchtime')!.provider.resolve({ names: new Set(['watchtime']), viewer }, context)
				]);
			});
		try {
			const rounds: { command: Measured; plain: Measured; alone: Measured }[] = [];
			for (let round = 0; round <= tools.rounds; round++) {
				const before = queued;
				const measured = { command: await chat(commandEvents), plain: await chat(plainEvents), alone: await variablesAlone(commandEvents) };
				if (queued - before !== 2 * MESSAGES) throw new Error(`round ${round} queued ${queued - before} replies, not ${2 * MESSAGES}`);
				// Round 0 warms up: the tables, the plans, the pool.
				if (round > 0) rounds.push(measured);
				tools.progress(
					`round ${round}: command ${perCpuSecond(measured.command)}/s of CPU, ${measured.command.statements} statements; plain ${perCpuSecond(measured.plain)}/s; variables alone ${perCpuSecond(measured.alone)}/s`
				);
			}
			await uses.close();
			return report(rounds);
		} finally {
			await shared.close();
		}
	}
});

/** The servers with their command, and each server's viewers with points and watch time. */
async function seed(tools: PluginBenchTools): Promise<void> {
	await tools.database.exec(`
		INSERT INTO servers (discord_server_id) SELECT ${FIRST_SERVER} + s FROM generate_series(0, ${SERVERS - 1}) AS s;
		INSERT INTO custom_commands (discord_server_id, command, response)
		SELECT ${FIRST_SERVER} + s, 'rank', '${RESPONSE}' FROM generate_series(0, ${SERVERS - 1}) AS s
		UNION ALL SELECT ${FIRST_SERVER} + s, 'hello', 'Hello {user}, welcome!' FROM generate_series(0, ${SERVERS - 1}) AS s;
		INSERT INTO watchtime (discord_server_id, username, minutes, last_active)
		SELECT ${FIRST_SERVER} + s, 'viewer_' || v, 1 + v * 7, now() FROM generate_series(0, ${SERVERS - 1}) AS s, generate_series(0, ${VIEWERS - 1}) AS v;`);
	const names = Array.from({ length: VIEWERS }, (_, index) => `viewer_${index}`);
	for (let index = 0; index < SERVERS; index++) {
		const points = tools.database.forGuild(FIRST_SERVER + BigInt(index)).points;
		// Different balances, so ranks differ.
		for (let step = 0; step < 4; step++) await points.creditMany(names.slice(step * 50), { amount: 100, source: 'bench', reason: 'Seed' });
	}
	for (const table of ['custom_commands', 'watchtime', 'user_points', 'point_ledger']) await tools.database.exec(`VACUUM ANALYZE ${table}`);
	tools.progress(`seeded ${SERVERS} servers × ${VIEWERS} viewers with points and watch time`);
}

async function measure(
	tools: PluginBenchTools,
	events: readonly KickChatMessageEvent[],
	handle: (event: KickChatMessageEvent, index: number) => Promise<unknown>
): Promise<Measured> {
	const statements = tools.database.statements.length;
	const cpu = cpuUsage();
	const started = hrtime.bigint();
	for (let start = 0; start < events.length; start += AT_ONCE)
		await Promise.all(events.slice(start, start + AT_ONCE).map((event, offset) => handle(event, start + offset)));
	const used = cpuUsage(cpu);
	return {
		wallMs: Number(hrtime.bigint() - started) / 1e6,
		cpuMs: (used.user + used.system) / 1000,
		statements: tools.database.statements.length - statements
	};
}

const perCpuSecond = (measured: Measured) => Math.round((MESSAGES / measured.cpuMs) * 1000).toLocaleString('en-US');
const perWallSecond = (measured: Measured) => Math.round((MESSAGES / measured.wallMs) * 1000).toLocaleString('en-US');

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function report(rounds: readonly { command: Measured; plain: Measured; alone: Measured }[]): string[] {
	const medianOf = (pick: (round: (typeof rounds)[number]) => Measured): Measured => ({
		wallMs: median(rounds.map((round) => pick(round).wallMs)),
		cpuMs: median(rounds.map((round) => pick(round).cpuMs)),
		statements: median(rounds.map((round) => pick(round).statements))
	});
	const command = medianOf((round) => round.command);
	const plain = medianOf((round) => round.plain);
	const alone = medianOf((round) => round.alone);
	const row = (name: string, measured: Measured) =>
		`| ${name} | ${perCpuSecond(measured)} | ${perWallSecond(measured)} | ${((measured.cpuMs / MESSAGES) * 1000).toFixed(0)} | ${(measured.statements / MESSAGES).toFixed(2)} |`;
	return [
		`## Custom commands: a chat message that calls a command with three plugin variables`,
		'',
		`${SERVERS} servers, each with \`!rank\` (\`${RESPONSE}\`) and \`!hello\` (\`Hello {user}, welcome!\`), and ${VIEWERS} viewers with points and watch time. ` +
			`${MESSAGES.toLocaleString('en-US')} chat messages per case, ${AT_ONCE} at a time, spread over the servers, through \`answerKickChat\` as the chat listener runs it; ` +
			`the reply is handed to a stand-in for the outbox (its insert is in section 4). CPU is the bench process's (user + system); the database and Redis run beside it. Median of ${rounds.length} rounds after a warm-up round.`,
		'',
		'| case | messages per CPU second | messages per wall second | CPU µs per message | statements per message |',
		'| --- | --- | --- | --- | --- |',
		row('`!rank`: command found, 3 plugin variables filled, reply queued', command),
		row('limit: the same variables read alone (the providers’ queries, no chat path)', alone),
		row('`!hello`: a command without plugin variables', plain),
		'',
		`\`!rank\` ÷ variables alone, in CPU per message: ${(command.cpuMs / alone.cpuMs).toFixed(2)}×.`
	];
}
