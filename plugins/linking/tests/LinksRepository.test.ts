import { expect } from 'chai';
import { InvalidInputError, type GuildRepositories } from '#core';
import { deleteRows, engines, openMigratedDatabase, repositoriesOf, type MigratedDatabase } from '#test/helpers/databases';
import { rejection } from '#test/helpers/rejection';
import manifest from '../plugin.js';

const GUILD_A = 100000000000000001n;
const GUILD_B = 100000000000000002n;
const ALICE = 300000000000000001n;
const BOB = 300000000000000002n;

for (const engine of engines) {
	describe(`LinksRepository (${engine.name})`, () => {
		let migrated: MigratedDatabase;
		let database: MigratedDatabase['database'];
		let a: GuildRepositories;
		let b: GuildRepositories;

		before(async () => {
			// This plugin's repositories only: the plugin stands on its own.
			migrated = await openMigratedDatabase(engine, 'linking', repositoriesOf(manifest));
			database = migrated.database;
		});
		after(() => migrated.close());
		beforeEach(async () => {
			await deleteRows(database, ['links']);
			a = database.forGuild(GUILD_A);
			b = database.forGuild(GUILD_B);
		});

		it('links a member to a Kick account, finds it both ways in any case, and unlinks it', async () => {
			const linked = await a.links.link(ALICE, { name: 'AliceTV', userId: 501n });
			expect(linked).to.deep.include({ outcome: 'linked', replaced: null });
			expect(await a.links.ofMember(ALICE)).to.deep.include({ discordId: ALICE, kickName: 'AliceTV', kickUserId: 501n });
			expect((await a.links.ofKickAccount({ name: 'alicetv' }))?.discordId).to.equal(ALICE);
			expect((await a.links.ofKickAccount({ name: 'renamed', userId: 501n }))?.discordId, 'by user id after a rename').to.equal(ALICE);
			expect(await a.links.membersOf(['ALICETV', 'nobody'])).to.deep.equal(new Map([['alicetv', ALICE]]));

			expect((await a.links.unlink(ALICE))?.kickName).to.equal('AliceTV');
			expect(await a.links.ofMember(ALICE)).to.equal(null);
			expect(await a.links.unlink(ALICE)).to.equal(null);
		});

		it('refuses an account another member of the server holds, in any case; relinking replaces the member’s own', async () => {
			await a.links.link(ALICE, { name: 'AliceTV', userId: 501n });
			const taken = await a.links.link(BOB, { name: 'alicetv', userId: 501n });
			expect(taken.outcome).to.equal('taken');
			expect(taken.outcome === 'taken' && taken.by.discordId).to.equal(ALICE);
			expect(await a.links.ofMember(BOB)).to.equal(null);

			expect((await a.links.link(ALICE, { name: 'AliceTV', userId: 501n })).outcome).to.equal('unchanged');
			const replaced = await a.links.link(ALICE, { name: 'AliceAlt', userId: 777n });
			expect(replaced.outcome === 'linked' && replaced.replaced?.kickName).to.equal('AliceTV');
			expect(await a.links.count()).to.equal(1);
		});

		it('links the same Kick account to another member in another server, and never reads across', async () => {
			await a.links.link(ALICE, { name: 'AliceTV', userId: 501n });
			expect((await b.links.link(BOB, { name: 'AliceTV', userId: 501n })).outcome).to.equal('linked');
			expect((await a.links.ofKickAccount({ name: 'AliceTV' }))?.discordId).to.equal(ALICE);
			expect((await b.links.ofKickAccount({ name: 'AliceTV' }))?.discordId).to.equal(BOB);
			expect(await b.links.ofMember(ALICE)).to.equal(null);
			expect(await a.links.unlink(BOB)).to.equal(null);
			expect(await b.links.count()).to.equal(1);
		});

		it('lets one of two members linking one account at once win; the other is told it is taken', async () => {
			const outcomes = await Promise.all([a.links.link(ALICE, { name: 'Shared', userId: 9n }), a.links.link(BOB, { name: 'shared', userId: 9n })]);
			expect(outcomes.map((outcome) => outcome.outcome).sort()).to.deep.equal(['linked', 'taken']);
			expect(await a.links.count()).to.equal(1);
		});

		it('reads legacy rows (no Kick user id) by name, and a new link of that name by another member is refused', async () => {
			// As the old bot wrote it: no Kick user id.
			const session = await database.connection.openSession();
			await session
				.query(`INSERT INTO links (discord_server_id, discord_id, kick_name) VALUES ($1, $2, 'OldName')`, [String(GUILD_A), String(ALICE)])
				.finally(() => session.release());
			expect(await a.links.ofMember(ALICE)).to.deep.include({ kickName: 'OldName', kickUserId: null });
			expect((await a.links.link(BOB, { name: 'oldname', userId: 44n })).outcome).to.equal('taken');
		});

		it('refuses a name that is no Kick username, writing nothing', async () => {
			expect(await rejection(a.links.link(ALICE, { name: 'not a name!', userId: 1n }))).to.be.instanceOf(InvalidInputError);
			expect(await a.links.count()).to.equal(0);
		});
	});
}
