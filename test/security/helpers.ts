/** Collects every string reachable from a value — own properties, enumerable or not (an error's
 * message, stack, cause…), array entries, map keys — so tests can grep for a secret anywhere. */
export function allStrings(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
	if (typeof value === 'string') {
		out.push(value);
		return out;
	}
	if (value === null || typeof value !== 'object' || seen.has(value)) return out;
	seen.add(value);
	if (value instanceof Uint8Array) {
		out.push(Buffer.from(value).toString('utf8'));
		return out;
	}
	for (const key of Object.getOwnPropertyNames(value)) {
		out.push(key);
		let v: unknown;
		try {
			v = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		allStrings(v, out, seen);
	}
	return out;
}

/** Fails with the place where the secret was found. */
export function expectNoSecret(value: unknown, secret: string): void {
	const hits = allStrings(value).filter(
		(s) => s.includes(secret) || s.includes(encodeURIComponent(secret)),
	);
	expect(hits.map((h) => h.slice(0, 300))).toEqual([]);
}
