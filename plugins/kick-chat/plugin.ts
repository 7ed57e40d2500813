import { definePlugin } from '#lib/plugins/definePlugin';

export default definePlugin({
	name: 'kick-chat',
	description: 'Basic Kick chat commands: !commands lists what this server offers, !uptime says how long the stream has been live.'
});
