/**
 * CDR delivery bookkeeping: "exactly once per call leg" for the CDR Trigger.
 *
 * Voicenter re-sends a CDR until it is acknowledged. The trigger starts one execution per call
 * leg (ivruniqueid + type + target) and acknowledges copies without starting another one.
 *
 * Two layers:
 *  - the hot path, a store in this process's memory (module level, one per workflow + node):
 *    the check and the record happen in one synchronous step, so two copies handled at the same
 *    time cannot both pass. A leg is `pending` from the moment its request passed the check until
 *    its acknowledgement went out (then `done`) or failed (then forgotten, so a re-send runs);
 *    a copy arriving while the leg is pending waits for that outcome. Bounded by age and count.
 *  - a compact persisted form in the workflow's static data (`legs`: 12 characters per leg, a
 *    48-bit hash and the minute it was seen, oldest first, at most `persistMax` legs), so a
 *    restarted n8n still knows the legs of the last minutes. n8n reads static data from the
 *    database for every webhook request and writes it back whole (last writer wins), so each
 *    write merges what was read with this process's recent legs; nothing is written for a copy
 *    or a filtered CDR.
 *
 * Where the persisted form is written (typeVersion 1.1): by the leg's own execution. The trigger
 * node also has an `execute()`, which n8n runs as the execution's first step (n8n-core's
 * WorkflowExecute.runNode prefers `execute` over the webhook pass-through). It marks the leg done
 * in memory (the execution exists) and puts a `PersistedLegs` value into the execution's static
 * data. n8n saves changed static data when the execution ends, *before* it writes the
 * execution's final status (the lifecycle hook `workflowExecuteAfter`). So an execution that
 * n8n shows as finished always has its leg persisted, and a `kill -9` can only leave a leg
 * unpersisted whose execution never finished (n8n marks it "crashed" after the restart): that
 * leg runs again when Voicenter re-sends it, which is what its unfinished workflow needs.
 * (Written in the webhook phase instead, n8n would save it after the execution was stored, and a
 * kill in between made a finished leg run twice.) `PersistedLegs` merges when n8n first
 * serialises it (`toJSON`, n8n's save), so a long workflow's write still carries the legs
 * recorded while it ran.
 */
import { sleep } from 'n8n-workflow';

import { TIMER_CANCELLED } from './webhookHttp';

export type LegState = 'pending' | 'done';

interface LegEntry {
	state: LegState;
	/** epoch ms when first seen */
	at: number;
	/** persisted form: 8-char hash + 4-char minute */
	code: string;
	/** an execution of this leg has run its first step in this process */
	executed?: boolean;
	waiters: Array<(outcome: 'done' | 'failed') => void>;
}

export interface LegStore {
	legs: Map<string, LegEntry>;
	/** hash → code of this process's most recent done legs (each write carries them again) */
	recent: Map<string, string>;
}

const stores = new Map<string, LegStore>();

/** The store of one workflow + node in this process. */
export function legStore(id: string): LegStore {
	let s = stores.get(id);
	if (!s) {
		s = { legs: new Map(), recent: new Map() };
		stores.set(id, s);
	}
	return s;
}

