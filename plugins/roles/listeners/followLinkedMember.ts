import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import type { ClientEvents } from 'discord.js';
import { followLinkChange } from '../lib/followLinkChange.js';

/** A member linked their Kick account (the linking plugin says so): their tier and subscriber roles at once. */
@ApplyOptions<Listener.Options>({ event: 'kickAccountLinked' })
export class FollowLinkedMemberListener extends Listener<'kickAccountLinked'> {
	public override async run(...[change, context]: ClientEvents['kickAccountLinked']): Promise<void> {
		// The linking plugin's event, not the core's: the core does not skip the servers where this plugin is off.
		if (!context.pluginIsOn('roles')) return;
		await followLinkChange(context, change, true, new Date());
	}
}
