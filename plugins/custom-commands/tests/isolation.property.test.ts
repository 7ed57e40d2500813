import { expect } from 'chai';
import * as fc from 'fast-check';
import { ConflictError, InvalidInputError, NotFoundError } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, text, type IsolationWorld } from '#test/helpers/isolationHarness';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

// Custom commands of three servers that use the same names; ids are picked from every server's commands.

const COMMAND_NAMES = ['hi', 'HI', 'discord', 'rules', 'a_b', 'axb'] as const;
// Aliases overlap names, so an alias can clash with a name or another command's alias.
const ALIASES = ['yo', 'Rules', 'dc', 'hi'] as const;

interface Command {
	id: number;
	name: string;
	aliases: string[];
	response: string;
	cooldownSeconds: number;
	enabled: boolean;
	useCount: number;
}

type Changes = Partial<Pick<Command, 'name' | 'aliases' | 'response' | 'cooldownSeconds' | 'enabled'>>;

type Call =
	| { kind: 'create'; g: number; name: string; aliases: string[]; response: string; cooldownSeconds: number }
	| { kind: 'update'; g: number; ref: number; changes: Changes }
	| { kind: 'delete' | 'get' | 'addUses'; g: number; ref: number };

type CommandsModel = Map<number, Command>;

const name = fc.constantFrom(...COMMAND_NAMES);
const aliases = fc.subarray([...ALIASES], { maxLength: 2 });
const cooldownSeconds = fc.constantFrom(0, 5);

describeIsolation<CommandsModel, Call>({
	subject: 'custom commands',
	repositories: repositoriesOf(manifest),
	tables: ['custom_commands'],
	emptyModel: () => new Map(),
	call: fc.oneof(
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), g: guild, name, aliases, response: text, cooldownSeconds }) },
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('update' as const),
				g: guild,
				ref: rowReference,
				changes: fc.record({ name, aliases, response: text, cooldownSeconds, enabled: fc.boolean() }, { requiredKeys: [] })
			})
		},
		{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'get' as const, 'addUses' as const), g: guild, ref: rowReference }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ custom_commands: model.size })
});

function view({
	id,
	name,
	aliases,
	response,
	cooldownSeconds,
	enabled,
	useCount
}: Omit<Command, 'aliases'> & { readonly aliases: readonly string[] }): Command {
	return { id, name, aliases: [...aliases], response, cooldownSeconds, enabled, useCount };
}

/** The words a command answers to, lower-cased. */
function wordsOf(command: Pick<Command, 'name' | 'aliases'>): string[] {
	return [command.name, ...command.aliases].map((word) => word.toLowerCase());
}

/** Whether one of `words` names another command of the server. */
function clashes(own: CommandsModel, words: readonly string[], exceptId?: number): boolean {
	return [...own.values()].some((command) => command.id !== exceptId && wordsOf(command).some((word) => words.includes(word)));
}

/** After a call that named another server's command, that command is as its own server's model says. */
async function expectOwnerUnchanged(world: IsolationWorld<CommandsModel>, id: number, caller: number): Promise<void> {
	const owner = world.otherOwner(caller, (model) => model.has(id));
	if (owner === undefined) return;
	const row = await world.repositoriesOf(owner).customCommands.get(id);
	expect(row && view(row), `command #${id} of server ${owner}`).to.deep.equal(world.model(owner).get(id));
}

async function apply(world: IsolationWorld<CommandsModel>, call: Call): Promise<void> {
	const commands = world.repositoriesOf(call.g).customCommands;
	const own = world.model(call.g);
	switch (call.kind) {
		case 'create': {
			const input = { name: call.name, aliases: call.aliases, response: call.response, cooldownSeconds: call.cooldownSeconds };
			if (call.aliases.some((alias) => alias.toLowerCase() === call.name.toLowerCase())) {
				expect(await rejection(commands.create(input))).to.be.an.instanceOf(InvalidInputError);
				return;
			}
			if (clashes(own, wordsOf(input))) {
				expect(await rejection(commands.create(input))).to.be.an.instanceOf(ConflictError);
				return;
			}
			const record = await commands.create(input);
			world.created('command', record.id);
			own.set(record.id, { id: record.id, ...input, enabled: true, useCount: 0 });
			expect(view(record)).to.deep.equal(own.get(record.id));
			return;
		}
		case 'update': {
			const id = world.pick('command', call.ref);
			const command = own.get(id);
			const next = command && { name: call.changes.name ?? command.name, aliases: call.changes.aliases ?? command.aliases };
			const ownNameAsAlias =
				call.changes.aliases !== undefined &&
				call.changes.name !== undefined &&
				call.changes.aliases.some((alias) => alias.toLowerCase() === call.changes.name!.toLowerCase());
			if (ownNameAsAlias) {
				expect(await rejection(commands.update(id, call.changes))).to.be.an.instanceOf(InvalidInputError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			const renames = call.changes.name !== undefined || call.changes.aliases !== undefined;
			const conflict = next !== undefined && renames && clashes(own, wordsOf(next), id);
			if (conflict || command === undefined) {
				expect(await rejection(commands.update(id, call.changes))).to.be.an.instanceOf(conflict ? ConflictError : NotFoundError);
				await expectOwnerUnchanged(world, id, call.g);
				return;
			}
			Object.assign(command, call.changes);
			expect(view(await commands.update(id, call.changes))).to.deep.equal(command);
			return;
		}
		case 'delete': {
			const id = world.pick('command', call.ref);
			const existed = own.delete(id);
			expect((await commands.delete(id)) !== null).to.equal(existed);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'get': {
			const id = world.pick('command', call.ref);
			const record = await commands.get(id);
			expect(record && view(record)).to.deep.equal(own.get(id) ?? null);
			return;
		}
		case 'addUses': {
			const id = world.pick('command', call.ref);
			const command = own.get(id);
			if (command) command.useCount += 2;
			expect(await commands.addUses(new Map([[id, 2]]))).to.equal(command ? 1 : 0);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
	}
}

async function expectMatchesModel(world: IsolationWorld<CommandsModel>, index: number): Promise<void> {
	const commands = world.repositoriesOf(index).customCommands;
	const own = [...world.model(index).values()].sort((x, y) => x.id - y.id);
	const where = `server ${index}`;
	expect((await commands.list()).map(view), `${where} commands`).to.deep.equal(own);
	// Lookups by name are case-insensitive, and `%` and `_` are no wildcards in them (a chat message can be any text).
	for (const lookup of [...COMMAND_NAMES, ...ALIASES, '%', 'a%', '___']) {
		const expected = own.find((command) => wordsOf(command).includes(lookup.toLowerCase()));
		expect((await commands.findByName(lookup))?.id ?? null, `${where} command named ${lookup}`).to.equal(expected?.id ?? null);
	}
}
