import { ApplyOptions } from '@sapphire/decorators';
import { Events, Listener } from '@sapphire/framework';
import type { Client } from 'discord.js';
import { DIRECT_MESSAGE_CHANNEL_SWEEP_MS, forgetDirectMessageChannels } from '#lib/discord/clientCaches';

/** Once ready: the direct-message channels discord.js keeps are forgotten every few minutes (see forgetDirectMessageChannels). */
@ApplyOptions<Listener.Options>({ event: Events.ClientReady, once: true })
export class ForgetDirectMessageChannels extends Listener<typeof Events.ClientReady> {
	public override run(client: Client<true>): void {
		// Unreferenced: it never keeps a stopping bot alive.
		setInterval(() => forgetDirectMessageChannels(client), DIRECT_MESSAGE_CHANNEL_SWEEP_MS).unref();
	}
}
