/** One participant of the ticket table: a stable published key and a ticket count (> 0). */
export interface TicketEntry {
	/** The published participant key, e.g. `discord:<id>` or `kick:<lowercased name>`; the table is ordered by it (code point order). */
	readonly key: string;
	/** A positive whole number; participants without tickets are not in the table. */
	readonly tickets: number;
}

/**
 * Whole lines of the canonical table text, `key TAB tickets LF` each (the last one ends with LF
 * too), e.g. a page PostgreSQL built with `string_agg`: the cheapest form to read a big table in.
 */
export type TicketTableText = string;

/**
 * The ticket table, read once per call (a draw reads it once, a verification once, an export once).
 * It may yield, in table order, entries one by one, pages (arrays of entries) or pages of table text.
 */
export type TicketEntries = () =>
	AsyncIterable<TicketEntry | readonly TicketEntry[] | TicketTableText> | Iterable<TicketEntry | readonly TicketEntry[] | TicketTableText>;

/** An eligible participant left out of the draw, with the published reason. */
export interface ExcludedEntry {
	readonly key: string;
	readonly tickets: number;
	readonly reason: string;
}

/** One winner of a draw (see docs/provably-fair.md, "The algorithm"). */
export interface DrawWinner {
	/** 1 for the first winner of this draw, 2 for the second, … */
	readonly slot: number;
	/** The nonce of this slot: `firstNonce + slot - 1`. */
	readonly nonce: number;
	/** Tickets in play for this slot: the eligible tickets minus the earlier winners' tickets of this draw. */
	readonly remainingTickets: number;
	/** The winning ticket, in [0, remainingTickets). */
	readonly ticket: number;
	/** Candidates rejected before it (each was ≥ remainingTickets); the accepted one came from counter = rejections. */
	readonly rejections: number;
	readonly key: string;
	/** The winner's tickets. */
	readonly tickets: number;
	/** The winner's range in this slot's numbering: tickets rangeStart … rangeEnd − 1. */
	readonly rangeStart: number;
	readonly rangeEnd: number;
}

/** Everything needed to recompute a draw, JSON-serialisable (numbers are safe integers). */
export interface DrawRecord {
	readonly version: 1;
	/** The procedure, `RAFFLE_DRAW_ALGORITHM`. */
	readonly algorithm: string;
	/** Free text naming the draw (server, period, draw number), bound into the client seed; may be empty. */
	readonly label: string;
	/** The secret committed when the period opened, revealed by the draw: 64 lowercase hex characters. */
	readonly serverSeed: string;
	/** sha256 of the server seed's text, hex: what was shown when the period opened. */
	readonly commitment: string;
	/** sha256 of the canonical ticket table text, hex. */
	readonly fingerprint: string;
	/** Lines (participants) in the ticket table, excluded ones included. */
	readonly participants: number;
	/** Tickets in the ticket table, excluded ones included. */
	readonly totalTickets: number;
	/** Participants and tickets that own ranges: the table minus the excluded entries and the previous winners. */
	readonly eligibleParticipants: number;
	readonly eligibleTickets: number;
	/** Entries of the table left out, with the reason, in table order. */
	readonly excluded: readonly ExcludedEntry[];
	/** Keys that already won (rerolls), left out too; sorted, without duplicates. */
	readonly previousWinners: readonly string[];
	/** Winners asked for; fewer are drawn when fewer participants are eligible. */
	readonly requestedWinners: number;
	/** The nonce of slot 1. */
	readonly firstNonce: number;
	/** sha256 of the draw's inputs (commitment, fingerprint, label, winners, nonce, exclusions, previous winners), hex. */
	readonly clientSeed: string;
	readonly winners: readonly DrawWinner[];
}

/** What `drawWinners` needs. */
export interface DrawInput {
	readonly serverSeed: string;
	readonly commitment: string;
	readonly entries: TicketEntries;
	readonly winnerCount: number;
	/** The nonce of the first winner (default 1); a reroll takes the next unused nonce. */
	readonly firstNonce?: number;
	/** Keys left out of the draw, with the reason shown (keys without tickets are ignored). */
	readonly excluded?: ReadonlyMap<string, string>;
	/** Keys that already won this period: left out, for a reroll. */
	readonly previousWinners?: readonly string[];
	/** Names the draw in its record (e.g. `Server 123 · period 7 · draw 2`); one line of text. */
	readonly label?: string;
}

export interface VerifyResult {
	readonly ok: boolean;
	/** Every mismatch, in short plain words; empty when ok. */
	readonly problems: string[];
}
