/**
 * The Call Log Trigger's memory, kept in the workflow's static data: where the last poll
 * ended (`cursor`) and which calls were already emitted inside the look-back window.
 *
 * Why both: a CDR reaches the Call Log when the call ends, but its `Date` is the call's
 * start. A 40-minute call that started before the last poll appears after it, dated before
 * the cursor. So every poll reads from `cursor - lookBack` (the Late Call Window) to now, and
 * drops the calls it emitted before. A call is emitted exactly once as long as its record
 * appears within the window of its start; nothing dated before `cursor - lookBack` is
 * remembered, since no later poll reads that far back.
 *
 * Size: one 14-character digest of the CallID per call dated inside the window, grouped by
 * the minute of `Date`. At 5,000 calls an hour and the default 120-minute window: 10,000
 * entries, about 150 KB of static data. Capped at MAX_SEEN entries (oldest minutes dropped).
 */
import type { IDataObject } from 'n8n-workflow';

import { cdrEpochSeconds, digest, rowKey } from './callLog';

export const DEFAULT_LATE_CALL_MINUTES = 120;
/** Upper bound of remembered calls (about 3 MB of static data). */
export const MAX_SEEN = 200_000;
const DIGEST_LENGTH = 14;

export interface CursorState {
	/** Which Start From setting this state belongs to (a change starts over). */
	start: string;
	/** Epoch seconds: the end of the range the last successful poll read. */
	cursor: number;
	/** Minute of `Date` (epoch minutes) → the digests of the calls emitted, concatenated. */
	seen: Record<string, string>;
	/** Backfill start: nothing dated before it is emitted (dropped once the window passes it). */
	floor?: number;
}

export function isCursorState(value: unknown): value is CursorState {
	if (!value || typeof value !== 'object') return false;
	const v = value as IDataObject;
	return typeof v.start === 'string' && typeof v.cursor === 'number' && !!v.seen && typeof v.seen === 'object';
}

function seenSet(state: CursorState): Set<string> {
	const set = new Set<string>();
	for (const chunk of Object.values(state.seen)) {
		for (let i = 0; i + DIGEST_LENGTH <= chunk.length; i += DIGEST_LENGTH) set.add(chunk.slice(i, i + DIGEST_LENGTH));
	}
	return set;
}

/** The rows not emitted before (each once, in the order given). */
export function newCalls(state: CursorState, rows: IDataObject[]): IDataObject[] {
	const seen = seenSet(state);
	const out: IDataObject[] = [];
	for (const row of rows) {
		const key = digest(rowKey(row));
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(row);
	}
	return out;
}

/**
 * The state after a successful poll that read `rows` up to `nowSec`: every row remembered,
 * what no later poll can read again forgotten, the cursor moved to `nowSec`.
 */
export function advanceCursor(
	state: CursorState,
	rows: IDataObject[],
	nowSec: number,
	lookBackSec: number,
): CursorState {
	const known = seenSet(state);
	const seen: Record<string, string> = { ...state.seen };
	for (const row of rows) {
		const key = digest(rowKey(row));
		if (known.has(key)) continue;
		known.add(key);
		const sec = cdrEpochSeconds(row);
		if (sec === undefined) continue;
		const minute = String(Math.floor(sec / 60));
		seen[minute] = (seen[minute] ?? '') + key;
	}
	const oldest = nowSec - lookBackSec;
	let minutes = Object.keys(seen)
		.map(Number)
		.sort((a, b) => a - b);
	for (const m of minutes) if (m * 60 + 59 < oldest) delete seen[String(m)];
	minutes = minutes.filter((m) => m * 60 + 59 >= oldest);
	let total = minutes.reduce((n, m) => n + seen[String(m)].length / DIGEST_LENGTH, 0);
	for (const m of minutes) {
		if (total <= MAX_SEEN) break;
		total -= seen[String(m)].length / DIGEST_LENGTH;
		delete seen[String(m)];
	}
	const next: CursorState = { start: state.start, cursor: Math.max(state.cursor, nowSec), seen };
	if (state.floor !== undefined && state.floor > oldest) next.floor = state.floor;
	return next;
}
