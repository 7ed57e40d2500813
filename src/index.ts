import { pluginsDirectory } from '#lib/paths';
import { runBot } from '#lib/startup/runBot';

await runBot(pluginsDirectory);
