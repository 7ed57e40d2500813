import { expect } from 'chai';
import * as fc from 'fast-check';
import { ConflictError, NotFoundError } from '#core';
import { repositoriesOf } from '#test/helpers/databases';
import { describeIsolation, guild, rowReference, text, type IsolationWorld } from '#test/helpers/isolationHarness';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

// Custom commands of three servers that use the same names; ids are picked from every server's commands.

const COMMAND_NAMES = ['hi', 'HI', 'discord', 'rules', 'a_b', 'axb'] as const;

interface Command {
	id: number;
	name: string;
	response: string;
	cooldownSeconds: number;
	enabled: boolean;
	useCount: number;
}

type Changes = Partial<Pick<Command, 'name' | 'response' | 'cooldownSeconds' | 'enabled'>>;

type Call =
	| { kind: 'create'; g: number; name: string; response: string; cooldownSeconds: number }
	| { kind: 'update'; g: number; ref: number; changes: Changes }
	| { kind: 'delete' | 'get' | 'recordUse'; g: number; ref: number };

type CommandsModel = Map<number, Command>;

const name = fc.constantFrom(...COMMAND_NAMES);
const cooldownSeconds = fc.constantFrom(0, 5);

describeIsolation<CommandsModel, Call>({
	subject: 'custom commands',
	repositories: repositoriesOf(manifest),
	tables: ['custom_commands'],
	emptyModel: () => new Map(),
	call: fc.oneof(
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), g: guild, name, response: text, cooldownSeconds }) },
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('update' as const),
				g: guild,
				ref: rowReference,
				changes: fc.record({ name, response: text, cooldownSeconds, enabled: fc.boolean() }, { requiredKeys: [] })
			})
		},
		{ weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'get' as const, 'recordUse' as const), g: guild, ref: rowReference }) }
	),
	apply,
	expectMatchesModel,
	rowsOf: (model) => ({ custom_commands: model.size })
});

function view({ id, name, response, cooldownSeconds, enabled, useCount }: Command): Command {
	return { id, name, response, cooldownSeconds, enabled, useCount };
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
			const input = { name: call.name, response: call.response, cooldownSeconds: call.cooldownSeconds };
			if ([...own.values()].some((command) => command.name.toLowerCase() === call.name.toLowerCase())) {
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
			const { name: newName } = call.changes;
			const conflict =
				newName !== undefined && [...own.values()].some((command) => command.id !== id && command.name.toLowerCase() === newName.toLowerCase());
			const command = own.get(id);
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
			expect(await commands.delete(id)).to.equal(existed);
			await expectOwnerUnchanged(world, id, call.g);
			return;
		}
		case 'get': {
			const id = world.pick('command', call.ref);
			const record = await commands.get(id);
			expect(record && view(record)).to.deep.equal(own.get(id) ?? null);
			return;
		}
		case 'recordUse': {
			const id = world.pick('command', call.ref);
			const command = own.get(id);
			if (command) command.useCount += 1;
			expect(await commands.recordUse(id)).to.equal(command ? command.useCount : null);
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
	for (const lookup of [...COMMAND_NAMES, '%', 'a%', '___']) {
		const expected = own.find((command) => command.name.toLowerCase() === lookup.toLowerCase());
		expect((await commands.findByName(lookup))?.id ?? null, `${where} command named ${lookup}`).to.equal(expected?.id ?? null);
	}
}
