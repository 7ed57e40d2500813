import { DEMO_SEED } from './demoSeed.js';
import { DiscordStandIn } from './DiscordStandIn.js';

/** Runs the stand-in with the demo guilds so a person can point a bot at it and drive it with curl. */
async function main(): Promise<void> {
	const port = Number(process.env.STANDIN_PORT ?? 4999);
	const standIn = await DiscordStandIn.start({ seed: DEMO_SEED, port, timeoutMs: 15_000 });
	const base = standIn.baseUrl;
	const guilds = [...standIn.state.guilds.values()];
	console.log(`Discord stand-in listening on ${base} (gateway ${standIn.gatewayUrl})`);
	console.log('\nPoint a bot at it with:\n');
	console.log(`  DISCORD_TOKEN=${standIn.token}`);
	console.log(`  DISCORD_API_URL=${standIn.apiUrl}`);
	console.log('\nGuilds:');
	for (const guild of guilds) {
		const members = [...guild.members.values()].map((member) => guild.user(member.userId).username);
		console.log(`  ${guild.name} (${guild.id}): members ${members.join(', ')}; channels ${[...guild.channels.values()].map((channel) => `#${channel.name}`).join(', ')}`);
	}
	console.log('\nControl API:');
	console.log(`  curl ${base}/_control/state`);
	console.log(`  curl -X POST ${base}/_control/slash -H 'content-type: application/json' -d '{"guild":"Alpha Community","member":"alpha-moderator","name":"ping","options":{}}'`);
	console.log(`  curl -X POST ${base}/_control/message -H 'content-type: application/json' -d '{"guild":"Alpha Community","channel":"general","member":"alpha-viewer","content":"!ping"}'`);
	console.log(`  curl ${base}/_control/log`);
	const shutdown = () => void standIn.stop().then(() => process.exit(0));
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

await main();
