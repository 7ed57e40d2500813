import { Command, Events, LogLevel, SapphireClient } from '@sapphire/framework';
import type { ClientOptions, Message } from 'discord.js';
import { STANDARD_TEST_INTENTS } from './connectClient.js';

/**
 * A minimal Sapphire bot (one `ping` command, slash and prefix) run in a child process by the
 * Sapphire test: Sapphire keeps its core pieces in process-wide state, so a client in the test
 * process would leave none for the project's own Sapphire tests. Configured like a real bot
 * through DISCORD_TOKEN and DISCORD_API_URL; talks to its parent over IPC.
 */
class PingCommand extends Command {
	public constructor(context: Command.LoaderContext, options: Command.Options) {
		super(context, { ...options, name: 'ping', description: 'Replies with pong' });
	}

	public override registerApplicationCommands(registry: Command.Registry): void {
		registry.registerChatInputCommand((builder) =>
			builder
				.setName('ping')
				.setDescription('Replies with pong')
				.addStringOption((option) => option.setName('echo').setDescription('Text to add'))
		);
	}

	public override async chatInputRun(interaction: Command.ChatInputCommandInteraction): Promise<void> {
		await interaction.reply(`pong ${interaction.options.getString('echo') ?? ''}`.trim());
	}

	public override async messageRun(message: Message): Promise<void> {
		await message.reply('pong (prefix)');
	}
}

export type PingBotEvent = { readonly event: 'registered' | 'reloaded' | 'stopped' } | { readonly event: 'failed'; readonly message: string };
export type PingBotCommand = 'reload' | 'stop';

const report = (event: PingBotEvent) => process.send?.(event);

const client = new SapphireClient({
	intents: STANDARD_TEST_INTENTS,
	baseUserDirectory: null,
	loadMessageCommandListeners: true,
	defaultPrefix: '!',
	logger: { level: LogLevel.Warn },
	waitGuildTimeout: 1_000,
	rest: { api: process.env.DISCORD_API_URL, retries: 0, timeout: 2_000, globalRequestsPerSecond: 1e6 }
} as unknown as ClientOptions);

process.on('message', (command: PingBotCommand) => {
	if (command === 'reload') {
		// What a restart does to commands: fetch the registered ones, compare, create or edit what differs.
		void client.stores
			.get('commands')
			.loadAll()
			.then(
				() => report({ event: 'reloaded' }),
				(error: Error) => report({ event: 'failed', message: error.message })
			);
	} else {
		void client.destroy().then(() => {
			report({ event: 'stopped' });
			process.disconnect();
		});
	}
});

client.once(Events.ApplicationCommandRegistriesRegistered, () => report({ event: 'registered' }));
await client.stores.get('commands').loadPiece({ name: 'ping', piece: PingCommand });
await client.login(process.env.DISCORD_TOKEN).catch((error: Error) => report({ event: 'failed', message: error.message }));
