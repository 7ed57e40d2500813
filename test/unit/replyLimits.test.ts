import { expect } from 'chai';
import { EmbedBuilder, MessageFlags, type APIEmbed } from 'discord.js';
import * as fc from 'fast-check';
import { DISCORD_LIMITS, withinDiscordLimits } from '#lib/discord/replyLimits';
import { codePoints, messageLimitErrors } from '#test/discord-standin/messageLimits';
import { hostileText } from '#test/unit/hostileText';

/** Text up to a few times the largest limit, of any code points. */
const longText = fc.oneof(
	hostileText,
	fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 4500 })).map(([unit, times]) => unit.repeat(times))
);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const embed: fc.Arbitrary<APIEmbed> = fc.record(
	{
		title: optional(longText),
		description: optional(longText),
		footer: optional(fc.record({ text: longText })),
		author: optional(fc.record({ name: longText })),
		fields: optional(fc.array(fc.record({ name: longText, value: longText, inline: fc.boolean() }), { maxLength: 30 })),
		color: optional(fc.integer({ min: 0, max: 0xffffff }))
	},
	{ requiredKeys: [] }
);

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Whether `fitted` is `original`, or a start of it marked with "…". */
const isOriginalOrMarkedCut = (original: string, fitted: string) => fitted === original || (fitted.endsWith('…') && original.startsWith(fitted.slice(0, -1)));

describe('withinDiscordLimits', () => {
	it('leaves a payload within the limits as it is, with everything besides text', () => {
		const payload = {
			content: 'Hello',
			flags: MessageFlags.Ephemeral,
			allowedMentions: { parse: [] },
			components: [],
			embeds: [{ title: 'T', description: 'D', color: 5 }]
		};
		expect(withinDiscordLimits(payload)).to.deep.equal(payload);
		expect(withinDiscordLimits({ content: null })).to.deep.equal({ content: null });
		expect(withinDiscordLimits({ content: '😀'.repeat(2000) }).content, '2,000 code points fit').to.equal('😀'.repeat(2000));
	});

	it('cuts content over 2,000 characters at a word, marked with "…"', () => {
		const content = withinDiscordLimits({ content: 'word '.repeat(1000) }).content!;
		expect(codePoints(content)).to.be.at.most(DISCORD_LIMITS.content);
		expect(content).to.match(/word…$/);
	});

	it('keeps 10 embeds and 25 fields, cuts each text to its limit, and fills an empty field name or value', () => {
		const many = Array.from({ length: 12 }, (_, index) => ({ title: `E${index}` }));
		expect(withinDiscordLimits({ embeds: many }).embeds).to.have.length(10);

		const [fitted] = withinDiscordLimits({
			embeds: [
				{ title: 't'.repeat(300), fields: [{ name: '', value: 'v'.repeat(1100) }, ...Array.from({ length: 29 }, () => ({ name: 'n', value: 'v' }))] }
			]
		}).embeds!;
		expect(fitted!.title).to.equal(`${'t'.repeat(255)}…`);
		expect(fitted!.fields).to.have.length(25);
		expect(fitted!.fields![0]).to.deep.equal({ name: '\u200b', value: `${'v'.repeat(1023)}…` });
	});

	it('shares 6,000 characters between all embeds in reading order, dropping what no longer fits', () => {
		const fitted = withinDiscordLimits({ embeds: [{ description: 'a'.repeat(4096) }, { description: 'b'.repeat(4096) }, { description: 'c' }] }).embeds!;
		expect(fitted.map((embed) => embed.description)).to.deep.equal(['a'.repeat(4096), `${'b'.repeat(1903)}…`]);
		expect(messageLimitErrors({ embeds: fitted })).to.equal(undefined);
	});

	it('takes embed builders, whose limits it cannot exceed either', () => {
		const builder = new EmbedBuilder().setTitle('Kick connection').addFields({ name: 'Channel', value: 'kick.com/alpha' });
		expect(withinDiscordLimits({ embeds: [builder] }).embeds).to.deep.equal([
			{ title: 'Kick connection', fields: [{ name: 'Channel', value: 'kick.com/alpha' }] }
		]);
	});

	it('gives a payload that Discord (the stand-in) takes, whatever the content and embeds, marking every cut (property)', () => {
		fc.assert(
			fc.property(optional(longText), optional(fc.array(embed, { maxLength: 13 })), (content, embeds) => {
				const payload = { ...(content === undefined ? {} : { content }), ...(embeds === undefined ? {} : { embeds }) };
				const fitted = withinDiscordLimits(payload);
				expect(messageLimitErrors(fitted)).to.equal(undefined);
				if (content !== undefined) expect(isOriginalOrMarkedCut(content, fitted.content!), 'content').to.equal(true);
				for (const [index, fittedEmbed] of (fitted.embeds ?? []).entries()) {
					const original = embeds![index]!;
					if (fittedEmbed.title !== undefined) expect(isOriginalOrMarkedCut(original.title!, fittedEmbed.title), 'title').to.equal(true);
					if (fittedEmbed.description !== undefined)
						expect(isOriginalOrMarkedCut(original.description!, fittedEmbed.description), 'description').to.equal(true);
				}
				// Compared as sent to Discord: as JSON, where an undefined field is no field.
				if (messageLimitErrors(payload) === undefined) expect(asJson(fitted), 'a payload that fits is left alone').to.deep.equal(asJson(payload));
			}),
			{ numRuns: 300 }
		);
	});
});
