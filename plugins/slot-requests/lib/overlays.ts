/*
 * The two OBS pages of the feature (see the core's OverlayDefinition): `slot-requests`, the queue
 * and the current pick, and `hunt`, the bonus hunt's figures. Their state is plain JSON, amounts as
 * text already formatted; the scripts draw with textContent only.
 */
import type { GuildContext, OverlayDefinition } from '#core';
import { times } from './describe.js';
import { currentHunt } from './hunts.js';
import { formatMoney } from './money.js';

/** Requests the queue overlay lists. */
const QUEUE_SHOWN = 10;

async function queueState(context: GuildContext): Promise<unknown> {
	const { slotRequests } = context.db;
	const [state, head, current] = await Promise.all([slotRequests.state(), slotRequests.openPage(1, QUEUE_SHOWN), slotRequests.currentPick()]);
	return {
		open: state.isOpen,
		total: head.total,
		queue: head.requests.map((request) => ({ id: request.id, slot: request.slotCall, by: request.kickUsername })),
		current: current === null ? null : { slot: current.request.slotCall, by: current.request.kickUsername, pick: current.pick.nonce }
	};
}

async function huntState(context: GuildContext): Promise<unknown> {
	const found = await currentHunt(context);
	if (found === null || found.hunt.endedAt !== null) return { running: false };
	const { figures } = found;
	const played = await context.db.slotHunts.played(found.hunt.id);
	return {
		running: true,
		start: formatMoney(figures.startBalance),
		balance: formatMoney(figures.balance),
		profit: formatMoney(figures.profit),
		bonuses: `${figures.played} / ${figures.played + figures.remaining}`,
		totalBet: formatMoney(figures.totalBet),
		totalPayout: formatMoney(figures.totalPayout),
		average: times(figures.averageMultiplier),
		breakEven: times(figures.breakEven),
		best: figures.best === null ? null : `${figures.best.bonus.slotCall} ${times(figures.best.multiplier)}`,
		biggest: figures.biggest === null ? null : `${figures.biggest.slotCall} ${formatMoney(figures.biggest.payout)}`,
		last: played
			.slice(-8)
			.reverse()
			.map((bonus) => ({ slot: bonus.slotCall, by: bonus.kickUsername, x: times({ numerator: bonus.payout, denominator: bonus.bet }) }))
	};
}

const QUEUE_SCRIPT = `
function render(state, root) {
	root.replaceChildren();
	const el = (tag, className, text) => { const node = document.createElement(tag); node.className = className; if (text !== undefined) node.textContent = text; return node; };
	const box = el('div', 'sr-box');
	box.append(el('div', 'sr-title', 'Slot requests · ' + (state.open ? 'open' : 'closed') + ' · ' + state.total + ' in queue'));
	if (state.current) box.append(el('div', 'sr-current', '▶ ' + state.current.slot + ' — ' + state.current.by));
	const list = el('ol', 'sr-queue');
	for (const request of state.queue) {
		const item = el('li', 'sr-item');
		item.append(el('span', 'sr-slot', request.slot), el('span', 'sr-by', request.by));
		list.append(item);
	}
	if (state.queue.length === 0) list.append(el('li', 'sr-empty', 'No requests yet'));
	box.append(list);
	root.append(box);
}`;

const HUNT_SCRIPT = `
function render(state, root) {
	root.replaceChildren();
	const el = (tag, className, text) => { const node = document.createElement(tag); node.className = className; if (text !== undefined) node.textContent = text; return node; };
	const box = el('div', 'hunt-box');
	if (!state.running) { box.append(el('div', 'hunt-title', 'No bonus hunt running')); root.append(box); return; }
	box.append(el('div', 'hunt-title', 'Bonus hunt · ' + state.bonuses + ' bonuses'));
	const grid = el('dl', 'hunt-grid');
	const facts = [['Start', state.start], ['Balance', state.balance], ['Profit', state.profit], ['Bet', state.totalBet], ['Paid', state.totalPayout],
		['Average', state.average], ['Break-even', state.breakEven], ['Best', state.best || '–'], ['Biggest', state.biggest || '–']];
	for (const [name, value] of facts) grid.append(el('dt', 'hunt-name', name), el('dd', 'hunt-value', value));
	box.append(grid);
	const list = el('ol', 'hunt-last');
	for (const bonus of state.last) {
		const item = el('li', 'hunt-item');
		item.append(el('span', 'hunt-slot', bonus.slot), el('span', 'hunt-x', bonus.x));
		list.append(item);
	}
	box.append(list);
	root.append(box);
}`;

const STYLE = `
.sr-box, .hunt-box { display: inline-block; min-width: 320px; padding: 12px 16px; border-radius: 10px; background: rgba(12, 14, 20, 0.55); }
.sr-title, .hunt-title { font-weight: 700; font-size: 18px; margin-bottom: 6px; }
.sr-current { font-size: 20px; font-weight: 700; color: #53fc18; margin-bottom: 6px; }
.sr-queue, .hunt-last { margin: 0; padding-left: 22px; }
.sr-item, .hunt-item { display: flex; gap: 10px; justify-content: space-between; }
.sr-by { opacity: 0.75; } .sr-empty { opacity: 0.6; list-style: none; margin-left: -22px; }
.hunt-grid { display: grid; grid-template-columns: auto auto; gap: 2px 14px; margin: 0 0 8px; }
.hunt-name { opacity: 0.75; } .hunt-value { margin: 0; font-weight: 600; text-align: right; }
.hunt-x { font-weight: 700; color: #53fc18; }`;

export const slotOverlays: Readonly<Record<string, OverlayDefinition>> = {
	'slot-requests': { title: 'Slot requests: the queue and the current pick', state: queueState, script: QUEUE_SCRIPT, style: STYLE },
	hunt: { title: 'Bonus hunt: balance, bonuses, totals and the best', state: huntState, script: HUNT_SCRIPT, style: STYLE }
};
