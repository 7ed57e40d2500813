import { definePlugin } from '#core';

export default definePlugin({
	name: 'kick-chat',
	description: 'Basic Kick chat commands: !commands lists what this server offers, !uptime says how long the stream has been live.'
});
