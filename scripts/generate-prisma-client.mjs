// Runs `prisma generate`. Generating never uses Prisma's native schema engine, but the CLI
// downloads one first unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file, and an
// offline machine cannot download it. So when the variable is unset this points it at a
// file that exists, for this one command only; `npx prisma migrate ...` run by hand still
// gets the real engine the normal way.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const prismaPackage = require.resolve('prisma/package.json');
const cli = join(dirname(prismaPackage), require(prismaPackage).bin.prisma);
const schema = fileURLToPath(new URL('../prisma/schema/core.prisma', import.meta.url));

const result = spawnSync(process.execPath, [cli, 'generate', '--no-hints'], {
	stdio: ['ignore', 'inherit', 'inherit'],
	env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || schema, PRISMA_HIDE_UPDATE_MESSAGE: '1' }
});
process.exit(result.status ?? 1);
