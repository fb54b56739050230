/**
 * The Call Log (§7), shared by Call Log → Search and the Voicenter Call Log Trigger: field
 * names and call types, the search body built from the filters, the request with its
 * throttle and "Request limit exceeded" retry, and the paging that reads any range past the
 * 10,000-row cap.
 *
 * Paging: the API caps a response at 10,000 rows and documents no paging, so the range is
 * read sorted by date and, while TOTAL_HITS says more rows remain, asked again from the last
 * row's second (ascending; up to it, when descending), skipping the rows of that boundary
 * second already read (by CallID).
 *
 * Throttle: Voicenter allows 30 Call Log requests per minute per account. One throttle per
 * account (keyed by a hash of the API URL and the account code, never the code itself) is
 * shared by every execution in this n8n process, so two workflows polling the same account
 * queue behind each other instead of running into the limit. A documented
 * `403 "Request limit exceeded"` (ERROR_NUMBER 1) pauses every caller of that account for one
 * window, then the request is sent again.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodePropertyOptions,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { validatePhone } from './phone';
import { CREDENTIAL_NAME, pause, voicenterApiRequest } from './transport';

export type CallLogContext = IExecuteFunctions | IPollFunctions;

export const CALL_LOG_PATH = '/hub/cdr';
/** Documented cap of one Call Log response (§7). */
export const MAX_ROWS_PER_REQUEST = 10_000;

/** Every CDR field of §7.2, in the documented order. */
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

/** Labels shown in the editor; the values (and the output) keep Voicenter's names. */
const FIELD_LABELS: Record<string, string> = {
	CallerNumber: 'Caller Number',
	TargetNumber: 'Target Number',
	Date: 'Date',
	DateEpoch: 'Date (Epoch)',
	Duration: 'Duration',
	CallID: 'Call ID',
	Type: 'Type',
	CdrType: 'CDR Type',
	DialStatus: 'Dial Status',
	TargetExtension: 'Target Extension',
	CallerExtension: 'Caller Extension',
	DID: 'DID',
	QueueName: 'Queue Name',
	RecordURL: 'Record URL',
	RecordExpect: 'Record Expected',
	RingTime: 'Ring Time',
	Price: 'Price',
	RepresentativeName: 'Representative Name',
	RepresentativeCode: 'Representative Code',
	UserName: 'User Name',
	DepartmentName: 'Department Name',
	DepartmentId: 'Department ID',
	TargetPrefixName: 'Target Prefix Name',
	DTMFData: 'DTMF Data',
	CustomData: 'Custom Data',
};

export const CDR_FIELD_OPTIONS: INodePropertyOptions[] = CDR_FIELDS.map((f) => ({
	name: FIELD_LABELS[f] ?? f,
	value: f,
}));

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

/** The key a CDR is known by: its CallID (the whole row when Voicenter sent none). */
export function rowKey(row: IDataObject): string {
	return row.CallID !== undefined && row.CallID !== '' ? String(row.CallID) : JSON.stringify(row);
}

/** A 64-bit, non-reversible-in-practice digest as 14 base-36 characters (two FNV-1a variants). */
export function digest(text: string): string {
	let a = 0x811c9dc5;
	let b = 0x050c5d1f;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x5bd1e995);
		b ^= b >>> 15;
	}
	return (a >>> 0).toString(36).padStart(7, '0') + (b >>> 0).toString(36).padStart(7, '0');
}

function suffix(itemIndex: number | undefined): string {
	return itemIndex === undefined ? '' : ` (item ${itemIndex})`;
}

function listParam(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(/[,;\n]/);
	return list.map((v) => (v === null || v === undefined ? '' : String(v).trim())).filter((v) => v !== '');
}

/**
 * The `search` body of the filters (phones, extensions, Identity Criteria, Call ID, call
 * types), validated before any request. Dates are added by the caller.
 */
export function buildSearch(node: INode, filters: IDataObject, itemIndex?: number): IDataObject {
	const i = itemIndex ?? 0;
	const search: IDataObject = {};
	const phones = listParam(filters.phones).map((p) => validatePhone(node, i, 'Phones', p));
	if (phones.length) search.phones = phones;
	const extensions = listParam(filters.extensions).map((e) =>
		validatePhone(node, i, 'Extensions', e, { allowExtension: true }),
	);
	if (extensions.length) search.extensions = extensions;
	if (filters.IdentityCriteria) search.IdentityCriteria = String(filters.IdentityCriteria);
	if (filters.CallID !== undefined && String(filters.CallID).trim() !== '')
		search.CallID = String(filters.CallID).trim();
	const cdrTypes = (Array.isArray(filters.cdrTypes) ? filters.cdrTypes : []).map(Number);
	if (cdrTypes.some((t) => !Number.isInteger(t)))
		throw new NodeOperationError(node, `Call Types must be call type IDs${suffix(itemIndex)}`, {
			itemIndex,
		});
	if (cdrTypes.length) search.cdrTypes = cdrTypes;
	return search;
}

