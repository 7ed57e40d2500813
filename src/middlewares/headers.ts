import { ApplyOptions } from '@sapphire/decorators';
import { Middleware } from '@sapphire/plugin-api';

/**
 * Replaces @sapphire/plugin-api's headers middleware, which allows every origin with
 * credentials (`Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`):
 * no route of the bot is called from a browser script, so no CORS header is sent at all. Its
 * early answers stay: 404 for an unknown path, 405 with Allow for another method, OPTIONS
 * answered with Allow. Node's HTTP server writes the Date header itself.
 */
@ApplyOptions<Middleware.Options>({ name: 'headers', position: 10 })
export class NoCorsHeadersMiddleware extends Middleware {
	public override run(request: Middleware.Request, response: Middleware.Response): void {
		const node = request.routerNode;
		if (node === null || node === undefined) {
			response.status(404).json({ error: 'Not Found' });
			return;
		}
		const allow = [...new Set([...node.methods(), 'OPTIONS'])].join(', ');
		if (request.method === 'OPTIONS' && !request.route?.methods.has('OPTIONS')) {
			response.setHeader('Allow', allow);
			response.status(204).end();
		} else if (request.route === null || request.route === undefined) {
			response.setHeader('Allow', allow);
			response.status(405).json({ error: 'Method Not Allowed' });
		}
	}
}
