import type { GuardedClient, QueryClient } from '#lib/database/client';
import type { GuildId } from '#lib/database/GuildId';
import { CustomCommandsRepository } from '#lib/database/repositories/CustomCommandsRepository';
import type { GuildScope } from '#lib/database/repositories/GuildRepository';
import { KeyValueSettingsRepository } from '#lib/database/repositories/KeyValueSettingsRepository';
import { KickConnectionRepository } from '#lib/database/repositories/KickConnectionRepository';
import { KickOAuthStatesRepository } from '#lib/database/repositories/KickOAuthStatesRepository';
import { KickTokensRepository } from '#lib/database/repositories/KickTokensRepository';
import { OutboxRepository } from '#lib/database/repositories/OutboxRepository';
import { RaffleRepository } from '#lib/database/repositories/RaffleRepository';
import { ServerRepository } from '#lib/database/repositories/ServerRepository';
import { SlotRequestsRepository } from '#lib/database/repositories/SlotRequestsRepository';
import { TimedMessagesRepository } from '#lib/database/repositories/TimedMessagesRepository';
import { UserPointsRepository } from '#lib/database/repositories/UserPointsRepository';
import type { TokenCipher } from '#lib/database/TokenCipher';

/**
 * Every repository of one server. Built by `Database.forGuild(guildId)`; nothing in it can
 * reach another server's rows. Cheap to build (plain objects, no queries).
 */
export class GuildRepositories {
	public readonly settings: KeyValueSettingsRepository;
	public readonly pointSettings: KeyValueSettingsRepository;
	public readonly server: ServerRepository;
	public readonly points: UserPointsRepository;
	public readonly customCommands: CustomCommandsRepository;
	public readonly timedMessages: TimedMessagesRepository;
	public readonly slotRequests: SlotRequestsRepository;
	public readonly raffles: RaffleRepository;
	public readonly kickTokens: KickTokensRepository;
	public readonly kickConnection: KickConnectionRepository;
	public readonly kickOAuthStates: KickOAuthStatesRepository;
	public readonly outbox: OutboxRepository;
	private readonly scope: GuildScope;

	public constructor(
		public readonly guildId: GuildId,
		client: GuardedClient | QueryClient,
		private readonly cipher: TokenCipher | undefined,
		inTransaction = false
	) {
		this.scope = {
			guildId,
			client,
			transaction: (work) => (inTransaction ? work(client) : (client as GuardedClient).$transaction(work))
		};
		this.settings = new KeyValueSettingsRepository(this.scope, 'bot_settings');
		this.pointSettings = new KeyValueSettingsRepository(this.scope, 'point_settings');
		this.server = new ServerRepository(this.scope);
		this.points = new UserPointsRepository(this.scope);
		this.customCommands = new CustomCommandsRepository(this.scope);
		this.timedMessages = new TimedMessagesRepository(this.scope);
		this.slotRequests = new SlotRequestsRepository(this.scope);
		this.raffles = new RaffleRepository(this.scope);
		this.kickTokens = new KickTokensRepository(this.scope, cipher);
		this.kickConnection = new KickConnectionRepository(this.scope);
		this.kickOAuthStates = new KickOAuthStatesRepository(this.scope);
		this.outbox = new OutboxRepository(this.scope);
	}

	/**
	 * Runs `work` in one database transaction with repositories of this same server bound to
	 * it; inside a transaction already, it joins that one.
	 */
	public transaction<T>(work: (repositories: GuildRepositories) => Promise<T>): Promise<T> {
		return this.scope.transaction((client) => work(new GuildRepositories(this.guildId, client, this.cipher, true)));
	}
}
