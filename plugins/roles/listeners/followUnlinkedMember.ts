import { ApplyOptions } from '@sapphire/decorators';
import { Listener } from '@sapphire/framework';
import type { ClientEvents } from 'discord.js';
import { followLinkChange } from '../lib/followLinkChange.js';

/** A member's Kick account was unlinked (the linking plugin says so): the roles that came with the link go at once. */
@ApplyOptions<Listener.Options>({ event: 'kickAccountUnlinked' })
export class FollowUnlinkedMemberListener extends Listener<'kickAccountUnlinked'> {
	public override async run(...[change, context]: ClientEvents['kickAccountUnlinked']): Promise<void> {
		// The linking plugin's event, not the core's: the core does not skip the servers where this plugin is off.
		if (!context.pluginIsOn('roles')) return;
		await followLinkChange(context, change, false, new Date());
	}
}
