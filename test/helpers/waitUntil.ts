/** Resolves once `condition` holds (checked every 10 ms); fails naming the condition after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