/** Fields to Return, checked against §7.2 (empty = all). */
export function readFields(node: INode, value: unknown, itemIndex?: number): string[] {
	let fields = listParam(value);
	if (fields.length === 0) fields = [...CDR_FIELDS];
	const unknown = fields.filter((f) => !CDR_FIELDS.includes(f));
	if (unknown.length)
		throw new NodeOperationError(node, `Unknown field "${unknown[0]}" in Fields to Return${suffix(itemIndex)}`, {
			itemIndex,
		});
	return fields;
}

/** One output item: the chosen fields as Voicenter names them, `Date` as an ISO string. */
export function shapeRow(row: IDataObject, fields: string[]): IDataObject {
	const out: IDataObject = {};
	for (const f of fields) {
		if (!(f in row)) continue;
		if (f === 'Date') {
			const sec = cdrEpochSeconds(row);
			out.Date = sec === undefined ? row.Date : new Date(sec * 1000).toISOString();
		} else out[f] = row[f];
	}
	return out;
}

// ---------------------------------------------------------------------------------------
// Throttle, shared across executions per account

interface Slot {
	t: number;
}

/** How long sent requests are remembered (longer than any sensible window). */
const MEMORY_MS = 10 * 60_000;

class AccountThrottle {
	private slots: Slot[] = [];

	private tail: Promise<void> = Promise.resolve();

	private blockedUntil = 0;

	/** Waits for a free slot (callers are served in arrival order) and takes it. */
	async acquire(ctx: CallLogContext, max: number, windowMs: number): Promise<Slot> {
		let slot: Slot | undefined;
		const turn = this.tail.then(async () => {
			for (;;) {
				const now = Date.now();
				this.slots = this.slots.filter((s) => now - s.t < Math.max(MEMORY_MS, windowMs)).slice(-1000);
				if (now < this.blockedUntil) {
					await pause(ctx, this.blockedUntil - now);
					continue;
				}
				const recent = this.slots
					.filter((s) => now - s.t < windowMs)
					.map((s) => s.t)
					.sort((x, y) => x - y);
				if (recent.length < max) {
					slot = { t: now };
					this.slots.push(slot);
					return;
				}
				await pause(ctx, recent[recent.length - max] + windowMs - now + 1);
			}
		});
		this.tail = turn.catch(() => undefined);
		await turn;
		return slot!;
	}

	/** Dates a request by its answer: the server counted it on arrival, later than our send time. */
	done(slot: Slot): void {
		slot.t = Math.max(slot.t, Date.now());
	}

	/** Voicenter said "Request limit exceeded": nobody sends for this account for one window. */
	refused(windowMs: number): void {
		this.blockedUntil = Math.max(this.blockedUntil, Date.now() + windowMs);
	}
}

const throttles = new Map<string, AccountThrottle>();

async function throttleFor(ctx: CallLogContext): Promise<AccountThrottle> {
	const c = await ctx.getCredentials(CREDENTIAL_NAME);
	const key = digest(`${String(c.apiBaseUrl ?? '').trim()}\n${String(c.accountCodeSecret ?? '')}`);
	let t = throttles.get(key);
	if (!t) {
		t = new AccountThrottle();
		throttles.set(key, t);
	}
	return t;
}

/** Test hook: forget every account's throttle (jest runs many workflows in one process). */
export function resetCallLogThrottles(): void {
	throttles.clear();
}

export interface RateLimit {
	/** At most this many requests per window, per account (Voicenter: 30 per minute). */
	maxRequests: number;
	windowMs: number;
	/** How often "Request limit exceeded" is waited out and retried before failing. */
	retries: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { maxRequests: 30, windowMs: 60_000, retries: 3 };

/** Reads the rate-limit options both nodes offer (see `rateLimitOptions`). */
export function readRateLimit(options: IDataObject): RateLimit {
	return {
		maxRequests: Math.max(1, Math.floor(Number(options.maxRequestsPerWindow ?? 30)) || 1),
		windowMs: Math.max(0, Number(options.rateLimitWindowSeconds ?? 60) * 1000),
		retries: Math.max(0, Math.floor(Number(options.rateLimitRetries ?? 3))),
	};
}

/** The transport throws only NodeApiError / NodeOperationError; anything else is wrapped. */
function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(node, { message: error instanceof Error ? error.message : String(error) });
}

function isRateLimited(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	return error.context?.voicenterCode === 1 && (error.httpCode === '403' || error.context?.envelope === 'callLog');
}

