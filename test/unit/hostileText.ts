import * as fc from 'fast-check';

/** Pieces an attacker types: controls (NUL), invisible and direction-changing characters, marks, look-alikes, markdown, mentions and id-shaped digits. */
const HOSTILE_PIECES = [
	'\0',
	'\u0007',
	'\n',
	'\t',
	'\u007f',
	'\u0085',
	'\u200b',
	'\u200d',
	'\u202e',
	'\u2066',
	'\u2028',
	'\ufeff',
	'\ud800',
	'\udfff',
	'\u0301',
	'\u00a0',
	'！',
	'ﬁ',
	'*',
	'_',
	'~',
	'|',
	'`',
	'>',
	'#',
	'@',
	'<',
	'[',
	']',
	'(',
	')',
	'\\',
	'"',
	"'",
	'“',
	'「',
	' ',
	'none',
	'NONE',
	'true',
	'off',
	'0',
	'1',
	'9',
	'-',
	'<@&',
	'<#',
	'<@!',
	'9223372036854775807',
	'9223372036854775808',
	'18446744073709551616',
	'00000000000000000',
	'123456789012345678',
	'😀',
	'é',
	'!',
	'?',
	'$',
	'[Verify](https://evil.example)',
	'@everyone'
];

/** Any text, weighted towards what breaks parsers, databases and Discord messages; lone surrogates included. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: fc.constantFrom(...HOSTILE_PIECES), maxLength: 8 }),
	fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }).map(String),
	fc
		.tuple(fc.constantFrom('', ' ', '<@', '<@!', '<@&', '<#', '0'), fc.bigInt({ min: 0n, max: 2n ** 66n }), fc.constantFrom('', '>', ' ', '>\0', '\u200b'))
		.map(([before, id, after]) => `${before}${id}${after}`)
);

/** Control characters (NUL, line breaks, …) and lone surrogates: never part of a stored setting. */
export const CONTROL_OR_BROKEN = /[\p{Cc}\p{Cs}]/u;
