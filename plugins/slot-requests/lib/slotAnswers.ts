/*
 * What /slots and /hunt answer (and their page buttons show): lists paginated, moderators'
 * actions answered to the moderator alone, nobody pinged (the core's answers ping no one).
 */
import { escapeMarkdown } from 'discord.js';
import { pageButtons, type CommandAnswer, type GuildContext } from '#core';
import { IMPORT_MAX_BYTES, isCatalogueFileKind, readCatalogueFile } from './catalogueImport.js';
import { huntLines, requestLine, times } from './describe.js';
import { currentHunt } from './hunts.js';
import { formatMoney } from './money.js';
import { verifyPick } from './pickFairness.js';
import { listPageId } from './slotIds.js';
import { SLOT_NAME_MAX } from './slotNames.js';

export const PAGE_SIZE = 10;

const text = (content: string, visibility: CommandAnswer['visibility'] = 'caller'): CommandAnswer => ({ content, visibility });
export const refusal = (content: string): CommandAnswer => ({ content, visibility: 'refusal' });

export function onlyModerators(what: string): CommandAnswer {
	return refusal(`Only moderators can ${what}.`);
}

/** A page of the open queue, oldest first. */
export async function answerQueue(context: Pick<GuildContext, 'guildId' | 'db'>, page: number): Promise<CommandAnswer> {
	const { requests, total } = await context.db.slotRequests.openPage(page, PAGE_SIZE);
	const state = await context.db.slotRequests.state();
	const head = `🎰 Slot requests are ${state.isOpen ? 'open' : 'closed'} · ${total} in the queue`;
	if (requests.length === 0) return { content: total === 0 ? `${head}.` : `${head}. There is no page ${page}.`, visibility: 'caller' };
	const pages = Math.ceil(total / PAGE_SIZE);
	const lines = requests.map((request) => escapeMarkdown(requestLine(request)));
	return {
		content: `${head} (page ${page} of ${pages}):\n${lines.join('\n')}`,
		components: pageButtons(listPageId(context.guildId, 'queue'), page, page < pages),
		visibility: 'caller'
	};
}

/** A page of the catalogue, by name. */
export async function answerCatalogue(context: Pick<GuildContext, 'guildId' | 'db'>, page: number): Promise<CommandAnswer> {
	const { slots, total } = await context.db.slotCatalogue.page(page, PAGE_SIZE);
	if (total === 0) return text('The slot catalogue is empty: any slot name is accepted. `/slots catalogue import` or `/slots catalogue add` fill it.');
	if (slots.length === 0) return text(`The catalogue has ${total} slot(s); there is no page ${page}.`);
	const pages = Math.ceil(total / PAGE_SIZE);
	const lines = slots.map(
		(slot) =>
			`${escapeMarkdown(slot.name)}${slot.provider === null ? '' : ` · ${escapeMarkdown(slot.provider)}`}${slot.banned ? ' · **banned**' : ''}${slot.active ? '' : ' · unavailable'}`
	);
	return {
		content: `🎰 Slot catalogue: ${total} slot(s) (page ${page} of ${pages}):\n${lines.join('\n')}`,
		components: pageButtons(listPageId(context.guildId, 'catalogue'), page, page < pages),
		visibility: 'caller'
	};
}

/** A page of the blacklist. */
export async function answerBlacklist(context: Pick<GuildContext, 'guildId' | 'db'>, page: number): Promise<CommandAnswer> {
	const { entries, total } = await context.db.slotRequests.blacklistPage(page, PAGE_SIZE);
	if (total === 0) return text('Nobody is blacklisted from slot requests.');
	if (entries.length === 0) return text(`${total} caller(s) are blacklisted; there is no page ${page}.`);
	const pages = Math.ceil(total / PAGE_SIZE);
	return {
		content: `Blacklisted callers: ${total} (page ${page} of ${pages}):\n${entries.map((entry) => escapeMarkdown(entry.kickUsername)).join('\n')}`,
		components: pageButtons(listPageId(context.guildId, 'blacklist'), page, page < pages),
		visibility: 'caller'
	};
}

