import {
	ENTRY_CHARS,
	checkAndRecord,
	claimExecution,
	entryCode,
	legHash,
	executionLegs,
	legStore,
	mergePersisted,
	PersistedLegs,
	persistedHas,
	persistedText,
	resetLegStores,
	settleDone,
	settleFailed,
	settleFinished,
	waitForLeg,
} from '../../nodes/shared/cdrDelivery';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('CDR leg store (in process)', () => {
	beforeEach(() => resetLegStores());

	it('the first delivery is new, a copy while it is pending is busy, after the ack a duplicate', () => {
		const s = legStore('wf:node');
		const first = checkAndRecord(s, 'a|queue|', undefined, T0, 60 * MIN, 100);
		expect(first.kind).toBe('new');
		expect(checkAndRecord(s, 'a|queue|', undefined, T0 + 1, 60 * MIN, 100).kind).toBe('busy');
		if (first.kind !== 'new') throw new Error('unreachable');
		settleDone(s, 'a|queue|', first.entry);
		expect(checkAndRecord(s, 'a|queue|', undefined, T0 + 2, 60 * MIN, 100).kind).toBe('duplicate');
		// the other leg of the same call is not a copy
		expect(checkAndRecord(s, 'a|click2callleg2|', undefined, T0 + 3, 60 * MIN, 100).kind).toBe('new');
	});

	it('a failed leg is forgotten, so the re-send runs; waiting copies learn the outcome', async () => {
		const s = legStore('wf:node');
		const first = checkAndRecord(s, 'k', undefined, T0, MIN, 100);
		if (first.kind !== 'new') throw new Error('expected new');
		const waiting = waitForLeg(s, 'k', 10_000);
		settleFailed(s, 'k', first.entry);
		await expect(waiting).resolves.toBe('failed');
		expect(checkAndRecord(s, 'k', undefined, T0 + 5, MIN, 100).kind).toBe('new');
		await expect(waitForLeg(s, 'nothing', 10)).resolves.toBe('gone');
		const busy = checkAndRecord(s, 'k2', undefined, T0, MIN, 100);
		expect(busy.kind).toBe('new');
		await expect(waitForLeg(s, 'k2', 5)).resolves.toBe('timeout');
	});

	it('once its execution runs, a leg is done even if its acknowledgement never went out', async () => {
		const s = legStore('wf:node');
		// the execution's first step before the answer failed (client gone)
		const a = checkAndRecord(s, 'a', undefined, T0, MIN, 100);
		if (a.kind !== 'new') throw new Error('expected new');
		const waiting = waitForLeg(s, 'a', 10_000);
		expect(claimExecution(s, 'a', T0 + 1, true).code).toBe(a.code!);
		await expect(waiting).resolves.toBe('done');
		settleFailed(s, 'a', a.entry);
		expect(checkAndRecord(s, 'a', undefined, T0 + 2, MIN, 100).kind).toBe('duplicate');
		// ... and after it (the failed answer had forgotten the leg)
		const b = checkAndRecord(s, 'b', undefined, T0, MIN, 100);
		if (b.kind !== 'new') throw new Error('expected new');
		settleFailed(s, 'b', b.entry);
		expect(claimExecution(s, 'b', T0 + 3, true).code).toBe(entryCode('b', T0 + 3));
		expect(checkAndRecord(s, 'b', undefined, T0 + 4, MIN, 100).kind).toBe('duplicate');
		// this process's writes carry them only once their executions have ended
		expect(s.recent.size).toBe(0);
		settleFinished(s, a.code!);
		expect([...s.recent.values()]).toEqual([a.code]);
	});

	it('a second execution of a leg in this process is told so (n8n re-ran a stored execution)', () => {
		const s = legStore('wf:node');
		const a = checkAndRecord(s, 'a', undefined, T0, MIN, 100);
		if (a.kind !== 'new') throw new Error('expected new');
		expect(claimExecution(s, 'a', T0 + 1, true)).toEqual({ code: a.code, first: true });
		expect(claimExecution(s, 'a', T0 + 2, true)).toEqual({ code: a.code, first: false });
		// a leg this process has not seen (an execution n8n started at boot): first, and recorded
		expect(claimExecution(s, 'boot', T0, true).first).toBe(true);
		expect(claimExecution(s, 'boot', T0 + 1, true).first).toBe(false);
		expect(checkAndRecord(s, 'boot', undefined, T0 + 2, MIN, 100).kind).toBe('duplicate');
		// "workflow succeeded": a failed run forgot the leg, so its re-send runs again
		const f = checkAndRecord(s, 'f', undefined, T0, MIN, 100);
		if (f.kind !== 'new') throw new Error('expected new');
		expect(claimExecution(s, 'f', T0 + 1, false).first).toBe(true);
		settleFailed(s, 'f', f.entry);
		const again = checkAndRecord(s, 'f', undefined, T0 + 2, MIN, 100);
		expect(again.kind).toBe('new');
		expect(claimExecution(s, 'f', T0 + 3, false).first).toBe(true);
	});

	it('is bounded by age and by count', () => {
		const s = legStore('wf:node');
		for (let i = 0; i < 10; i++) {
			const r = checkAndRecord(s, `leg${i}`, undefined, T0 + i, 60 * MIN, 5);
			if (r.kind === 'new') settleDone(s, `leg${i}`, r.entry);
		}
		expect(s.legs.size).toBeLessThanOrEqual(6);
		expect(checkAndRecord(s, 'leg9', undefined, T0 + 20, 60 * MIN, 5).kind).toBe('duplicate');
		expect(checkAndRecord(s, 'leg9', undefined, T0 + 61 * MIN, 60 * MIN, 5).kind).toBe('new');
	});
});

