import type { GuildContext, OverlayDefinition } from '#core';
import { formatMoney } from './amount.js';

/** What the overlay page draws: the latest round, or none. */
export interface GtbOverlayState {
	readonly round: {
		readonly number: number;
		readonly status: 'open' | 'closed' | 'finished';
		readonly guesses: number;
		readonly finalBalance: string | null;
		readonly winners: readonly { readonly place: number; readonly name: string; readonly guess: string }[];
	} | null;
}

/** The state of the server's latest round, in two queries at most (the guess count of an open round, the winners of a finished one). */
export async function gtbOverlayState(context: Pick<GuildContext, 'db'>): Promise<GtbOverlayState> {
	const round = await context.db.gtb.latestRound();
	if (round === null) return { round: null };
	const winners = round.status === 'finished' ? await context.db.gtb.winners(round.number) : [];
	return {
		round: {
			number: round.number,
			status: round.status,
			guesses: round.guessCount ?? (await context.db.gtb.guessCount(round.number)),
			finalBalance: round.finalCents === null ? null : formatMoney(round.finalCents),
			winners: winners.map((winner) => ({ place: winner.place ?? 0, name: winner.kickUsername, guess: formatMoney(winner.cents) }))
		}
	};
}

// Runs in the overlay page: text only through textContent, so nothing a viewer typed becomes markup.
const script = String.raw`
function render(state, root) {
	root.replaceChildren();
	var box = document.createElement('div');
	box.className = 'gtb';
	root.appendChild(box);
	function line(className, text) {
		var element = document.createElement('div');
		element.className = className;
		element.textContent = text;
		box.appendChild(element);
		return element;
	}
	var round = state && state.round;
	if (!round) {
		box.classList.add('gtb-none');
		line('gtb-title', 'Guess the balance');
		line('gtb-status', 'No round yet');
		return;
	}
	box.classList.add('gtb-' + round.status);
	line('gtb-title', 'Guess the balance #' + round.number);
	var status = round.status === 'open' ? 'Open: type !gtb <amount>' : round.status === 'closed' ? 'Closed' : 'Final balance ' + round.finalBalance;
	line('gtb-status', status);
	line('gtb-count', round.guesses === 1 ? '1 guess' : round.guesses + ' guesses').setAttribute('data-guesses', String(round.guesses));
	if (round.winners.length > 0) {
		var list = document.createElement('ol');
		list.className = 'gtb-winners';
		round.winners.forEach(function (winner) {
			var item = document.createElement('li');
			item.textContent = winner.name + ' · ' + winner.guess;
			list.appendChild(item);
		});
		box.appendChild(list);
	}
}
`;

const style = `
.gtb { display: inline-block; padding: 8px 12px; min-width: 220px; }
.gtb-title { font-size: 22px; font-weight: 700; }
.gtb-status { font-size: 16px; opacity: 0.9; margin-top: 4px; }
.gtb-count { font-size: 28px; font-weight: 700; margin-top: 6px; }
.gtb-open .gtb-status { color: #7CFC9A; }
.gtb-winners { margin: 8px 0 0; padding-left: 22px; font-size: 16px; }
`;

/** The `gtb` overlay: the latest round, open or closed, its number of guesses, and the winners once the result is in. */
export const gtbOverlay: OverlayDefinition = {
	title: 'Guess the balance: the round, its number of guesses and its winners',
	state: (context) => gtbOverlayState(context),
	script,
	style
};
