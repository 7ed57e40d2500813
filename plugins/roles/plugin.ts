import { definePlugin, setting } from '#core';
import { KickSubscriptionsRepository } from './lib/KickSubscriptionsRepository.js';
import { RoleGrantsRepository } from './lib/RoleGrantsRepository.js';
import { RoleProblemsRepository } from './lib/RoleProblemsRepository.js';
import { RoleTiersRepository } from './lib/RoleTiersRepository.js';

export default definePlugin({
	name: 'roles',
	description: 'Roles for linked members, per server: watch-time tiers, a Kick subscriber role, the linked role kept in place; /roles.',
	settings: {
		kick_subscriber_role_id: setting.role('A role the bot gives linked members while their Kick subscription runs, and takes back when it expires.'),
		roles_remove_unqualified: setting.boolean(
			false,
			'Takes watch-time tier roles back from members who no longer reach the tier (the subscriber and linked roles are always taken back).'
		)
	},
	repositories: {
		roleTiers: RoleTiersRepository,
		kickSubscriptions: KickSubscriptionsRepository,
		roleGrants: RoleGrantsRepository,
		roleProblems: RoleProblemsRepository
	},
	dependsOn: ['linking', 'watchtime']
});

declare module '#core' {
	interface PluginRepositories {
		roleTiers: RoleTiersRepository;
		kickSubscriptions: KickSubscriptionsRepository;
		roleGrants: RoleGrantsRepository;
		roleProblems: RoleProblemsRepository;
	}
	interface SettingTypes {
		kick_subscriber_role_id: string | null;
		roles_remove_unqualified: boolean;
	}
}