export interface CallLogPage {
	rows: IDataObject[];
	total: number;
	returned: number;
}

/** One Call Log request through the account's throttle, "Request limit exceeded" retried. */
export async function callLogRequest(
	ctx: CallLogContext,
	body: IDataObject,
	limit: RateLimit,
	itemIndex?: number,
): Promise<CallLogPage> {
	const throttle = await throttleFor(ctx);
	for (let attempt = 0; ; attempt++) {
		const slot = await throttle.acquire(ctx, limit.maxRequests, limit.windowMs);
		let answer: IDataObject = {};
		let failure: NodeApiError | NodeOperationError | undefined;
		try {
			({ body: answer } = await voicenterApiRequest.call(ctx, {
				host: 'api',
				path: CALL_LOG_PATH,
				body,
				envelope: 'callLog',
				itemIndex,
				operation: 'the Call Log search',
			}));
		} catch (error) {
			failure = asNodeError(ctx.getNode(), error);
		}
		throttle.done(slot);
		if (failure) {
			if (isRateLimited(failure) && attempt < limit.retries) {
				throttle.refused(limit.windowMs);
				continue;
			}
			throw failure;
		}
		const rows = (Array.isArray(answer.CDR_LIST) ? answer.CDR_LIST : []) as IDataObject[];
		return {
			rows,
			total: Number(answer.TOTAL_HITS ?? rows.length),
			returned: Number(answer.RETURN_HITS ?? rows.length),
		};
	}
}

export interface CallLogQuery {
	/** The search filters (buildSearch); fromdate/todate are set from fromSec/toSec. */
	search: IDataObject;
	fields: string[];
	fromSec: number;
	toSec: number;
	order: 'asc' | 'desc';
	/** Stop after this many rows (Infinity: the whole range). */
	limit: number;
	rateLimit: RateLimit;
	itemIndex?: number;
}

/**
 * Every row of a range in date order, past the 10,000-row cap. `Date` and `CallID` are
 * requested even when not among the fields (paging and de-duplication need them).
 */
export async function readCallLog(ctx: CallLogContext, q: CallLogQuery): Promise<IDataObject[]> {
	const node = ctx.getNode();
	const sfx = suffix(q.itemIndex);
	const requestFields = [...q.fields];
	for (const f of ['Date', 'CallID']) if (!requestFields.includes(f)) requestFields.push(f);
	let fromSec = q.fromSec;
	let toSec = q.toSec;
	let boundarySec: number | undefined;
	let boundaryKeys = new Set<string>();
	const collected: IDataObject[] = [];
	for (;;) {
		const { rows, total, returned } = await callLogRequest(
			ctx,
			{
				fields: requestFields,
				search: { ...q.search, fromdate: toApiDate(fromSec * 1000), todate: toApiDate(toSec * 1000) },
				sort: [{ field: 'Date', order: q.order }],
			},
			q.rateLimit,
			q.itemIndex,
		);
		let lastSec: number | undefined;
		let previous: number | undefined;
		for (const row of rows) {
			const sec = cdrEpochSeconds(row);
			if (sec === undefined)
				throw new NodeOperationError(node, `Voicenter returned a CDR without a readable Date${sfx}`, {
					itemIndex: q.itemIndex,
				});
			// Paging past the cap relies on date order: refuse to guess rather than lose rows.
			if (previous !== undefined && (q.order === 'asc' ? sec < previous : sec > previous))
				throw new NodeOperationError(
					node,
					`Voicenter did not return the CDRs sorted by date, so the rows beyond its per-request cap cannot be fetched reliably${sfx}`,
					{ itemIndex: q.itemIndex },
				);
			previous = sec;
			const key = rowKey(row);
			if (sec === boundarySec && boundaryKeys.has(key)) continue;
			if (sec !== boundarySec) {
				boundarySec = sec;
				boundaryKeys = new Set();
			}
			boundaryKeys.add(key);
			lastSec = sec;
			if (collected.length < q.limit) collected.push(row);
		}
		if (rows.length === 0 || total <= returned || collected.length >= q.limit) break;
		const edge = q.order === 'asc' ? fromSec : toSec;
		const pageEnd = cdrEpochSeconds(rows[rows.length - 1]);
		if (pageEnd === undefined || pageEnd === edge || lastSec === undefined) {
			throw new NodeOperationError(
				node,
				`More than ${returned} calls share the second ${toApiDate((pageEnd ?? edge) * 1000)}Z: Voicenter's per-request cap cannot page past it${sfx}`,
				{
					itemIndex: q.itemIndex,
					description: 'Narrow the search with filters (call types, extensions or phones).',
				},
			);
		}
		if (q.order === 'asc') fromSec = pageEnd;
		else toSec = pageEnd;
	}
	return collected;
}
