import { expect } from 'chai';
import type { SettingView } from '#lib/settings/GuildSettings';
import { UnknownSettingError } from '#lib/settings/BotSettingsManager';
import { describeSetting, describeSettingChange, describeSettings, describeUnknownSetting, explainSettingError } from '#lib/settings/describeSettings';

const prefix: SettingView = { key: 'prefix', value: '!', isDefault: true, accepts: '1 to 5 characters', description: 'The prefix.', declaredBy: 'the core' };
const withInvalidStored: SettingView = { ...prefix, invalidStoredValue: '**' };
const stored = (value: string): SettingView => ({ ...prefix, value, isDefault: false });

describe('describeSettings', () => {
	it('marks a default, and a stored value that the key does not accept, on which the default applies', () => {
		expect(describeSettings([prefix, stored('?')])).to.equal('**prefix** = `!` (default)\n**prefix** = `?`');
		expect(describeSettings([withInvalidStored])).to.equal('**prefix** = `!` (default: the stored value `**` is invalid)');
	});

	it('in detail, says how to replace or remove an invalid stored value, and who sets a managed key', () => {
		expect(describeSetting(withInvalidStored).split('\n')).to.deep.equal([
			'**prefix** = `!` (default: the stored value `**` is invalid)',
			'The prefix.',
			'Accepts 1 to 5 characters.',
			'`/settings set` replaces the invalid stored value; `/settings reset` removes it.',
			'Declared by the core.'
		]);
		expect(describeSetting({ ...prefix, key: 'kick_channel', managedBy: '/kick connect' })).to.contain('\nSet by /kick connect, not by /settings.\n');
	});
});

describe('describeSettingChange', () => {
	it('says the new value, and marks the default', () => {
		expect(describeSettingChange(prefix, stored('?'))).to.equal('**prefix** is now `?` in this server.');
		expect(describeSettingChange(stored('?'), prefix)).to.equal('**prefix** is now `!` (the default) in this server.');
	});

	it('says that a reset removed an invalid stored value, though the value that applies is the same', () => {
		expect(describeSettingChange(withInvalidStored, prefix)).to.equal(
			'**prefix** is now `!` (the default) in this server. The stored value `**`, which it does not accept, was removed.'
		);
		expect(describeSettingChange(withInvalidStored, stored('?'))).to.equal(
			'**prefix** is now `?` in this server. The stored value `**`, which it does not accept, was removed.'
		);
	});

	it('says when nothing changed, and what applies', () => {
		expect(describeSettingChange(prefix, prefix)).to.equal('**prefix** already has its default, `!`, in this server; nothing changed.');
		expect(describeSettingChange(stored('?'), stored('?'))).to.equal('**prefix** is already `?` in this server; nothing changed.');
	});
});

describe('unknown keys', () => {
	it('are answered in the same words by view, set and reset', () => {
		const known = ['moderator_role_id', 'prefix'];
		const view = describeUnknownSetting('prefx', known);
		expect(view).to.equal('There is no setting `prefx`. Settings: moderator_role_id, prefix.');
		expect(explainSettingError(new UnknownSettingError('prefx', known))).to.equal(view);
	});
});
