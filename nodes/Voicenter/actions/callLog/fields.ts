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

export { toEpochMs } from '../../../shared/dates';

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
