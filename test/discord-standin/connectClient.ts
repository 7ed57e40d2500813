import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { DiscordStandIn } from './DiscordStandIn.js';

export const STANDARD_TEST_INTENTS = [
	GatewayIntentBits.Guilds,
	GatewayIntentBits.GuildMessages,
	GatewayIntentBits.MessageContent,
	GatewayIntentBits.GuildMembers
];

/** A real discord.js client pointed at the stand-in (not logged in). */
export function createClient(standIn: DiscordStandIn, options: Partial<ClientOptions> = {}): Client {
	// Cast: plugins of the project may augment ClientOptions with fields a bare client does not need.
	return new Client({ intents: STANDARD_TEST_INTENTS, ...standIn.clientOptions(), ...options } as ClientOptions);
}

/** A real discord.js client logged in to the stand-in, resolved once it is ready (all seeded guilds cached). */
export async function connectClient(standIn: DiscordStandIn, options: Partial<ClientOptions> = {}): Promise<Client<true>> {
	const client = createClient(standIn, options);
	const ready = once(client, Events.ClientReady);
	try {
		await client.login(standIn.token);
		await ready;
	} catch (error) {
		await client.destroy();
		throw error;
	}
	return client as Client<true>;
}
