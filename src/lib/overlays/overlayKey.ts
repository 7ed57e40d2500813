import { createHash, randomBytes } from 'node:crypto';

/** 24 random bytes (192 bits) as base64url: 32 URL-safe characters. */
const KEY_BYTES = 24;

/** What a server's overlay key looks like in a URL; anything else is not looked up. */
export const OVERLAY_KEY = /^[A-Za-z0-9_-]{32}$/;

/** A fresh secret overlay key. */
export function newOverlayKey(): string {
	return randomBytes(KEY_BYTES).toString('base64url');
}

/** What the database keeps to find a key's server: its SHA-256, hex. */
export function overlayKeyHash(key: string): string {
	return createHash('sha256').update(key, 'utf8').digest('hex');
}
