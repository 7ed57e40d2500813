import { expect } from 'chai';
import { findReferenceProblem, type ServerLookup } from '#lib/settings/serverReferences';

const ROLE = '300000000000000001';
const GENERAL = '300000000000000010';
const VOICE = '300000000000000011';
const READ_ONLY = '300000000000000012';
const ELSEWHERE = '300000000000000099';

const server: ServerLookup = {
	hasRole: (id) => id === ROLE,
	channel: (id) =>
		({
			[GENERAL]: { isText: true, botCanPost: true },
			[VOICE]: { isText: false, botCanPost: true },
			[READ_ONLY]: { isText: true, botCanPost: false }
		})[id]
};

describe('findReferenceProblem', () => {
	it('takes a role of this server, and names the id of one it does not have (another server’s, or a deleted one)', () => {
		expect(findReferenceProblem('role', ROLE, server)).to.equal(undefined);
		expect(findReferenceProblem('role', ELSEWHERE, server)).to.equal(`this server has no role with the id ${ELSEWHERE}`);
		expect(findReferenceProblem('role', GENERAL, server), 'a channel is not a role').to.equal(`this server has no role with the id ${GENERAL}`);
	});

	it('takes a text channel of this server where the bot can post, and says what is wrong with any other', () => {
		expect(findReferenceProblem('text-channel', GENERAL, server)).to.equal(undefined);
		expect(findReferenceProblem('text-channel', ELSEWHERE, server)).to.equal(`this server has no channel with the id ${ELSEWHERE}`);
		expect(findReferenceProblem('text-channel', VOICE, server)).to.equal(`<#${VOICE}> is not a text channel`);
		expect(findReferenceProblem('text-channel', READ_ONLY, server)).to.equal(
			`the bot cannot post in <#${READ_ONLY}>: it needs View Channel and Send Messages there`
		);
	});
});
