/** The variables whose values are secrets, as the operator wrote them. */
const SECRET_VARIABLES = ['DISCORD_TOKEN', 'KICK_CLIENT_SECRET', 'DASHBOARD_SECRET', 'TOKEN_ENCRYPTION_KEY', 'METRICS_TOKEN'] as const;
/** The variables that are URLs whose password is a secret. */
const URL_VARIABLES = ['DATABASE_URL', 'REDIS_URL'] as const;
/** Shorter values are not redacted by value (a 3-character "secret" would blank out ordinary words); the patterns below still apply. */
const MIN_SECRET_LENGTH = 4;

/** Secrets that have a shape, whatever their value: a URL's password, a bearer token, OAuth fields in a form or JSON body. */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
	[/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, '$1***@'],
	[/\b(Bearer\s+)[^\s"',;]+/gi, '$1***'],
	[/\b(access_token|refresh_token|client_secret|code_verifier|password)=[^&\s"']+/gi, '$1=***'],
	[/("(?:access_token|refresh_token|client_secret|code_verifier|password)"\s*:\s*")(?:[^"\\]|\\.)*"/gi, '$1***"']
];

/**
 * Takes secrets out of log text: the configured secrets by value (the Discord token, the Kick
 * app's secret, the dashboard secret, the token encryption key, the metrics token, the passwords
 * of DATABASE_URL and REDIS_URL), and anything shaped like a credential. Applied to every line
 * the bot logs, whatever printed it.
 */
export class SecretRedactor {
	private readonly secrets: readonly string[];

	public constructor(secrets: readonly string[]) {
		// Longest first, so a secret containing another is replaced whole.
		this.secrets = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
	}

	/** The secrets of an environment (process.env after .env is read), as written and URL-decoded. */
	public static of(environment: NodeJS.ProcessEnv): SecretRedactor {
		const secrets: string[] = [];
		for (const name of SECRET_VARIABLES) {
			const value = environment[name]?.trim();
			if (value !== undefined && value !== '') secrets.push(value);
		}
		for (const name of URL_VARIABLES) {
			const value = environment[name]?.trim();
			if (value === undefined || value === '') continue;
			const password = URL.canParse(value) ? new URL(value).password : '';
			if (password !== '') secrets.push(password, safeDecode(password));
		}
		return new SecretRedactor(secrets);
	}

	public redact(text: string): string {
		let redacted = text;
		for (const secret of this.secrets) if (redacted.includes(secret)) redacted = redacted.replaceAll(secret, '***');
		for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement);
		return redacted;
	}
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
