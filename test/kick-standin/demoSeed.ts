import type { KickUserSeed } from './KickDirectory.js';
import type { KickStandInSeed } from './KickStandIn.js';

/** The Kick app of `npm run standin`: fixed, so a bot's configuration survives restarts of the stand-ins. */
export const KICK_DEMO_APP = { clientId: 'standin-demo-kick-app', clientSecret: 'standin-demo-kick-secret.not-a-real-kick-secret' } as const;

/** A streamer for each demo community of the Discord stand-in, and a few viewers (any other name chatting becomes a viewer). */
const KICK_DEMO_USERS: readonly KickUserSeed[] = [
	{ username: 'AlphaStreamer', userId: 4_100_001, streamTitle: 'Bonus hunt', category: { id: 28, name: 'Slots & Casino' } },
	{ username: 'BetaStreamer', userId: 4_100_002, streamTitle: 'Just chatting', category: { id: 15, name: 'Just Chatting' } },
	{ username: 'viewer_vic', userId: 4_200_001 },
	{ username: 'mod_mia', userId: 4_200_002 },
	{ username: 'sub_sam', userId: 4_200_003 }
];

/** The demo Kick world for a bot whose OAuth callback is `redirectUri`. */
export function kickDemoSeed(redirectUri: string): KickStandInSeed {
	return { app: { ...KICK_DEMO_APP, redirectUris: [redirectUri] }, users: KICK_DEMO_USERS };
}
