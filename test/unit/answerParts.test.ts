import { expect } from 'chai';
import { pageButtons } from '#lib/discord/pageButtons';
import { parseViewerTarget } from '#lib/discord/viewerTarget';

const MEMBER = '123456789012345678';

describe('parts of answers plugins share', () => {
	it('reads a member as a mention or an id, and a Kick account as a name, @name or its kick.com address, nothing else', () => {
		expect(parseViewerTarget(`<@${MEMBER}>`)).to.deep.equal({ member: MEMBER });
		expect(parseViewerTarget(`<@!${MEMBER}>`)).to.deep.equal({ member: MEMBER });
		expect(parseViewerTarget(` ${MEMBER} `)).to.deep.equal({ member: MEMBER });
		expect(parseViewerTarget('@Bob_1')).to.deep.equal({ kickName: 'Bob_1' });
		expect(parseViewerTarget('https://kick.com/viewer_anna/')).to.deep.equal({ kickName: 'viewer_anna' });
		for (const text of ['', 'two words', '@everyone!', 'x'.repeat(26), `<@&${MEMBER}>`]) expect(parseViewerTarget(text), text).to.equal(null);
	});

	it('puts previous and next under a page, each disabled at its end, and no row when there is one page', () => {
		const idOf = (page: number) => `demo:list:${page}`;
		expect(pageButtons(idOf, 1, false)).to.deep.equal([]);
		const buttonsOf = (page: number, hasNext: boolean) =>
			pageButtons(idOf, page, hasNext).flatMap((row) => row.toJSON().components) as { label: string; custom_id: string; disabled: boolean }[];
		expect(buttonsOf(1, true).map((button) => [button.label, button.custom_id, button.disabled])).to.deep.equal([
			['Previous', 'demo:list:0', true],
			['Next', 'demo:list:2', false]
		]);
		expect(buttonsOf(3, false).map((button) => button.disabled)).to.deep.equal([false, true]);
	});
});
