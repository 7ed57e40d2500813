import { container } from '@sapphire/framework';
import type { ApiRequest, ApiResponse } from '@sapphire/plugin-api';

/**
 * The answer to an error inside the HTTP server: logged with the path only (a query can carry an
 * OAuth code), and a generic 500 for the client, whose body never says what failed.
 */
export function answerInternalError(error: Error, request: ApiRequest, response: ApiResponse, where: string): void {
	container.logger.error(`HTTP: ${request.method} ${request.url?.split('?')[0]} failed in ${where}:`, error);
	if (!response.headersSent) response.status(500).json({ error: 'Internal Server Error' });
	else if (!response.writableEnded) response.end();
}
