import { expect } from 'chai';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { readCatalogueFile } from '../lib/catalogueImport.js';
import { answerImport } from '../lib/slotAnswers.js';
import { editDistance, matchSlot, slotKey } from '../lib/slotNames.js';
import manifest from '../plugin.js';

const ALPHA = 100000000000000001n;
const BETA = 100000000000000002n;

describe('slot-requests: slot names and the catalogue', () => {
	it('matches names without case, accents, spaces or punctuation, and offers the closest near miss', () => {
		expect(slotKey('Gates of Olympus 1000!')).to.equal('gatesofolympus1000');
		expect(slotKey('Café-Slot')).to.equal('cafeslot');
		expect(editDistance('kitten', 'sitting', 5)).to.equal(3);
		expect(editDistance('abc', 'xyzxyzxyz', 2)).to.equal(3);
		const slots = [{ name: 'Sugar Rush' }, { name: 'Sugar Rush 1000' }, { name: 'Gates of Olympus' }];
		expect(matchSlot('SUGAR  rush', slots)).to.deep.equal({ kind: 'exact', slot: { name: 'Sugar Rush' } });
		expect(matchSlot('sugar rsh', slots)).to.deep.equal({ kind: 'near', slot: { name: 'Sugar Rush' } });
		expect(matchSlot('gates of olympsu', slots)).to.deep.equal({ kind: 'near', slot: { name: 'Gates of Olympus' } });
		expect(matchSlot('Book of Dead', slots)).to.deep.equal({ kind: 'none' });
	});

	it('reads CSV and JSON files, refusing lines with the reason', () => {
		const csv = readCatalogueFile(
			'Name,Provider,Banned,Active\nGates of Olympus,Pragmatic,no,yes\n,NoName,,\nSugar Rush,Pragmatic,maybe,\ngates-of-olympus,Again,,\nWanted,Hacksaw,yes,\n'
		);
		expect(csv.entries.map((entry) => [entry.line, entry.name, entry.banned ?? null, entry.active ?? null])).to.deep.equal([
			[2, 'Gates of Olympus', false, true],
			[6, 'Wanted', true, null]
		]);
		expect(csv.refused).to.deep.equal([
			{ line: 3, reason: 'no name' },
			{ line: 4, reason: 'banned is not true or false (got "maybe")' },
			{ line: 5, reason: 'gates-of-olympus is in the file already (line 2)' }
		]);
		const plain = readCatalogueFile('Gates of Olympus\nSugar Rush\n');
		expect(plain.entries.map((entry) => entry.name)).to.deep.equal(['Gates of Olympus', 'Sugar Rush']);
		const json = readCatalogueFile('[{"name":"Big Bass","provider":"Reel Kingdom","banned":true},"Sweet Bonanza",{"provider":"x"},42]');
		expect(json.entries.map((entry) => entry.name)).to.deep.equal(['Big Bass', 'Sweet Bonanza']);
		expect(json.refused).to.deep.equal([
			{ line: 3, reason: 'no name' },
			{ line: 4, reason: 'not a slot (give a name, or an object with a name)' }
		]);
		expect(() => readCatalogueFile('{"nope":1}')).to.throw('The JSON must be a list of slots');
		expect(() => readCatalogueFile('name,colour\nA,red')).to.throw('Unknown column(s) colour');
		expect(() => readCatalogueFile('  ')).to.throw('The file is empty.');
	});

	for (const engine of engines) {
		describe(`the import report (${engine.name})`, () => {
			let migrated: MigratedDatabase;
			before(async () => {
				migrated = await openMigratedDatabase(engine, 'slot_catalogue', repositoriesOf(manifest));
			});
			after(() => migrated.close());
			beforeEach(() => deleteRows(migrated.database, ['shuffle_slots']));

			it('says what was added, updated, unchanged and refused, in one server only', async () => {
				const alpha = migrated.database.forGuild(ALPHA);
				const beta = migrated.database.forGuild(BETA);
				await beta.slotCatalogue.upsert([{ line: 1, name: 'Gates of Olympus', banned: true }]);
				const first = await answerImport({ db: alpha }, 'name,provider\nGates of Olympus,Pragmatic\nSugar Rush,Pragmatic\n');
				expect(first.content).to.equal('Catalogue import: 2 added, 0 updated, 0 unchanged, 0 refused.');
				const second = await answerImport(
					{ db: alpha },
					'name,provider,banned\nGATES OF OLYMPUS,Pragmatic,yes\nsugar rush,Pragmatic,\nWanted,Hacksaw,\n,,\nX,,perhaps\n'
				);
				expect(second.content).to.equal(
					['Catalogue import: 1 added, 2 updated, 0 unchanged, 1 refused.', 'Line 6: banned is not true or false (got "perhaps")'].join('\n')
				);
				expect(second.files![0]!.data.toString()).to.equal(
					'line,name,outcome\n2,"GATES OF OLYMPUS",updated\n3,"sugar rush",updated\n4,"Wanted",added\n6,,"refused: banned is not true or false (got ""perhaps"")"\n'
				);
				expect((await alpha.slotCatalogue.all()).map((slot) => [slot.name, slot.provider, slot.banned])).to.deep.equal([
					['GATES OF OLYMPUS', 'Pragmatic', true],
					['sugar rush', 'Pragmatic', false],
					['Wanted', 'Hacksaw', false]
				]);
				expect((await beta.slotCatalogue.all()).map((slot) => [slot.name, slot.banned])).to.deep.equal([['Gates of Olympus', true]]);
				expect((await answerImport({ db: alpha }, '[not json')).visibility).to.equal('refusal');
				expect(await alpha.slotCatalogue.remove('gates of olympus')).to.include({ name: 'GATES OF OLYMPUS' });
				expect(await beta.slotCatalogue.find('Gates of Olympus')).to.include({ banned: true });
			});
		});
	}
});
