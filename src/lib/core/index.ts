/**
 * The one module plugins import from the core (`#core`; lint refuses any other core import in
 * plugins/): how to declare a plugin, the base classes of its pieces, the types of a server's
 * context and repositories, and the helpers replies and repositories need. What is not here is
 * the core's own business.
 */

// Declaring a plugin and its settings.
export { definePlugin, type PluginManifest } from '#lib/plugins/definePlugin';
export { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';

// A server's data: repositories built on one server's scope.
export type { GuildId } from '#lib/database/GuildId';
export type { GuildRepositories, PluginRepositories, RepositoryClass } from '#lib/database/GuildRepositories';
export { GuildRepository, type GuildScope } from '#lib/database/repositories/GuildRepository';
export type { QueryClient } from '#lib/database/client';
export { assertPositiveInteger, ConflictError, InvalidInputError, NotFoundError } from '#lib/database/errors';
export { KeyValueSettingsRepository } from '#lib/database/repositories/KeyValueSettingsRepository';
export { Prisma } from '#generated/prisma/client';
