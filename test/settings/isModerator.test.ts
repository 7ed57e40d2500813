import { expect } from 'chai';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { isModerator } from '#lib/guild/isModerator';

const ROLE = '600000000000000001';
const OTHER_ROLE = '600000000000000002';

describe('isModerator', () => {
	it('accepts Manage Server in the server, with or without the moderator role', () => {
		const permissions = new PermissionsBitField(PermissionFlagsBits.ManageGuild);
		expect(isModerator({ permissions, member: { roles: [] } }, null)).to.equal(true);
		expect(isModerator({ permissions, member: { roles: [] } }, ROLE)).to.equal(true);
	});

	it('accepts the server’s moderator role without Manage Server', () => {
		expect(isModerator({ permissions: new PermissionsBitField(), member: { roles: [OTHER_ROLE, ROLE] } }, ROLE)).to.equal(true);
	});

	it('refuses other roles and other permissions, and everyone when the server has no moderator role', () => {
		const permissions = new PermissionsBitField([PermissionFlagsBits.ManageMessages, PermissionFlagsBits.KickMembers]);
		expect(isModerator({ permissions, member: { roles: [OTHER_ROLE] } }, ROLE)).to.equal(false);
		expect(isModerator({ permissions, member: { roles: [ROLE] } }, null)).to.equal(false);
		expect(isModerator({ permissions: null, member: null }, ROLE)).to.equal(false);
	});
});
