import { ApplyOptions } from '@sapphire/decorators';
import { Route } from '@sapphire/plugin-api';
import { OVERLAY_HEADERS } from '#lib/overlays/overlayHeaders';

/**
 * The event stream of an overlay's page, `/overlays/<server's key>/<name>/events`: its state at
 * once, then each new one (`event: state`), a heartbeat comment every 15 s. 404 as the page; 429
 * when the server, or this process, has as many pages open as allowed.
 */
@ApplyOptions<Route.Options>({ name: 'overlayEvents', route: 'overlays/[key]/[name]/events', methods: ['GET'] })
export class OverlayEventsRoute extends Route {
	public override async run(request: Route.Request, response: Route.Response): Promise<void> {
		for (const [name, value] of Object.entries(OVERLAY_HEADERS)) response.setHeader(name, value);
		const overlays = this.container.overlayServer;
		const found = await overlays.find(request.params.key ?? '', request.params.name ?? '');
		if (found === null) {
			response.status(404).text('No such overlay.');
			return;
		}
		// The page may have gone while the key was looked up.
		if (request.destroyed) return;
		// The headers go with the first text: nothing is written when the stream is refused.
		const close = overlays.open(found, {
			write: (text) => {
				if (!response.headersSent) {
					response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
					request.socket.setNoDelay(true);
				}
				response.write(text);
			},
			end: () => response.end()
		});
		if (close === 'too many') {
			response.setHeader('Retry-After', '30');
			response.status(429).text('Too many pages of this overlay are open.');
			return;
		}
		response.on('close', close);
	}
}
