import { expect } from 'chai';
import { formatMoney, MAX_CENTS, parseAmount, plainAmount } from '../lib/amount.js';

const GARBAGE = (typed: string) => `${JSON.stringify(typed)} is not an amount: type it like 1234.56 or $1,234.56.`;

describe('guess-the-balance: amounts as exact cents', () => {
	it('accepts 1234.56, $1,234.56, 1234 and the other usual ways of typing money', () => {
		const cases: [string, bigint][] = [
			['1234.56', 123456n],
			['$1,234.56', 123456n],
			['1234', 123400n],
			['1,234', 123400n],
			['$1234', 123400n],
			['12.5', 1250n],
			['0.01', 1n],
			['  42.10 ', 4210n],
			['007', 700n],
			['999,999,999,999.99', MAX_CENTS],
			['$999999999999.99', MAX_CENTS]
		];
		for (const [typed, cents] of cases) expect(parseAmount(typed), typed).to.deep.equal({ ok: true, cents });
	});

	it('keeps every cent of the largest amount and of amounts a float would round', () => {
		expect(parseAmount('0.29')).to.deep.equal({ ok: true, cents: 29n });
		expect(parseAmount('4503599627370.49')).to.deep.equal({ ok: false, error: 'The most it can be is $999,999,999,999.99.' });
		expect(parseAmount('999999999999.98')).to.deep.equal({ ok: true, cents: MAX_CENTS - 1n });
	});

	it('refuses zero and less, with a short answer', () => {
		for (const typed of ['0', '0.00', '$0', '0,000.00'])
			expect(parseAmount(typed), typed).to.deep.equal({ ok: false, error: 'A guess must be more than $0.' });
		for (const typed of ['-5', '-0.01', '-$1,234.56', '- 3'])
			expect(parseAmount(typed), typed).to.deep.equal({ ok: false, error: 'A guess must be more than $0.' });
	});

	it('refuses more than 999,999,999,999.99', () => {
		for (const typed of ['1000000000000', '999,999,999,999,999', '1,000,000,000,000.00', '99999999999999999999999999'])
			expect(parseAmount(typed), typed).to.deep.equal({ ok: false, error: 'The most it can be is $999,999,999,999.99.' });
	});

	it('refuses more than two decimals', () => {
		for (const typed of ['1.234', '$1,234.567', '0.001', '999999999999.999'])
			expect(parseAmount(typed), typed).to.deep.equal({ ok: false, error: 'Use at most 2 decimals (cents), like 1234.56.' });
	});

	it('refuses NaN, infinity, exponents, hex and other garbage', () => {
		for (const typed of [
			'NaN',
			'Infinity',
			'-Infinity',
			'∞',
			'1e5',
			'1E3',
			'0x10',
			'abc',
			'$',
			'',
			'12.',
			'.5',
			'1.2.3',
			'1,23',
			'1,2345',
			'12 34',
			'١٢٣',
			'１２３',
			'12$',
			'+5'
		])
			expect(parseAmount(typed), typed).to.deep.equal({ ok: false, error: GARBAGE(typed.trim()) });
	});

	it('quotes a long typed text cut short', () => {
		expect(parseAmount('x'.repeat(300))).to.deep.equal({ ok: false, error: GARBAGE(`${'x'.repeat(20)}…`) });
	});

	it('lets a final balance be $0 (allowZero), never less', () => {
		expect(parseAmount('0', { allowZero: true })).to.deep.equal({ ok: true, cents: 0n });
		expect(parseAmount('-1', { allowZero: true })).to.deep.equal({ ok: false, error: 'It cannot be less than $0.' });
	});

	it('writes amounts back as $1,234.56 for answers and 1234.56 for the committed list', () => {
		expect([formatMoney(1n), formatMoney(100n), formatMoney(123456n), formatMoney(MAX_CENTS), formatMoney(-4567n)]).to.deep.equal([
			'$0.01',
			'$1.00',
			'$1,234.56',
			'$999,999,999,999.99',
			'-$45.67'
		]);
		expect([plainAmount(1n), plainAmount(10n), plainAmount(123456n), plainAmount(MAX_CENTS)]).to.deep.equal(['0.01', '0.10', '1234.56', '999999999999.99']);
	});
});