/** Forgets every store (tests). */
export function resetLegStores(): void {
	stores.clear();
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Minutes are counted from 2024-01-01T00:00:00Z; 24 bits last until 2055. */
const MINUTE_EPOCH_MS = Date.UTC(2024, 0, 1);
export const ENTRY_CHARS = 12;

function b64(value: number, chars: number): string {
	let out = '';
	for (let i = chars - 1; i >= 0; i--) out += B64[Math.floor(value / 2 ** (6 * i)) % 64];
	return out;
}

/** char code → base64url digit (-1 elsewhere), for decoding entries in place. */
const B64_DIGIT = (() => {
	const t = new Int8Array(128).fill(-1);
	for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
	return t;
})();

/** The value of `chars` base64url digits of `text` from `at`, without slicing. */
function digitsAt(text: string, at: number, chars: number): number {
	let v = 0;
	for (let i = at; i < at + chars; i++) v = v * 64 + B64_DIGIT[text.charCodeAt(i) & 127];
	return v;
}
const minuteAt = (text: string, entry: number) => digitsAt(text, entry + 8, 4);
const hashAt = (text: string, entry: number) => digitsAt(text, entry, 8);

/** 48-bit hash of the leg key (cyrb53, cut to 48 bits) as 8 base64url characters. */
export function legHash(key: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < key.length; i++) {
		const ch = key.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	const high = (h2 >>> 0) % 2 ** 16;
	const value = high * 2 ** 32 + (h1 >>> 0);
	return b64(value, 8);
}

function minuteOf(ms: number): number {
	return Math.max(0, Math.floor((ms - MINUTE_EPOCH_MS) / 60_000));
}

export function entryCode(key: string, atMs: number): string {
	return legHash(key) + b64(minuteOf(atMs) % 2 ** 24, 4);
}

/**
 * The persisted legs as n8n writes them: computed when n8n first serialises the static data
 * (JSON.stringify calls `toJSON`; saving it is the first thing n8n does once the execution has
 * ended), so the write is as fresh as it can be; later serialisations return the same text.
 * Plain properties (no `#private`): n8n may wrap the value in a Proxy (ObservableObject).
 */
export class PersistedLegs {
	text: string | undefined;

	constructor(readonly compute: () => string) {}

	toJSON(): string {
		if (this.text === undefined) this.text = this.compute();
		return this.text;
	}

	toString(): string {
		return this.toJSON();
	}
}

/** The persisted form's text, whether read from the database (a string) or set in this process. */
export function persistedText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (value && typeof (value as PersistedLegs).toJSON === 'function') {
		const text = (value as PersistedLegs).toJSON();
		return typeof text === 'string' ? text : undefined;
	}
	return undefined;
}

/** True when the persisted form holds this leg's hash, seen no earlier than `sinceMs`. */
export function persistedHas(value: unknown, hash: string, sinceMs: number): boolean {
	const persisted = persistedText(value);
	if (persisted === undefined || persisted.length < ENTRY_CHARS) return false;
	const since = minuteOf(sinceMs);
	for (let i = persisted.indexOf(hash); i >= 0; i = persisted.indexOf(hash, i + 1)) {
		if (i % ENTRY_CHARS === 0 && i + ENTRY_CHARS <= persisted.length && minuteAt(persisted, i) >= since)
			return true;
	}
	return false;
}

/**
 * The new persisted form: what was read, plus this process's recent done legs, plus `own` (the
 * leg of this request), without expired legs, the newest `max` kept. Carrying this process's
 * recent legs in every write repairs what a concurrent write (last writer wins) dropped.
 */
export function mergePersisted(
	store: LegStore,
	read: unknown,
	own: string | undefined,
	sinceMs: number,
	max: number,
): string {
	while (store.recent.size > max) store.recent.delete(store.recent.keys().next().value as string);
	const text = persistedText(read) ?? '';
	return (
		mergeInOrder(store, text, own, minuteOf(sinceMs), max) ??
		mergeAndSort(store, text, own, sinceMs, max)
	);
}

/**
 * The common case, without re-building the read form entry by entry (this runs for every new
 * leg, over up to `max` entries): the read form is in order (oldest first, no hash twice — as
 * every write of this module leaves it) and what this process adds is not older than its last
 * entry. Then the result is the read form's unexpired tail plus the missing legs, appended.
 * Undefined when that does not hold (e.g. legs of another process interleave).
 */
function mergeInOrder(
	store: LegStore,
	text: string,
	own: string | undefined,
	since: number,
	max: number,
): string | undefined {
	const end = text.length - (text.length % ENTRY_CHARS);
	let start = 0;
	while (start < end && minuteAt(text, start) < since) start += ENTRY_CHARS;
	const have = new Set<number>();
	let last = -1;
	for (let i = start; i < end; i += ENTRY_CHARS) {
		const minute = minuteAt(text, i);
		const hash = hashAt(text, i);
		if (minute < last || have.has(hash)) return undefined;
		have.add(hash);
		last = minute;
	}
	const added: string[] = [];
	const add = (code: string) => {
		const minute = minuteAt(code, 0);
		if (minute < since) return true;
		const hash = hashAt(code, 0);
		if (have.has(hash)) return true;
		if (minute < last) return false;
		have.add(hash);
		added.push(code);
		last = minute;
		return true;
	};
	for (const code of store.recent.values()) if (!add(code)) return undefined;
	if (own && !add(own)) return undefined;
	const merged = text.slice(start, end) + added.join('');
	return merged.slice(Math.max(0, merged.length - max * ENTRY_CHARS));
}

