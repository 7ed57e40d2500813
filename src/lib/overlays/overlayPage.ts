import { randomBytes } from 'node:crypto';
import type { OverlayDefinition } from '#lib/overlays/OverlayDefinition';

/** The core's style, before the overlay's: nothing drawn but the overlay, readable over any scene. */
const DEFAULT_STYLE = `
html, body { margin: 0; padding: 0; background: transparent; overflow: hidden; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 18px; line-height: 1.3;
	color: #fff; text-shadow: 0 1px 2px rgba(0, 0, 0, 0.85), 0 0 6px rgba(0, 0, 0, 0.5); }
#overlay-root { transition: opacity 0.3s; }
#overlay-offline { position: fixed; top: 4px; right: 6px; font-size: 12px; opacity: 0.8; }
#overlay-offline::before { content: ""; display: inline-block; width: 7px; height: 7px; margin-right: 5px; border-radius: 50%; background: #e5534b; }
html.overlay-offline #overlay-root { opacity: 0.35; }
`;

/**
 * The core's script, after the overlay's: it follows the page's event stream, draws each state with
 * the overlay's render(state, root), and shows "offline" (reconnecting by itself, backing off to
 * 30 s) while the stream is down, the bot stopped or the key no longer works.
 */
const CORE_SCRIPT = `
(function () {
	var root = document.getElementById('overlay-root');
	var badge = document.getElementById('overlay-offline');
	var url = location.pathname.replace(/\\/+$/, '') + '/events';
	var delay = 1000;
	var timer = null;
	function offline(yes) {
		document.documentElement.classList.toggle('overlay-offline', yes);
		badge.hidden = !yes;
	}
	function connect() {
		timer = null;
		var source = new EventSource(url);
		source.addEventListener('state', function (event) {
			delay = 1000;
			offline(false);
			var state;
			try { state = JSON.parse(event.data); } catch (error) { return; }
			try { render(state, root); } catch (error) { console.error('render failed', error); }
		});
		source.addEventListener('error', function () {
			offline(true);
			// A refusal (404, 429) closes the stream for good: try again later, less and less often.
			if (source.readyState === EventSource.CLOSED && timer === null) {
				source.close();
				timer = setTimeout(connect, delay);
				delay = Math.min(delay * 2, 30000);
			}
		});
	}
	connect();
})();
`;

/** An overlay's page and the Content-Security-Policy that lets only its own inline script and style run. */
export function overlayPage(definition: OverlayDefinition): { readonly html: string; readonly contentSecurityPolicy: string } {
	const nonce = randomBytes(16).toString('base64');
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(definition.title)}</title>
<style nonce="${nonce}">${closeSafe(DEFAULT_STYLE + (definition.style ?? ''), 'style')}</style>
</head>
<body>
<div id="overlay-root"></div>
<div id="overlay-offline" hidden>offline</div>
<script nonce="${nonce}">${closeSafe(definition.script, 'script')}</script>
<script nonce="${nonce}">${CORE_SCRIPT}</script>
</body>
</html>
`;
	const contentSecurityPolicy = [
		"default-src 'none'",
		`script-src 'nonce-${nonce}'`,
		`style-src 'nonce-${nonce}'`,
		"connect-src 'self'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"base-uri 'none'",
		"form-action 'none'"
	].join('; ');
	return { html, contentSecurityPolicy };
}

/** The plain page of a refusal (unknown key or overlay, too many pages open). */
export function overlayRefusalPage(title: string, message: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/** A plugin's script or style cannot end its element early (`</script>` in a string). */
function closeSafe(text: string, element: 'script' | 'style'): string {
	return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
