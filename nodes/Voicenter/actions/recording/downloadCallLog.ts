/**
 * Finds calls' recording links through the Call Log (§7) for Recording → Download by call id.
 *
 * The Call Log needs a date range, so each call gets a search window: around the call's time
 * when given, otherwise around the time Voicenter writes at the start of its call ids
 * (`YYYYMMDDHHmmss…`, e.g. `20211010120455…`; the zone is not documented, so the window is at
 * least a day each side).
 *
 * Batched (the default): the windows of all items are merged into as few ranges as possible
 * (a range spans at most MAX_BATCH_SPAN_DAYS), and each range is one request asking only for
 * `CallID`, `RecordURL`, `RecordExpect`. A range holding more calls than one answer returns
 * (TOTAL_HITS > RETURN_HITS) falls back to one request per missing call (`search.CallID`).
 * Unbatched: one request per item, with `search.CallID`.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callLogRequest as sharedCallLogRequest, DEFAULT_RATE_LIMIT, toApiDate } from '../../../shared/callLog';

const LOOKUP_FIELDS = ['CallID', 'RecordURL', 'RecordExpect'];
const DAY_MS = 86_400_000;
/** Longest range one batched request covers. */
export const MAX_BATCH_SPAN_DAYS = 7;

export interface CallLookup {
	itemIndex: number;
	callId: string;
	fromMs: number;
	toMs: number;
}

export interface CallRecordInfo {
	found: boolean;
	RecordURL: string;
	RecordExpect: boolean | undefined;
}

/** The time at the start of a Voicenter call id (`YYYYMMDDHHmmss…`, read as GMT+0), if any. */
export function callIdTime(callId: string): number | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(callId);
	if (!m) return undefined;
	const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
	if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		return undefined;
	return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Search window of one call: ±windowDays around its time. */
export function callWindow(timeMs: number, windowDays: number): { fromMs: number; toMs: number } {
	const w = Math.max(1, windowDays) * DAY_MS;
	return { fromMs: timeMs - w, toMs: timeMs + w };
}

/**
 * One Call Log request through the account's shared throttle (30 per minute, "Request limit
 * exceeded" waited out and retried), asking only for the lookup fields.
 */
async function callLogRequest(
	this: IExecuteFunctions,
	search: IDataObject,
	itemIndex: number,
): Promise<{ rows: IDataObject[]; total: number }> {
	const { rows, total } = await sharedCallLogRequest(
		this,
		{ fields: LOOKUP_FIELDS, search },
		DEFAULT_RATE_LIMIT,
		itemIndex,
	);
	return { rows, total: Number.isNaN(total) ? rows.length : total };
}

function info(row: IDataObject | undefined): CallRecordInfo {
	if (!row) return { found: false, RecordURL: '', RecordExpect: undefined };
	const expect = row.RecordExpect;
	return {
		found: true,
		RecordURL: typeof row.RecordURL === 'string' ? row.RecordURL.trim() : '',
		RecordExpect: expect === undefined || expect === null ? undefined : expect === true || expect === 'true' || expect === 1,
	};
}

/** One request per call, with `search.CallID`. */
async function lookupOne(this: IExecuteFunctions, l: CallLookup): Promise<CallRecordInfo> {
	const { rows } = await callLogRequest.call(
		this,
		{ fromdate: toApiDate(l.fromMs), todate: toApiDate(l.toMs), CallID: l.callId },
		l.itemIndex,
	);
	return info(rows.find((r) => String(r.CallID) === l.callId));
}

/** Groups lookups into ranges of overlapping windows, each at most MAX_BATCH_SPAN_DAYS long. */
export function batchRanges(lookups: CallLookup[]): Array<{ fromMs: number; toMs: number; lookups: CallLookup[] }> {
	const sorted = [...lookups].sort((a, b) => a.fromMs - b.fromMs);
	const ranges: Array<{ fromMs: number; toMs: number; lookups: CallLookup[] }> = [];
	for (const l of sorted) {
		const last = ranges[ranges.length - 1];
		if (
			last &&
			l.fromMs <= last.toMs &&
			Math.max(last.toMs, l.toMs) - last.fromMs <= MAX_BATCH_SPAN_DAYS * DAY_MS
		) {
			last.toMs = Math.max(last.toMs, l.toMs);
			last.lookups.push(l);
		} else {
			ranges.push({ fromMs: l.fromMs, toMs: l.toMs, lookups: [l] });
		}
	}
	return ranges;
}

/**
 * Looks every call up. Returns, per item index, the call's recording info or the error its
 * lookup failed with (a failed batched request fails every item of its range).
 */
export async function lookupRecordings(
	this: IExecuteFunctions,
	lookups: CallLookup[],
	batch: boolean,
): Promise<Map<number, CallRecordInfo | Error>> {
	const out = new Map<number, CallRecordInfo | Error>();
	if (!batch) {
		for (const l of lookups) {
			try {
				out.set(l.itemIndex, await lookupOne.call(this, l));
			} catch (error) {
				out.set(l.itemIndex, error as Error);
			}
		}
		return out;
	}
	for (const range of batchRanges(lookups)) {
		const first = Math.min(...range.lookups.map((l) => l.itemIndex));
		let rows: IDataObject[];
		let total: number;
		try {
			({ rows, total } = await callLogRequest.call(
				this,
				{ fromdate: toApiDate(range.fromMs), todate: toApiDate(range.toMs) },
				first,
			));
		} catch (error) {
			for (const l of range.lookups) out.set(l.itemIndex, error as Error);
			continue;
		}
		const byId = new Map(rows.map((r) => [String(r.CallID), r]));
		const complete = total <= rows.length;
		for (const l of range.lookups) {
			const row = byId.get(l.callId);
			if (row || complete) {
				out.set(l.itemIndex, info(row));
				continue;
			}
			// The range holds more calls than one answer: ask for this call alone.
			try {
				out.set(l.itemIndex, await lookupOne.call(this, l));
			} catch (error) {
				out.set(l.itemIndex, error as Error);
			}
		}
	}
	return out;
}
