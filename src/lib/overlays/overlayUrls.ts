import type { DeclaredOverlay } from '#lib/plugins/PluginCatalog';

/** Every address of a server's overlays: `<public URL>/overlays/<key>/<name>`, in name order. */
export function overlayUrls(
	publicUrl: string,
	key: string,
	overlays: Iterable<DeclaredOverlay>
): { readonly overlay: DeclaredOverlay; readonly url: string }[] {
	return [...overlays]
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((overlay) => ({ overlay, url: `${publicUrl.replace(/\/+$/, '')}/overlays/${key}/${overlay.name}` }));
}

/** Why the bot cannot give overlay addresses, for moderators; undefined when it can. */
export function explainOverlaysUnavailable(config: { readonly publicUrl: string | undefined; readonly canEncrypt: boolean }): string | undefined {
	if (config.publicUrl === undefined)
		return 'This bot has no public address for overlay pages: its operator sets `PUBLIC_URL` (where OBS reaches the bot’s HTTP server) and restarts it.';
	if (!config.canEncrypt)
		return 'This bot cannot keep overlay keys: its operator sets `TOKEN_ENCRYPTION_KEY` (it encrypts them, as it does Kick tokens) and restarts it.';
	return undefined;
}
