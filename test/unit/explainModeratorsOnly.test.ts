import { expect } from 'chai';
import { explainModeratorsOnly } from '#lib/commands/explainModeratorsOnly';

describe('explainModeratorsOnly', () => {
	it('names Manage Server, and the moderator role while the server has it', () => {
		expect(explainModeratorsOnly(null, false)).to.equal('Only moderators of this server can do this: it needs the Manage Server permission here.');
		expect(explainModeratorsOnly('300000000000000001', true)).to.equal(
			'Only moderators of this server can do this: it needs the Manage Server permission or the <@&300000000000000001> role here.'
		);
	});

	it('does not mention a role the server no longer has (Discord would show "@deleted-role")', () => {
		expect(explainModeratorsOnly('300000000000000001', false)).to.equal(
			'Only moderators of this server can do this: it needs the Manage Server permission here (the moderator role set for this server no longer exists).'
		);
	});
});
