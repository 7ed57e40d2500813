/** What the bot runs as it stops (the `whenBotStops` hooks of every module loaded), for tests that check a plugin's last writes. */
export { finishBeforeStopping } from '#lib/setup/botStopping';
