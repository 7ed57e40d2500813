import { definePlugin } from '#lib/plugins/definePlugin';

export default definePlugin({
	name: 'core-info',
	description: 'Tells whether the bot is alive (/ping) and what it is (/about).'
});
