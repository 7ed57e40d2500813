import { definePlugin } from '#core';

export default definePlugin({
	name: 'core-info',
	description: 'Tells whether the bot is alive (/ping), what it is (/about) and what it holds about this server (/server).'
});
