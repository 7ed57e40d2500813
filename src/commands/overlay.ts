import { ApplyOptions } from '@sapphire/decorators';
import { GuildCommand, type CommandCall } from '#lib/commands/GuildCommand';
import type { GuildContext } from '#lib/guild/GuildContext';
import { rotateButtons } from '#lib/overlays/rotateButtons';
import { explainOverlaysUnavailable, overlayUrls } from '#lib/overlays/overlayUrls';

/**
 * The addresses of this server's OBS overlays, and a new secret key when one leaked. The addresses
 * are secrets: the moderator alone sees them (ephemeral, or by DM in the prefix form).
 */
@ApplyOptions<GuildCommand.Options>({
	description: 'Shows this server’s OBS overlay addresses, or replaces their secret key (moderators).',
	moderatorsOnly: true,
	guildSubcommands: [
		{ name: 'urls', description: 'Shows the address of each overlay for OBS (browser source); keep them secret.', run: 'urls', default: true },
		{ name: 'rotate', description: 'Replaces the overlays’ secret key: every address so far stops working.', run: 'rotate' }
	]
})
export class OverlayCommand extends GuildCommand {
	public async urls(call: CommandCall, context: GuildContext): Promise<void> {
		const overlays = [...this.container.plugins.overlays.values()].filter((overlay) => context.pluginIsOn(overlay.plugin));
		if (overlays.length === 0) {
			await call.reply({ content: 'No plugin switched on in this server has an overlay.' });
			return;
		}
		const unavailable = this.unavailable();
		if (unavailable !== undefined) {
			await call.reply({ content: unavailable });
			return;
		}
		const key = await context.db.overlayKeys.key();
		const lines = overlayUrls(this.container.config.http.publicUrl!, key, overlays).map(
			({ overlay, url }) => `**${overlay.definition.title}** (\`${overlay.name}\`)\n<${url}>`
		);
		const where = call.form === 'slash' ? 'this server' : `**${context.guild?.name ?? 'this server'}**`;
		await call.reply({
			content: [
				`Overlays of ${where}: add each as a Browser source in OBS. Anyone with an address sees the overlay, so keep them out of screenshots and chat; \`/overlay rotate\` replaces them all.`,
				'',
				...lines
			].join('\n'),
			visibility: 'caller-only',
			about: 'the overlay addresses'
		});
	}

	/** The prompt names no address, so the prefix form may show it in the channel; its buttons answer only the moderator who asked. */
	public async rotate(call: CommandCall, context: GuildContext): Promise<void> {
		const unavailable = this.unavailable();
		if (unavailable !== undefined) {
			await call.reply({ content: unavailable });
			return;
		}
		await call.reply({
			content:
				'Replace the overlays’ secret key? Every overlay address of this server stops working at once, and open overlays go offline until OBS gets the new addresses (`/overlay urls`).',
			components: [rotateButtons(context.guildId.toString(), call.user.id)]
		});
	}

	private unavailable(): string | undefined {
		const { config } = this.container;
		return explainOverlaysUnavailable({ publicUrl: config.http.publicUrl, canEncrypt: config.tokenEncryptionKey !== undefined });
	}
}
