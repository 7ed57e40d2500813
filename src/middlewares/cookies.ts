import { ApplyOptions } from '@sapphire/decorators';
import { Middleware } from '@sapphire/plugin-api';

/**
 * Replaces @sapphire/plugin-api's cookie middleware: the bot's routes use no cookies, and that
 * middleware fails every request sent to an IP address (e.g. PUBLIC_URL=http://127.0.0.1:8080
 * on a self-hosted bot) with a 500.
 */
@ApplyOptions<Middleware.Options>({ name: 'cookies', position: 30 })
export class NoCookiesMiddleware extends Middleware {
	public override run(): void {
		// Nothing to parse or set.
	}
}
