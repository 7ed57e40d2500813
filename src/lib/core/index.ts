/**
 * The one module plugins import from the core (`#core`; lint refuses any other core import in
 * plugins/): how to declare a plugin, the base classes of its pieces, the types of a server's
 * context and repositories, and the helpers replies and repositories need. What is not here is
 * the core's own business.
 */

// Declaring a plugin and its settings.
export { definePlugin, type PluginManifest } from '#lib/plugins/definePlugin';
export type { OverlayDefinition } from '#lib/overlays/OverlayDefinition';
export { setting, type SettingDefinition } from '#lib/settings/SettingDefinition';
export type { SettingKey, SettingTypes } from '#lib/settings/SettingTypes';
export type { GuildSettings } from '#lib/settings/GuildSettings';

// The server a piece acts for: every base class hands it to the method that runs.
export type { ChannelMessage, ChannelPost, GuildContext, KickSignInStart } from '#lib/guild/GuildContext';
export type { MemberRoleChange, RoleChangeOutcome, RoleChangeProblem, RoleProblem } from '#lib/guild/changeMemberRole';
export type { ModeratorAlert } from '#lib/kick/alertModerators';
export type { CooldownHold, GuildShared, RunningCooldown, ScoredMember } from '#lib/shared/SharedState';
export { isModerator, type MemberFacts } from '#lib/guild/isModerator';
export type { KickChatPost } from '#lib/kick/KickConnection';
export type { OutboxAcceptance } from '#lib/outbox/Outbox';

// The base classes of a plugin's pieces.
export {
	GuildCommand,
	type CallOptions,
	type CommandCall,
	type CommandOption,
	type ContextMenuCall,
	type GuildContextMenu,
	type GuildSubcommand,
	type MessageContextMenuCall,
	type UserContextMenuCall
} from '#lib/commands/GuildCommand';
export type { AnsweredCall, CommandAnswer } from '#lib/commands/answerCall';
export { GuildListenerEvents, type UnknownPrefixCommand } from '#lib/commands/unknownPrefixCommand';
export { GuildInteractionHandler, type FollowUpInteraction } from '#lib/guild/GuildInteractionHandler';
export { DashboardAction } from '#lib/dashboard/DashboardAction';
export { KickSignInHandler, type KickSignIn, type KickSignInPage } from '#lib/kick/signIns/KickSignInHandler';
export type { KickIdentity } from '#lib/kick/KickAuthorizations';
export { GuildTask, type GuildTaskPayload } from '#lib/tasks/GuildTask';
export { forEachAtOnce } from '#lib/tasks/forEachAtOnce';
export { PeriodicFlush } from '#lib/tasks/PeriodicFlush';
export { whenBotStops } from '#lib/setup/botStopping';
export { KickCommand, KickCommandArgs, type KickArgResult, type KickChatCommandMessage, type KickCommandAccess } from '#lib/kick/commands/KickCommand';
export { accessOfSender, mayUse, type ChatterAccess } from '#lib/kick/commands/dispatchKickCommand';

// Chat replies with variables: what a plugin contributes (its manifest's chatVariables), and the templates features fill.
export {
	CALL_VARIABLES,
	UNAVAILABLE_VARIABLE_TEXT,
	type ChatVariableProvider,
	type ChatVariableRequest,
	type ChatVariableViewer
} from '#lib/chat/chatVariables';
export {
	chatVariableCatalog,
	parseChatTemplate,
	renderChatTemplate,
	type ChatCall,
	type ChatTemplate,
	type ChatTemplateParse,
	type ChatVariableCatalog,
	type DeclaredChatVariable
} from '#lib/chat/chatTemplate';
export { KICK_CHAT_MESSAGE_LIMIT } from '#lib/kick/chat/splitChatMessage';

// Parts of answers several plugins give: page buttons, the checks and private answers of follow-ups, and whom a command names.
export { pageButtons } from '#lib/discord/pageButtons';
export { byModerator, ofThisServer, tellPrivately } from '#lib/discord/interactionGuards';
export { parseViewerTarget, type ViewerTarget } from '#lib/discord/viewerTarget';

// Kick events, as Kick listeners receive them with the server's context: run(event, context).
export { KickListenerEvents } from '#lib/kick/events/KickListenerEvents';
export type * from '#lib/kick/events/KickEvent';
export type { KickConnection as KickConnectionRecord } from '#lib/database/repositories/KickConnectionRepository';

// What the bot can say about itself (no server's data).
export { botFacts, type BotFacts, type PluginSummary } from '#lib/core/botFacts';
export {
	commandNamed,
	discordCommands,
	groupByPlugin,
	kickCommands,
	pluginOfPiece,
	type DiscordCommandSummary,
	type KickCommandSummary
} from '#lib/core/commandCatalog';

// A server's data: repositories built on one server's scope.
export type { GuildId } from '#lib/database/GuildId';
export type { GuildRepositories, PluginRepositories, RepositoryClass } from '#lib/database/GuildRepositories';
export { GuildRepository, type GuildScope } from '#lib/database/repositories/GuildRepository';
export type { QueryClient } from '#lib/database/client';
export { assertPositiveInteger, ConflictError, InvalidInputError, NotFoundError } from '#lib/database/errors';
export { KeyValueSettingsRepository } from '#lib/database/repositories/KeyValueSettingsRepository';
export type { ServerRecord } from '#lib/database/repositories/ServerRepository';
export { Prisma } from '#generated/prisma/client';

// Fair draws: a committed seed, revealed when it is used, and the unbiased number stream drawn from it (raffles, slot-request picks).
export { assertSeed, bitsFor, candidateBlock, commitSeed, seedCommitment, sha256Hex, uniformBelow } from '#lib/fairness/seededRandom';
