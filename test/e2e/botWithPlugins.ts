import { runBot } from '#lib/startup/runBot';

/** `npm start` with the plugins of another folder (BotProcess runs it for tests of fixture plugins). */
const [pluginsDirectory] = process.argv.slice(2);
if (pluginsDirectory === undefined) throw new Error('usage: botWithPlugins.js <plugins folder>');
await runBot(pluginsDirectory);
