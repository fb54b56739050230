/** Call Log field names (§7.2), call types (§16.1) and date handling. */
import type { INodePropertyOptions } from 'n8n-workflow';

export const CDR_FIELDS = [
	'CallerNumber',
	'TargetNumber',
	'Date',
	'DateEpoch',
	'Duration',
	'CallID',
	'Type',
	'CdrType',
	'DialStatus',
	'TargetExtension',
	'CallerExtension',
	'DID',
	'QueueName',
	'RecordURL',
	'RecordExpect',
	'RingTime',
	'Price',
	'RepresentativeName',
	'RepresentativeCode',
	'UserName',
	'DepartmentName',
	'DepartmentId',
	'TargetPrefixName',
	'DTMFData',
	'CustomData',
];

export const CDR_FIELD_OPTIONS: INodePropertyOptions[] = CDR_FIELDS.map((f) => ({ name: f, value: f }));

/** §16.1: name → CdrType id. IDs 3, 5, 6 and 7 are not documented. */
export const CALL_TYPES: Array<{ name: string; value: number }> = [
	{ name: 'Incoming Call', value: 1 },
	{ name: 'CC', value: 2 },
	{ name: 'Extension Outgoing', value: 4 },
	{ name: 'Queue', value: 8 },
	{ name: 'Click2Call Leg1', value: 9 },
	{ name: 'Click2Call Leg2', value: 10 },
	{ name: 'VoiceMail', value: 11 },
	{ name: 'Callference', value: 12 },
	{ name: 'XferCDR', value: 13 },
	{ name: 'ProductiveCall Leg1', value: 14 },
	{ name: 'ProductiveCall Leg2', value: 15 },
	{ name: 'Scrubber', value: 16 },
	{ name: 'Click 2 IVR', value: 17 },
	{ name: 'Click 2 IVR Incoming', value: 18 },
	{ name: 'Click 2 Queue Incoming', value: 19 },
	{ name: 'FaxCdr', value: 20 },
	{ name: 'Attended CDR Leg1', value: 21 },
	{ name: 'Attended CDR Leg2', value: 22 },
	{ name: 'Auto Forward', value: 23 },
];

/**
 * Offset (ms) of a named time zone from UTC at a given instant, through Intl (no libraries
 * in node code). Positive east of Greenwich.
 */
function zoneOffsetMs(timeZone: string, atMs: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(atMs));
	const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour') % 24,
		get('minute'),
		get('second'),
	);
	return asUtc - Math.floor(atMs / 1000) * 1000;
}

/**
 * Turns what an n8n date picker or expression gives (ISO text with or without an offset,
 * a JS Date, a Luxon DateTime, epoch ms) into epoch ms. Text without an offset is read in
 * the workflow's time zone, as n8n's date pickers mean it.
 */
export function toEpochMs(value: unknown, timeZone: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'object') {
		const v = value as { toMillis?: () => number; toISO?: () => string };
		if (typeof v.toMillis === 'function') return v.toMillis();
		if (typeof v.toISO === 'function') return toEpochMs(v.toISO(), timeZone);
		return undefined;
	}
	const text = String(value).trim().replace(' ', 'T');
	const m =
		/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number(`0.${frac}`) * 1000));
	if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 59) return undefined;
	if (zone === 'Z') return wall;
	if (zone) {
		const sign = zone.startsWith('-') ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
	}
	try {
		// Two passes settle the offset around DST changes.
		let guess = wall - zoneOffsetMs(timeZone, wall);
		guess = wall - zoneOffsetMs(timeZone, guess);
		return guess;
	} catch {
		return wall;
	}
}

/** Call Log wants ISO 8601 in GMT+0 without an offset, to the second (§7.1). */
export function toApiDate(epochMs: number): string {
	return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19);
}

/** Reads a CDR `Date` (ISO with Z, or `YYYY-MM-DD HH:mm:ss` in GMT+0, §7.6) as epoch seconds. */
export function cdrEpochSeconds(row: Record<string, unknown>): number | undefined {
	const raw = row.Date;
	if (typeof raw === 'string' && raw !== '') {
		const text = raw.trim().replace(' ', 'T');
		const ms = Date.parse(/Z$|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
		if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
	}
	const epoch = Number(row.DateEpoch);
	return Number.isFinite(epoch) && row.DateEpoch !== undefined && row.DateEpoch !== '' ? epoch : undefined;
}
