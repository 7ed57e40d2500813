import { definePlugin } from '#core';
import { kickChatVariables } from './lib/chatVariables.js';

export default definePlugin({
	name: 'kick-chat',
	description:
		'Basic Kick chat commands: !help lists what a chatter can use here, !uptime says how long the stream has been live; {uptime} and {title} for custom commands.',
	chatVariables: kickChatVariables
});