/** The catalogue file read and stored: what was added, updated, left as it was, and refused with the line and why. */
export async function answerImport(context: Pick<GuildContext, 'db'>, fileText: string): Promise<CommandAnswer> {
	let file;
	try {
		file = readCatalogueFile(fileText);
	} catch (error) {
		return refusal(`${(error as Error).message} Nothing was changed.`);
	}
	const outcomes = await context.db.slotCatalogue.upsert(file.entries);
	const count = (change: string) => outcomes.filter((outcome) => outcome.change === change).length;
	const lines = [
		`Catalogue import: ${count('added')} added, ${count('updated')} updated, ${count('unchanged')} unchanged, ${file.refused.length} refused.`,
		...file.refused.slice(0, 15).map((refused) => `Line ${refused.line}: ${escapeMarkdown(refused.reason)}`)
	];
	if (file.refused.length > 15) lines.push(`… and ${file.refused.length - 15} more refused.`);
	const report = [
		'line,name,outcome',
		...outcomes.map((outcome) => `${outcome.line},"${outcome.name.replaceAll('"', '""')}",${outcome.change}`),
		...file.refused.map((refused) => `${refused.line},,"refused: ${refused.reason.replaceAll('"', '""')}"`)
	].join('\n');
	return { content: lines.join('\n'), visibility: 'caller', files: [{ name: 'catalogue-import-report.csv', data: Buffer.from(`${report}\n`, 'utf8') }] };
}

/** A catalogue file attached to either form of the import (its name, type and size as Discord gives them): checked, fetched from Discord, then imported. */
export async function answerImportFile(
	context: Pick<GuildContext, 'db'>,
	file: { readonly name: string; readonly contentType: string | null; readonly size: number; readonly url: string }
): Promise<CommandAnswer> {
	if (!isCatalogueFileKind(file.name, file.contentType))
		return refusal(`${escapeMarkdown(file.name.slice(0, 100))} is not a CSV or JSON file (.csv, .json or .txt). Nothing was changed.`);
	const tooLarge = refusal(`The file is over ${IMPORT_MAX_BYTES / 1024} KiB. Nothing was changed.`);
	if (file.size > IMPORT_MAX_BYTES) return tooLarge;
	let bytes: ArrayBuffer;
	try {
		const response = await fetch(file.url, { signal: AbortSignal.timeout(15_000) });
		if (!response.ok) return refusal(`Discord did not hand over the file (${response.status}). Nothing was changed.`);
		bytes = await response.arrayBuffer();
	} catch {
		return refusal('Discord did not hand over the file (no answer). Nothing was changed.');
	}
	if (bytes.byteLength > IMPORT_MAX_BYTES) return tooLarge;
	let fileText: string;
	try {
		fileText = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return refusal('The file is not text (UTF-8): save it as CSV UTF-8 or JSON. Nothing was changed.');
	}
	return answerImport(context, fileText);
}

export async function answerCatalogueAdd(context: Pick<GuildContext, 'db'>, name: string, provider: string | null): Promise<CommandAnswer> {
	const trimmed = name.trim();
	if (trimmed.length === 0 || trimmed.length > SLOT_NAME_MAX) return refusal(`A slot name is 1 to ${SLOT_NAME_MAX} characters. Nothing was changed.`);
	const existing = await context.db.slotCatalogue.find(trimmed);
	if (existing !== null) return refusal(`${escapeMarkdown(existing.name)} is in the catalogue already.`);
	const [outcome] = await context.db.slotCatalogue.upsert([{ line: 1, name: trimmed, ...(provider === null ? {} : { provider: provider.trim() || null }) }]);
	return text(outcome?.change === 'added' ? `Added ${escapeMarkdown(trimmed)} to the catalogue.` : `${escapeMarkdown(trimmed)} is in the catalogue already.`);
}

export async function answerBan(context: Pick<GuildContext, 'db'>, name: string, banned: boolean): Promise<CommandAnswer> {
	const slot = await context.db.slotCatalogue.setBanned(name, banned);
	if (slot === null) return refusal(`The catalogue has no slot named ${escapeMarkdown(name.trim())}. Nothing was changed.`);
	return text(banned ? `${escapeMarkdown(slot.name)} is banned: requests for it are refused.` : `${escapeMarkdown(slot.name)} is allowed again.`);
}

