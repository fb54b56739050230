/** Small deterministic PRNG (mulberry32) so seeded data sets are identical on every run. */
export interface Rng {
	next(): number;
	int(min: number, max: number): number;
	pick<T>(list: readonly T[]): T;
	hex(length: number): string;
}

export function createRng(seed: number): Rng {
	let a = seed >>> 0 || 1;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (min, max) => min + Math.floor(next() * (max - min + 1)),
		pick: (list) => list[Math.floor(next() * list.length)],
		hex: (length) => {
			let s = '';
			while (s.length < length) s += Math.floor(next() * 16).toString(16);
			return s;
		},
	};
}
