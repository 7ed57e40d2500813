/** What !uptime answers, from the live status Kick reported for the channel. */
export function describeUptime(status: { readonly channelSlug: string; readonly isLive: boolean | null; readonly liveSince: Date | null }, now: Date): string {
	if (status.isLive !== true)
		return status.isLive === null ? `${status.channelSlug} has not gone live since the bot was linked.` : `${status.channelSlug} is offline.`;
	if (status.liveSince === null) return `${status.channelSlug} is live.`;
	return `${status.channelSlug} has been live for ${formatDuration(now.getTime() - status.liveSince.getTime())}.`;
}

/** "2h 5m", "12m", "40s": the largest two units that matter. */
export function formatDuration(milliseconds: number): string {
	const seconds = Math.max(0, Math.floor(milliseconds / 1000));
	const hours = Math.floor(seconds / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
	if (minutes > 0) return `${minutes}m`;
	return `${seconds}s`;
}