describe('CDR legs persisted in static data', () => {
	beforeEach(() => resetLegStores());

	it('12 characters per leg; a restarted process (empty memory) finds the persisted legs', () => {
		const s = legStore('before-restart');
		const r = checkAndRecord(s, 'leg-1', undefined, T0, 60 * MIN, 100);
		if (r.kind !== 'new') throw new Error('expected new');
		const persisted = mergePersisted(s, undefined, r.code, T0 - 60 * MIN, 1000);
		expect(persisted).toHaveLength(ENTRY_CHARS);
		expect(persisted).toBe(entryCode('leg-1', T0));
		const after = legStore('after-restart');
		expect(checkAndRecord(after, 'leg-1', persisted, T0 + 5 * MIN, 60 * MIN, 100).kind).toBe('duplicate');
		expect(checkAndRecord(after, 'leg-2', persisted, T0 + 5 * MIN, 60 * MIN, 100).kind).toBe('new');
		// outside the window the persisted leg no longer counts
		expect(persistedHas(persisted, legHash('leg-1'), T0 + 2 * MIN)).toBe(false);
	});

	it('merges what was read with this process\'s recent legs, drops expired ones, keeps the newest max', () => {
		const s = legStore('p');
		const other = entryCode('from-other-process', T0);
		const old = entryCode('old', T0 - 120 * MIN);
		for (let i = 0; i < 3; i++) {
			const r = checkAndRecord(s, `mine${i}`, undefined, T0 + i * MIN, 600 * MIN, 100);
			if (r.kind === 'new') settleDone(s, `mine${i}`, r.entry);
		}
		const merged = mergePersisted(s, old + other, entryCode('own', T0 + 5 * MIN), T0 - 60 * MIN, 3);
		expect(merged.length).toBe(3 * ENTRY_CHARS);
		const hashes = merged.match(/.{12}/g)!.map((c) => c.slice(0, 8));
		expect(hashes).toEqual([legHash('mine1'), legHash('mine2'), legHash('own')]);
		// a write that dropped this process's legs (last writer wins) is repaired by its next write
		const repaired = mergePersisted(s, other, undefined, T0 - 60 * MIN, 10);
		expect(repaired.match(/.{12}/g)!.map((c) => c.slice(0, 8))).toEqual([
			legHash('from-other-process'),
			legHash('mine0'),
			legHash('mine1'),
			legHash('mine2'),
		]);
	});

	it('the in-order fast path writes exactly what the full merge-and-sort would (random writers, stale reads, expiry, a small max)', () => {
		// Reference: the merge as first written (every entry read, de-duplicated, sorted by minute).
		const minute = (code: string) => {
			let v = 0;
			for (const ch of code.slice(8)) v = v * 64 + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(ch);
			return v;
		};
		const reference = (recent: string[], read: string, own: string | undefined, sinceMs: number, max: number) => {
			const since = Math.max(0, Math.floor((sinceMs - Date.UTC(2024, 0, 1)) / MIN));
			const seen = new Set<string>();
			const out: string[] = [];
			const add = (code: string) => {
				if (seen.has(code.slice(0, 8)) || minute(code) < since) return;
				seen.add(code.slice(0, 8));
				out.push(code);
			};
			for (let i = 0; i + ENTRY_CHARS <= read.length; i += ENTRY_CHARS) add(read.slice(i, i + ENTRY_CHARS));
			for (const c of recent.slice(Math.max(0, recent.length - max))) add(c);
			if (own) add(own);
			out.sort((a, b) => minute(a) - minute(b));
			return out.slice(Math.max(0, out.length - max)).join('');
		};
		let seed = 7;
		const rand = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed % n;
		};
		for (let scenario = 0; scenario < 40; scenario++) {
			resetLegStores();
			const stores = [legStore('a'), legStore('b')];
			const max = [5, 50, 1000][scenario % 3];
			const writes: string[] = [''];
			let now = T0;
			for (let step = 0; step < 200; step++) {
				now += rand(3) * 20_000;
				const p = rand(2);
				const s = stores[p];
				const key = `leg-${rand(400)}`;
				const read = writes[Math.max(0, writes.length - 1 - rand(3))]; // sometimes a stale read
				const r = checkAndRecord(s, key, read, now, 30 * MIN, 10_000);
				if (r.kind !== 'new') continue;
				const recent = [...s.recent.values()];
				const expected = reference(recent, read, r.code, now - 30 * MIN, max);
				const got = mergePersisted(s, read, r.code, now - 30 * MIN, max);
				expect(got).toBe(expected);
				writes.push(got);
				if (rand(5) > 0) settleDone(s, key, r.entry);
				else settleFailed(s, key, r.entry);
			}
		}
	});

	it('an execution\'s legs are merged when n8n serialises its static data (its workflow has ended)', () => {
		const s = legStore('wf:node');
		const now = Date.now();
		const own = claimExecution(s, 'own', now, true).code;
		const staticData: Record<string, unknown> = { legs: executionLegs(s, '', own, 60 * MIN, 100) };
		// while it ran: another execution of this process ended; a third one is still running
		const other = claimExecution(s, 'later', now + 1, true).code;
		claimExecution(s, 'running', now + 2, true);
		JSON.stringify({ legs: executionLegs(s, '', other, 60 * MIN, 100) });
		const written = JSON.parse(JSON.stringify(staticData)) as { legs: string };
		expect(written.legs).toBe(other + own);
		expect(written.legs).not.toContain(legHash('running'));
		// read back in this process (the same object) or from the database (the string)
		expect(persistedText(staticData.legs)).toBe(written.legs);
		expect(persistedHas(staticData.legs, legHash('later'), now - MIN)).toBe(true);
		expect(persistedHas(written.legs, legHash('own'), now - MIN)).toBe(true);
		expect(persistedText(new PersistedLegs(() => 'x'.repeat(12)))).toBe('x'.repeat(12));
		// merged once, at the first serialisation (n8n's save); later ones return the same text
		claimExecution(s, 'after', now + 3, true);
		JSON.stringify({ legs: executionLegs(s, '', entryCode('after', now + 3), 60 * MIN, 100) });
		expect(JSON.parse(JSON.stringify(staticData)).legs).toBe(written.legs);
		let merges = 0;
		const once = new PersistedLegs(() => String(++merges).padStart(12, '0'));
		expect([JSON.stringify(once), String(once), persistedText(once)]).toEqual(['"000000000001"', '000000000001', '000000000001']);
		expect(merges).toBe(1);
		// n8n may wrap static data values in a Proxy (ObservableObject)
		expect(JSON.stringify({ legs: new Proxy(staticData.legs as object, {}) })).toBe(JSON.stringify(written));
		expect(persistedText(undefined)).toBeUndefined();
	});

	it('stays small: 1000 legs are 12 kB', () => {
		const s = legStore('size');
		let persisted = '';
		for (let i = 0; i < 1500; i++) {
			persisted = mergePersisted(s, persisted, entryCode(`leg${i}`, T0 + i * 1000), T0 - 60 * MIN, 1000);
		}
		expect(persisted.length).toBe(12_000);
		expect(persistedHas(persisted, legHash('leg1499'), T0)).toBe(true);
		expect(persistedHas(persisted, legHash('leg10'), T0)).toBe(false);
	});
});
