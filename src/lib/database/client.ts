import type { ITXClientDenyList } from '@prisma/client/runtime/client';
import { PrismaClient } from '#generated/prisma/client';
import type { PrismaAdapter } from '#lib/database/connection';
import { guildScopeGuard } from '#lib/database/guard/guildScopeGuard';

export function createPrismaClient(adapter: PrismaAdapter): PrismaClient {
	return new PrismaClient({ adapter });
}

export function guardClient(client: PrismaClient) {
	return client.$extends(guildScopeGuard);
}

/** The client every repository uses: guarded, so an unscoped query throws. */
export type GuardedClient = ReturnType<typeof guardClient>;
/** A guarded client, or one inside an interactive transaction. */
export type QueryClient = Omit<GuardedClient, ITXClientDenyList>;
