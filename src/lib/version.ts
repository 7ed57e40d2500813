import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#lib/paths';

/** The bot's version, from package.json. */
export const botVersion: string = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
