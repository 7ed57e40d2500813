import { definePlugin, setting } from '#core';
import { RaffleRepository } from './lib/RaffleRepository.js';
import { raffleChatVariables } from './lib/chatVariables.js';

export default definePlugin({
	name: 'raffles',
	description:
		'Raffles per server: monthly periods, tickets from watch time, gifted subs, wagers and bonuses, provably fair draws anyone can verify; /raffle, !tickets, !raffle.',
	settings: {
		raffle_auto_draw: setting.boolean(false, 'Draws the raffle by itself when a period ends.'),
		raffle_auto_renew: setting.boolean(false, 'Opens the next period (the next calendar month, with its own seed) when a period ends.'),
		raffle_prize: setting.optionalText(
			{ pattern: /^.{1,200}$/su, accepts: 'the prize, 1 to 200 characters' },
			'The prize new periods are for, shown with them.'
		),
		watchtime_tickets_per_hour: setting.integer(
			{ min: 0, max: 10_000 },
			10,
			'Raffle tickets for each whole hour a linked viewer watched inside the period.'
		),
		gifted_sub_tickets: setting.integer({ min: 0, max: 10_000 }, 15, 'Raffle tickets for each sub gifted, to the gifter (each Kick event once).'),
		wager_tickets_per_1000: setting.integer({ min: 0, max: 10_000 }, 20, 'Raffle tickets per $1000 wagered (fractions carried over to the next wager).'),
		raffle_announcement_channel_id: setting.textChannel('Where draws are announced (and rerolls update the announcement).'),
		raffle_leaderboard_channel_id: setting.textChannel('Where the bot keeps a raffle leaderboard message up to date.')
	},
	repositories: { raffles: RaffleRepository },
	dashboardAreas: ['raffle'],
	chatVariables: raffleChatVariables,
	dependsOn: ['linking']
});

declare module '#core' {
	interface PluginRepositories {
		raffles: RaffleRepository;
	}
	interface SettingTypes {
		raffle_auto_draw: boolean;
		raffle_auto_renew: boolean;
		raffle_prize: string | null;
		watchtime_tickets_per_hour: number;
		gifted_sub_tickets: number;
		wager_tickets_per_1000: number;
		raffle_announcement_channel_id: string | null;
		raffle_leaderboard_channel_id: string | null;
	}
}
