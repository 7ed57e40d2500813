import { ApplyOptions } from '@sapphire/decorators';
import { GuildTask, type GuildContext } from '#core';
import { syncRoles } from '../lib/syncRoles.js';

/** A server with changes left over (more than a sync makes) gets its next sync this soon, not at the next round. */
const CATCH_UP_DELAY_MS = 60_000;

/**
 * Every 10 minutes, for every server: linked members' roles brought where they should be (tiers
 * crossed, subscriptions expired). A few servers at once: a sync mostly waits on Discord.
 */
@ApplyOptions<GuildTask.Options>({
	interval: 10 * 60_000,
	serversAtOnce: 4,
	customJobOptions: { removeOnComplete: true, removeOnFail: 100 }
})
export class SyncRolesTask extends GuildTask {
	protected override async runFor(context: GuildContext): Promise<void> {
		const summary = await syncRoles(context, { now: new Date() });
		if (summary.status !== 'synced') return;
		const { granted, revoked, failed, pending, held, reported } = summary;
		this.container.logger.debug(
			`Roles sync for server ${context.guildId}: ${granted} given, ${revoked} taken back, ${failed} failed, ${pending} pending, ${held} held, ${reported} problem(s) reported.`
		);
		if (pending > 0) await this.scheduleFor(context.guildId, undefined, CATCH_UP_DELAY_MS);
	}
}

declare module '@sapphire/plugin-scheduled-tasks' {
	interface ScheduledTasks {
		syncRoles: never;
	}
}
