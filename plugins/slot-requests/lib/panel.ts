import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown } from 'discord.js';
import type { ChannelMessage, GuildContext } from '#core';
import { huntLines, requestLine } from './describe.js';
import { currentHunt } from './hunts.js';
import { panelButtonId } from './slotIds.js';

/** What the panel shows of the queue's head. */
const NEXT_SHOWN = 5;

type PanelContext = Pick<GuildContext, 'guildId' | 'db' | 'settings' | 'postInChannel' | 'editInChannel'>;
type Log = (line: string) => void;

/** The panel as it is now: state, queue length, the next requests, the current pick, the hunt; and the moderators' buttons. */
export async function panelMessage(context: Pick<GuildContext, 'guildId' | 'db'>): Promise<ChannelMessage> {
	const { slotRequests } = context.db;
	const [state, head, current, hunt] = await Promise.all([
		slotRequests.state(),
		slotRequests.openPage(1, NEXT_SHOWN),
		slotRequests.currentPick(),
		currentHunt(context)
	]);
	const embed = new EmbedBuilder()
		.setTitle('🎰 Slot requests')
		.setColor(state.isOpen ? 0x2ecc71 : 0x95a5a6)
		.addFields(
			{ name: 'Requests', value: state.isOpen ? 'Open' : 'Closed', inline: true },
			{ name: 'Queue', value: `${head.total} open`, inline: true },
			{ name: 'Current pick', value: current === null ? 'none' : `${escapeMarkdown(requestLine(current.request))} · pick #${current.pick.nonce}` },
			{
				name: 'Next up',
				value: head.requests.length === 0 ? 'The queue is empty.' : head.requests.map((request) => escapeMarkdown(requestLine(request))).join('\n')
			}
		)
		.setFooter({ text: `Next pick's seed commitment (sha256): ${state.nextCommitment}` });
	if (hunt !== null && hunt.hunt.endedAt === null)
		embed.addFields({
			name: 'Bonus hunt',
			value: huntLines(hunt.hunt, hunt.figures)
				.slice(1)
				.map((line) => escapeMarkdown(line))
				.join('\n')
		});
	const button = (action: Parameters<typeof panelButtonId>[1], label: string, style: ButtonStyle, disabled = false) =>
		new ButtonBuilder().setCustomId(panelButtonId(context.guildId, action)).setLabel(label).setStyle(style).setDisabled(disabled);
	const rows = [
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			state.isOpen ? button('close', 'Close requests', ButtonStyle.Secondary) : button('open', 'Open requests', ButtonStyle.Success),
			button('pick', 'Pick random', ButtonStyle.Primary, head.total === 0),
			button('played', 'Played…', ButtonStyle.Success, current === null),
			button('skip', 'Skip', ButtonStyle.Secondary, current === null)
		),
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			button('clear', 'Clear queue', ButtonStyle.Danger, head.total === 0),
			button('blacklist', 'Blacklist caller…', ButtonStyle.Danger),
			button('refresh', 'Refresh', ButtonStyle.Secondary)
		)
	];
	return { content: '', embeds: [embed.toJSON()], components: rows.map((row) => row.toJSON()) };
}

/** Posts a new panel in a channel of this server, through the outbox; later changes edit it. */
export async function postPanel(context: PanelContext, channelId: string): Promise<void> {
	const key = `slot-requests:panel:${channelId}:${Date.now()}`;
	await context.postInChannel(channelId, await panelMessage(context), { key });
	await context.db.slotRequests.recordPanel(channelId, key);
}

/** Edits the panel to show things as they are now; 'none' when none was posted (or it is not sent yet, or gone). */
export async function refreshPanel(context: PanelContext, log: Log): Promise<'edited' | 'none'> {
	const state = await context.db.slotRequests.state();
	if (state.panelChannelId === null || state.panelPostKey === null) return 'none';
	const messageId = await context.db.slotRequests.postedMessageId(state.panelPostKey);
	if (messageId === null) return 'none';
	try {
		// Through Discord's REST API: a !sr may reach a process other than the one holding the server's shard.
		return (await context.editInChannel(state.panelChannelId, messageId, await panelMessage(context))) ? 'edited' : 'none';
	} catch (error) {
		log(`Slot requests: server ${context.guildId}: the panel could not be updated: ${String(error)}`);
		return 'none';
	}
}

const pending = new Map<bigint, NodeJS.Timeout>();
/** How long changes are gathered before the panel is edited once for all of them. */
export const PANEL_REFRESH_DELAY_MS = 750;

/**
 * The queue or hunt changed: the overlays are told at once, and the panel is edited once for the
 * changes of the next moment (a busy chat's requests make one edit, not one each).
 */
export function slotsChanged(context: PanelContext & Pick<GuildContext, 'overlayChanged'>, log: Log): void {
	context.overlayChanged('slot-requests');
	context.overlayChanged('hunt');
	if (pending.has(context.guildId)) return;
	const timer = setTimeout(() => {
		pending.delete(context.guildId);
		refreshPanel(context, log).catch((error: unknown) => log(`Slot requests: server ${context.guildId}: the panel refresh failed: ${String(error)}`));
	}, PANEL_REFRESH_DELAY_MS);
	timer.unref();
	pending.set(context.guildId, timer);
}
