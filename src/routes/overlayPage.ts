import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { OVERLAY_HEADERS } from '#lib/overlays/overlayHeaders';
import { overlayPage, overlayRefusalPage } from '#lib/overlays/overlayPage';

/**
 * An overlay's browser-source page for OBS, `/overlays/<server's key>/<name>`: the overlay's style
 * and render script, and the core's script that follows `…/events`. An unknown key, an unknown
 * overlay or one whose plugin is off in the key's server: a plain 404.
 */
@ApplyOptions<Route.Options>({ name: 'overlayPage', route: 'overlays/[key]/[name]', methods: ['GET'] })
export class OverlayPageRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		for (const [name, value] of Object.entries(OVERLAY_HEADERS)) response.setHeader(name, value);
		const overlays = this.container.overlayServer;
		const found = await overlays.find(request.params.key ?? '', request.params.name ?? '');
		if (found === null) {
			response.setHeader('Content-Security-Policy', "default-src 'none'");
			response.html(404, overlayRefusalPage('No such overlay', 'This overlay address is unknown, or no longer works (its key was replaced).'));
			return;
		}
		const page = overlayPage(found.overlay.definition);
		response.setHeader('Content-Security-Policy', page.contentSecurityPolicy);
		response.html(200, page.html);
	}
}
