import { ApplyOptions } from '@sapphire/decorators';
import { MessageFlags } from 'discord.js';
import { GuildCommand, type CommandCall, type GuildContext } from '#core';
import { answerRoleStatus, answerRoleSync, answerTierList, answerTierRemove, answerTierSet } from '../lib/roleAnswers.js';
import { MAX_TIER_MINUTES } from '../lib/RoleTiersRepository.js';

const TIERS = { name: 'tiers', description: 'The watch-time tiers: minutes watched → a role.' } as const;
const MINUTES = { type: 'integer', name: 'minutes', min: 1, max: MAX_TIER_MINUTES, required: true } as const;

/** /roles and !roles (moderators): what the bot gives linked members, a sync now, and the watch-time tiers. */
@ApplyOptions<GuildCommand.Options>({
	description: 'The roles the bot gives linked members: status, sync and watch-time tiers (moderators).',
	moderatorsOnly: true,
	guildSubcommands: [
		{ name: 'status', description: 'Shows the roles given, who qualifies, the changes waiting and the problems.', run: 'status' },
		{ name: 'sync', description: 'Gives and takes the roles now, trying again the roles the bot could not manage.', run: 'sync' },
		{ name: 'list', description: 'Lists the watch-time tiers and their roles.', run: 'tierList', group: TIERS },
		{
			name: 'set',
			description: 'Gives a role to members who watched at least this many minutes.',
			options: [
				{ ...MINUTES, description: 'The minutes watched' },
				{ type: 'role', name: 'role', description: 'The role they get', required: true }
			],
			run: 'tierSet',
			group: TIERS
		},
		{
			name: 'remove',
			description: 'Removes the tier at this many minutes.',
			options: [{ ...MINUTES, description: 'The tier’s minutes' }],
			run: 'tierRemove',
			group: TIERS
		}
	]
})
export class RolesCommand extends GuildCommand {
	public async status(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerRoleStatus(context, new Date()));
	}

	public async sync(call: CommandCall, context: GuildContext): Promise<void> {
		// Up to 50 role changes take longer than Discord's 3 seconds to answer a command.
		if (call.form === 'slash' && 'deferReply' in call.source) await call.source.deferReply({ flags: MessageFlags.Ephemeral });
		await call.reply(await answerRoleSync(context, new Date()));
	}

	public async tierList(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerTierList(context));
	}

	public async tierSet(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerTierSet(context, call.options.integer('minutes')!, call.options.role('role')!.id));
	}

	public async tierRemove(call: CommandCall, context: GuildContext): Promise<void> {
		await call.reply(await answerTierRemove(context, call.options.integer('minutes')!));
	}
}