export async function answerRemove(context: Pick<GuildContext, 'db'>, name: string): Promise<CommandAnswer> {
	const slot = await context.db.slotCatalogue.remove(name);
	return slot === null
		? refusal(`The catalogue has no slot named ${escapeMarkdown(name.trim())}. Nothing was changed.`)
		: text(`Removed ${escapeMarkdown(slot.name)} from the catalogue.`);
}

/** Recomputes a pick from its record and says whether it holds, with what anyone needs to check it. */
export async function answerVerify(context: Pick<GuildContext, 'db'>, nonce: number): Promise<CommandAnswer> {
	const pick = await context.db.slotRequests.getPick(nonce);
	if (pick === null) return refusal(`There is no pick #${nonce} here.`);
	const problems = verifyPick(pick);
	const request = await context.db.slotRequests.get(pick.requestId);
	const lines = [
		problems.length === 0 ? `✅ Pick #${nonce} verifies.` : `❌ Pick #${nonce} does not verify: ${problems.join('; ')}.`,
		`Picked: ${request === null ? `request #${pick.requestId} (since removed)` : escapeMarkdown(requestLine(request))}, place ${pick.index + 1} of ${pick.candidateIds.length}`,
		`Server seed: \`${pick.serverSeed}\``,
		`Commitment (sha256 of the seed, shown before the pick): \`${pick.commitment}\``,
		`Client seed: \`${pick.clientSeed}\` · nonce ${pick.nonce} · rejections ${pick.rejections}`,
		`Queue (request ids): ${pick.candidateIds.length > 60 ? `${pick.candidateIds.slice(0, 60).join(', ')}, … (${pick.candidateIds.length})` : pick.candidateIds.join(', ')}`
	];
	return {
		content: lines.join('\n'),
		visibility: 'caller',
		files: [
			{ name: `slot-pick-${nonce}.json`, data: Buffer.from(`${JSON.stringify({ ...pick, guildId: pick.guildId.toString() }, null, '\t')}\n`, 'utf8') }
		]
	};
}

export async function answerHuntStatus(context: Pick<GuildContext, 'db'>): Promise<CommandAnswer> {
	const found = await currentHunt(context);
	if (found === null) return text('No bonus hunt yet: `/hunt start <start balance>` starts one.');
	return text(
		huntLines(found.hunt, found.figures)
			.map((line) => escapeMarkdown(line))
			.join('\n')
	);
}

/** A page of the best callers: whose played requests paid most, in the running (or latest) hunt or all time. */
export async function answerCallers(context: Pick<GuildContext, 'guildId' | 'db'>, scope: number | 'all' | 'current', page: number): Promise<CommandAnswer> {
	let huntId: number | null = null;
	if (scope === 'current') {
		const hunt = await context.db.slotHunts.latest();
		if (hunt === null) return text('No bonus hunt yet; `/hunt callers all` shows the best callers of all time.');
		huntId = hunt.id;
	} else if (scope !== 'all') huntId = scope;
	const { lines, total } = await context.db.slotHunts.callers(huntId, page, PAGE_SIZE);
	const title = huntId === null ? 'Best callers of all time' : `Best callers of bonus hunt #${huntId}`;
	if (lines.length === 0) return text(page === 1 ? `${title}: no request was played yet.` : `${title}: there is no page ${page}.`);
	const pages = Math.ceil(total / PAGE_SIZE);
	const rows = lines.map(
		(line, index) =>
			`${(page - 1) * PAGE_SIZE + index + 1}. ${escapeMarkdown(line.kickUsername)}: ${formatMoney(line.totalPayout)} from ${line.bonuses} bonus(es), ${times({ numerator: line.totalPayout, denominator: line.totalBet })}`
	);
	return {
		content: `🏆 ${title} (page ${page} of ${pages}):\n${rows.join('\n')}`,
		components: pageButtons(listPageId(context.guildId, `callers-${huntId ?? 'all'}`), page, page < pages),
		visibility: 'caller'
	};
}
