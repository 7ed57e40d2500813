import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { compiledRoot, migrationsDirectory, projectRoot } from '#lib/paths';

interface DockerStage {
	readonly name: string;
	/** The stage's instructions, continuation lines joined, comments left out. */
	readonly instructions: readonly string[];
}

/** The Dockerfile's stages in order, each named by its `AS`. */
function dockerStages(): DockerStage[] {
	const instructions = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8')
		.replace(/\\\n/g, ' ')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'));
	const stages: { name: string; instructions: string[] }[] = [];
	for (const instruction of instructions) {
		const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?$/i.exec(instruction);
		if (from) stages.push({ name: from[1] ?? String(stages.length), instructions: [] });
		else if (stages.length > 0) stages.at(-1)!.instructions.push(instruction);
	}
	return stages;
}

/** What `npm ci --omit=dev --omit=optional` installs at the top of node_modules, by the lock file. */
function productionPackages(): Set<string> {
	const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
		packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
	};
	return new Set(
		Object.entries(lock.packages)
			.filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev && !entry.optional && !entry.devOptional)
			.map(([path]) => path.slice('node_modules/'.length))
	);
}

/** The compiled files the image runs: the core, the plugins without their tests and benches, the database tools. */
function runtimeFiles(): string[] {
	const files: string[] = [];
	const walk = (directory: string): void => {
		for (const entry of readdirSync(directory, { withFileTypes: true })) {
			const path = join(directory, entry.name);
			if (entry.isDirectory() && !(directory.startsWith(join(compiledRoot, 'plugins')) && ['tests', 'bench'].includes(entry.name))) walk(path);
			else if (entry.isFile() && entry.name.endsWith('.js')) files.push(path);
		}
	};
	for (const folder of ['src', 'plugins', 'scripts']) walk(join(compiledRoot, folder));
	return files;
}

/** The npm package a bare import specifier names (`@scope/name/sub` → `@scope/name`), or null for builtins, aliases and relative paths. */
function packageOf(specifier: string): string | null {
	if (specifier.startsWith('.') || specifier.startsWith('#') || specifier.startsWith('node:')) return null;
	const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
	return builtinModules.includes(name) ? null : name;
}

describe('packaging: the Docker image and the Compose file', () => {
	it('the image installs every package the compiled bot, plugins and database tools import, and leaves the dev packages out', () => {
		const installed = productionPackages();
		expect(installed, 'a production dependency').to.include('@prisma/client');
		expect(installed, 'a dev dependency npm keeps as an optional peer unless optional packages are left out').not.to.include('prisma');
		const missing: string[] = [];
		const imported = new Set<string>();
		for (const file of runtimeFiles()) {
			const code = readFileSync(file, 'utf8');
			const specifiers = [
				...code.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm),
				...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
				...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)
			].map((match) => match[1]!);
			for (const specifier of specifiers) {
				const name = packageOf(specifier);
				if (name !== null) imported.add(name);
				if (name !== null && !installed.has(name)) missing.push(`${relative(compiledRoot, file)} imports ${specifier}`);
			}
		}
		expect([...imported], 'packages the scan finds').to.include.members(['discord.js', '@sapphire/framework', '@prisma/client', 'ioredis']);
		expect(missing, 'imports of packages `npm ci --omit=dev --omit=optional` leaves out').to.deep.equal([]);
	});

	it('the final stage runs the command npm start runs, as a user other than root, with the production dependencies and what the bot reads at run time', () => {
		const stages = dockerStages();
		const runtime = stages.at(-1)!;
		const startScript = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
		const startCommand = startScript
			.slice(startScript.lastIndexOf('&&') + 2)
			.trim()
			.split(/\s+/);
		const cmd = runtime.instructions.find((instruction) => instruction.startsWith('CMD '));
		expect(JSON.parse(cmd!.slice('CMD '.length)), 'CMD').to.deep.equal(startCommand);

		const users = runtime.instructions.filter((instruction) => instruction.startsWith('USER '));
		expect(users, 'USER in the final stage').to.have.length.greaterThan(0);
		expect(users.at(-1)!.slice('USER '.length).trim()).not.to.be.oneOf(['root', '0', '0:0']);
		expect(
			runtime.instructions.some((instruction) => /^RUN\b.*\bnpm (ci|install)\b/.test(instruction)),
			'npm run in the final stage'
		).to.equal(false);

		const dependencies = /^COPY\s+--from=(\S+)\s+\S*node_modules\s/.exec(runtime.instructions.find((instruction) => instruction.includes('node_modules'))!);
		const install = stages.find((stage) => stage.name === dependencies![1])!.instructions.find((instruction) => /\bnpm ci\b/.test(instruction));
		expect(install)
			.to.match(/--omit=dev\b/)
			.and.to.match(/--omit=optional\b/);

		// Each COPY's paths, relative to the repository or to the image's /app.
		const copies = runtime.instructions
			.filter((instruction) => instruction.startsWith('COPY '))
			.map((instruction) =>
				instruction
					.split(/\s+/)
					.slice(1)
					.filter((token) => !token.startsWith('--'))
					.map((token) => token.replace(/^(\.\/|\/app\/)/, ''))
			);
		for (const path of [relative(projectRoot, migrationsDirectory), 'prisma/rollback', 'dist', 'package.json']) {
			expect(
				copies.some((paths) => paths.includes(path)),
				`${path} copied into the final stage`
			).to.equal(true);
		}
		expect(runtime.instructions.find((instruction) => instruction.startsWith('HEALTHCHECK '))).to.contain('/health');
	});

	it('Compose starts the bot after PostgreSQL and Redis are healthy, and keeps their data in volumes', () => {
		const compose = readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8');
		const services = new Map(
			compose
				.slice(compose.indexOf('\nservices:\n'), compose.indexOf('\nvolumes:\n'))
				.split(/\n(?= {2}[a-z-]+:\n)/)
				.slice(1)
				.map((block) => [block.slice(2, block.indexOf(':')), block] as const)
		);
		expect([...services.keys()]).to.have.members(['postgres', 'redis', 'bot']);
		for (const name of ['postgres', 'redis']) {
			expect(services.get(name), `${name}'s health check`).to.match(/\n {4}healthcheck:\n {6}test: /);
			expect(services.get(name), `${name}'s volume`).to.match(new RegExp(`\\n {6}- ${name}-data:/`));
			expect(services.get('bot'), `the bot waits for ${name}`).to.match(new RegExp(`\\n {6}${name}:\\n {8}condition: service_healthy\\n`));
		}
		expect(services.get('redis')).to.match(/'--appendonly', 'yes'/);
		expect(services.get('bot')).to.match(/\n {4}env_file: \.env\n/);
	});
});
