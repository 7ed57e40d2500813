/*
 * The provably fair draw (docs/provably-fair.md): plain functions over a ticket table, no Discord
 * and no database. The raffles plugin commits a seed when a period opens, reads its ticket table
 * into `drawWinners` at the draw, stores the record, and verifies or exports it later.
 */
export { RAFFLE_DRAW_ALGORITHM, TicketTableError, TicketTableFingerprint, commitSeed, compareKeys, seedCommitment } from './canonical.js';
export { drawWinners } from './draw.js';
export { DRAW_EXPORT_FORMAT, GZIP_ABOVE_BYTES, parseDrawExport, serializeDrawExport, type DrawExportFile } from './exportFormat.js';
export { pagedEntries, pagedTableText } from './pagedEntries.js';
export { uniformBelow } from '#core';
export type { DrawInput, DrawRecord, DrawWinner, ExcludedEntry, TicketEntries, TicketEntry, TicketTableText, VerifyResult } from './types.js';
export { verifyDraw } from './verify.js';