/** The general case: every entry read, de-duplicated by hash, sorted by minute. */
function mergeAndSort(
	store: LegStore,
	text: string,
	own: string | undefined,
	sinceMs: number,
	max: number,
): string {
	const since = minuteOf(sinceMs);
	const seen = new Set<string>();
	const out: string[] = [];
	for (let i = 0; i + ENTRY_CHARS <= text.length; i += ENTRY_CHARS) {
		const code = text.slice(i, i + ENTRY_CHARS);
		const hash = code.slice(0, 8);
		if (minuteAt(code, 0) < since || seen.has(hash)) continue;
		seen.add(hash);
		out.push(code);
	}
	const add = (code: string) => {
		const hash = code.slice(0, 8);
		if (seen.has(hash) || minuteAt(code, 0) < since) return;
		seen.add(hash);
		out.push(code);
	};
	for (const code of store.recent.values()) add(code);
	if (own) add(own);
	// oldest first (entries from other processes may interleave): stable sort by minute
	out.sort((a, b) => minuteAt(a, 0) - minuteAt(b, 0));
	return out.slice(Math.max(0, out.length - max)).join('');
}

export type CheckResult =
	| { kind: 'new'; entry: LegEntry }
	| { kind: 'duplicate' }
	| { kind: 'busy' };

/** Drops legs older than the window and the oldest beyond `max` (never pending ones first). */
function prune(store: LegStore, now: number, windowMs: number, max: number): void {
	for (const [key, e] of store.legs) {
		if (now - e.at <= windowMs && store.legs.size <= max) break;
		if (e.state === 'pending' && now - e.at <= windowMs) break;
		store.legs.delete(key);
	}
}

/**
 * The check-and-record step, synchronous: `new` → this request runs the leg (now pending);
 * `duplicate` → already done here or persisted; `busy` → another request holds it (wait with
 * `waitForLeg`, then check again).
 */
export function checkAndRecord(
	store: LegStore,
	key: string,
	persisted: unknown,
	now: number,
	windowMs: number,
	max: number,
): CheckResult & { code?: string } {
	prune(store, now, windowMs, max);
	const existing = store.legs.get(key);
	if (existing) {
		if (now - existing.at > windowMs) store.legs.delete(key);
		else return existing.state === 'done' ? { kind: 'duplicate' } : { kind: 'busy' };
	}
	const code = entryCode(key, now);
	if (persistedHas(persisted, code.slice(0, 8), now - windowMs)) {
		store.legs.set(key, { state: 'done', at: now, code, waiters: [] });
		return { kind: 'duplicate' };
	}
	const entry: LegEntry = { state: 'pending', at: now, code, waiters: [] };
	store.legs.set(key, entry);
	return { kind: 'new', entry, code };
}

/**
 * The leg's acknowledgement went out: later copies are duplicates. `finished`: its workflow has
 * ended too (typeVersion 1, "workflow succeeded"), so this process's writes carry it from now on;
 * not when the answer went out as the execution was created (its own write carries it).
 */
export function settleDone(store: LegStore, key: string, entry: LegEntry, finished = true): void {
	if (entry.state === 'done') return;
	entry.state = 'done';
	if (finished) settleFinished(store, entry.code);
	for (const w of entry.waiters.splice(0)) w('done');
}

/**
 * An execution of the leg runs its first step: `first` false when another execution of the same
 * leg already did in this process (within the window) — e.g. n8n re-ran, after a restart, an
 * execution it had stored but not started before a crash, while Voicenter's re-send of the
 * unacknowledged CDR had started one of its own. `settle`: the leg is done from now on (the
 * acknowledgement goes out as the execution is created), so later copies reaching this process
 * are duplicates even when the acknowledgement did not reach Voicenter (copies waiting for it
 * are answered OK); otherwise it stays as it is. `code`: the leg's persisted code (the minute it
 * was first seen here, or now). The leg joins `recent` (the legs every write of this process
 * carries) only once its execution has ended (`settleFinished`), so no write persists a leg
 * whose workflow a crash cut short.
 */
export function claimExecution(
	store: LegStore,
	key: string,
	now: number,
	settle: boolean,
): { code: string; first: boolean } {
	const entry = store.legs.get(key);
	if (entry) {
		const first = !entry.executed;
		entry.executed = true;
		if (settle) settleDone(store, key, entry, false);
		return { code: entry.code, first };
	}
	const code = entryCode(key, now);
	if (settle) store.legs.set(key, { state: 'done', at: now, code, waiters: [], executed: true });
	return { code, first: true };
}

