import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This bot process, as it signs the work it takes (Kick events being handed over, messages being
 * sent): host, pid and a random part, so a restarted process with the same pid is another owner.
 */
export const PROCESS_IDENTITY = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