/** The leg's execution has ended: every later write of this process carries it. */
export function settleFinished(store: LegStore, code: string): void {
	store.recent.delete(code.slice(0, 8));
	store.recent.set(code.slice(0, 8), code);
}

/**
 * The value the CDR Trigger's `execute()` puts into its execution's static data. n8n serialises
 * it when the execution has ended (saving static data is the first thing its final hook does):
 * then the leg counts as finished and the merge is computed.
 */
export function executionLegs(
	store: LegStore,
	read: string | undefined,
	own: string | undefined,
	windowMs: number,
	max: number,
): PersistedLegs {
	return new PersistedLegs(() => {
		if (own) settleFinished(store, own);
		return mergePersisted(store, read, undefined, Date.now() - windowMs, max);
	});
}

/** The leg was not acknowledged (error answer, client gone): forget it so a re-send runs. */
export function settleFailed(store: LegStore, key: string, entry: LegEntry): void {
	if (entry.state === 'done') return;
	if (store.legs.get(key) === entry) store.legs.delete(key);
	for (const w of entry.waiters.splice(0)) w('failed');
}

/** Waits until the pending leg is done or failed, at most `timeoutMs`. */
export async function waitForLeg(
	store: LegStore,
	key: string,
	timeoutMs: number,
): Promise<'done' | 'failed' | 'timeout' | 'gone'> {
	const entry = store.legs.get(key);
	if (!entry) return 'gone';
	if (entry.state === 'done') return 'done';
	const abort = new AbortController();
	const outcome = new Promise<'done' | 'failed'>((resolve) => entry.waiters.push(resolve));
	const timer = sleep(timeoutMs, abort.signal).then(
		() => 'timeout' as const,
		() => 'timeout' as const,
	);
	const result = await Promise.race([outcome, timer]);
	abort.abort(TIMER_CANCELLED);
	return result;
}

/** The response shape watched for the acknowledgement (node:http / express). */
export interface WatchedResponse {
	statusCode: number;
	once(event: 'finish' | 'close', listener: () => void): unknown;
}

/** Settles the leg when its answer was written: 200 → done, anything else or no answer → failed. */
export function settleOnResponse(
	res: WatchedResponse,
	store: LegStore,
	key: string,
	entry: LegEntry,
	workflowEnded = true,
): void {
	let finished = false;
	res.once('finish', () => {
		finished = true;
		if (res.statusCode === 200) settleDone(store, key, entry, workflowEnded);
		else settleFailed(store, key, entry);
	});
	res.once('close', () => {
		if (!finished) settleFailed(store, key, entry);
	});
}

/** The response shape the acknowledgement guard rewrites. */
export interface GuardedResponse extends WatchedResponse {
	headersSent: boolean;
	setHeader(name: string, value: string | number | readonly string[]): unknown;
	removeHeader?(name: string): void;
	writeHead(...args: unknown[]): unknown;
	write(...args: unknown[]): unknown;
	end(...args: unknown[]): unknown;
}

/**
 * "Acknowledge when the workflow has succeeded": n8n answers a lastNode-mode webhook with the
 * last node's data (2xx) or `500 {"message":"Error in workflow"}`. The guard turns the first
 * answer n8n writes into the CDR acknowledgement: 2xx → `answer(true)`, anything else →
 * `answer(false)`. Later writes are dropped.
 */
export function installAckGuard(
	res: GuardedResponse,
	answer: (ok: boolean) => { status: number; body: string; contentType: string },
): void {
	const origEnd = res.end.bind(res);
	const origSetHeader = res.setHeader.bind(res);
	const origWriteHead = res.writeHead.bind(res);
	let done = false;
	res.write = () => true;
	res.writeHead = (...args: unknown[]) => {
		if (done) return origWriteHead(...args);
		if (typeof args[0] === 'number') res.statusCode = args[0];
		return res;
	};
	res.end = (...args: unknown[]) => {
		const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
		if (done || res.headersSent) {
			cb?.();
			return res;
		}
		done = true;
		const a = answer(res.statusCode >= 200 && res.statusCode < 300);
		res.statusCode = a.status;
		res.removeHeader?.('ETag');
		origSetHeader('Content-Type', a.contentType);
		origSetHeader('Content-Length', String(Buffer.byteLength(a.body)));
		origEnd(a.body);
		cb?.();
		return res;
	};
}
