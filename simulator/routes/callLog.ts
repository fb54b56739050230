/**
 * §7 Call Log (POST-JSON or GET to /hub/cdr): a deterministic data set generated from the
 * seed (any size, default 50,000 CDRs over January 2026), field selection, filters, sort,
 * the 10,000-row cap (TOTAL_HITS / RETURN_HITS), the per-organisation rate limit (N requests
 * per window, window configurable for fast tests), trusted IPs and the documented errors.
 */
import type { SimRequest, SimResponse, Simulator as VoicenterSimulator } from '../types';
import { EXTENSIONS, QUEUES } from '../fixtures';
import { createRng } from '../rng';

export const ALL_CDR_FIELDS = [
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
] as const;

export type Cdr = Record<string, unknown> & { CallID: string; DateEpoch: number; Date: string };

export const CDR_TYPES: Record<number, string> = {
	1: 'Incoming Call',
	2: 'CC',
	4: 'Extension Outgoing',
	8: 'Queue',
	9: 'Click2Call leg1',
	10: 'Click2Call leg2',
	11: 'VoiceMail',
	12: 'Callference',
	13: 'XferCDR',
	14: 'ProductiveCall Leg1',
	15: 'ProductiveCall Leg2',
	16: 'Scrubber',
	17: 'Click 2 IVR',
	18: 'Click 2 IVR Incoming',
	19: 'Click 2 Queue Incoming',
	20: 'FaxCdr',
	21: 'Attended CDR leg1',
	22: 'Attended CDR leg2',
	23: 'Auto forward',
};

const STATUSES = [
	'ANSWER',
	'ANSWER',
	'ANSWER',
	'BUSY',
	'NOANSWER',
	'CANCEL',
	'ABANDONE',
	'VOEND',
	'CHANUNAVAIL',
];

export const DEFAULT_FROM_EPOCH = Date.UTC(2026, 0, 1) / 1000;
export const DEFAULT_TO_EPOCH = Date.UTC(2026, 1, 1) / 1000 - 1;

export interface CallLogSettings {
	totalCdrs: number;
	maxRows: number;
	requestsPerWindow: number;
	windowMs: number;
	fromEpoch: number;
	toEpoch: number;
	trustedIps: string[];
	/** Longest range a request may cover; a longer one is answered "Out of range" (the real limit is not documented). */
	maxRangeDays: number;
	/** Test switch: ignore the requested sort and answer newest first. */
	ignoreSort: boolean;
}

export function callLogSettings(sim: VoicenterSimulator): CallLogSettings {
	const o = (sim.options.callLog ?? {}) as Partial<CallLogSettings>;
	return {
		totalCdrs: o.totalCdrs ?? 50_000,
		maxRows: o.maxRows ?? 10_000,
		requestsPerWindow: o.requestsPerWindow ?? 30,
		windowMs: o.windowMs ?? 60_000,
		fromEpoch: o.fromEpoch ?? DEFAULT_FROM_EPOCH,
		toEpoch: o.toEpoch ?? DEFAULT_TO_EPOCH,
		trustedIps: o.trustedIps ?? ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
		maxRangeDays: o.maxRangeDays ?? 366,
		ignoreSort: o.ignoreSort ?? false,
	};
}

function iso(epoch: number): string {
	return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}

const cache = new Map<string, Cdr[]>();

/** The seeded CDRs, sorted by date ascending (ties keep generation order). Deterministic. */
export function generateCdrs(seed: number, total: number, fromEpoch: number, toEpoch: number): Cdr[] {
	const key = `${seed}:${total}:${fromEpoch}:${toEpoch}`;
	const hit = cache.get(key);
	if (hit) return hit;
	const rng = createRng(seed * 7919 + 17);
	const epochs: number[] = [];
	for (let i = 0; i < total; i++) epochs.push(rng.int(fromEpoch, toEpoch));
	epochs.sort((a, b) => a - b);
	const types = Object.keys(CDR_TYPES).map(Number);
	const list: Cdr[] = epochs.map((epoch, i) => {
		const cdrType = rng.pick(types);
		const ext = rng.pick(EXTENSIONS);
		const incoming = [1, 8, 18, 19].includes(cdrType);
		const customer = `9725${rng.int(0, 9)}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
		const status = rng.pick(STATUSES);
		const duration = status === 'ANSWER' ? rng.int(1, 900) : 0;
		const recorded = duration > 0 && rng.next() < 0.7;
		const stamp = iso(epoch).replace(/[-:TZ]/g, '');
		const callId = `${stamp}${String(i).padStart(6, '0')}${rng.hex(8)}`;
		const queue = cdrType === 8 || cdrType === 19 ? rng.pick(QUEUES).Name : '';
		return {
			CallerNumber: incoming ? `0${customer.slice(3)}` : '0722776772',
			TargetNumber: incoming ? ext.SIP : customer,
			Date: iso(epoch),
			DateEpoch: epoch,
			Duration: duration,
			CallID: callId,
			Type: CDR_TYPES[cdrType],
			CdrType: cdrType,
			DialStatus: status,
			TargetExtension: incoming ? ext.SIP : '',
			CallerExtension: incoming ? '' : ext.SIP,
			DID: incoming ? '0722776772' : '',
			QueueName: queue,
			RecordURL: recorded ? `https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/${callId}.mp3` : '',
			RecordExpect: recorded,
			RingTime: rng.int(0, 40),
			Price: incoming ? 0 : rng.int(0, 30),
			RepresentativeName: ext.UserName,
			RepresentativeCode: String(10000 + (ext.userID % 90000)),
			UserName: ext.UserName,
			DepartmentName: ext.AccountName,
			DepartmentId: ext.AccountID,
			TargetPrefixName: incoming ? '' : 'Israel',
			DTMFData: incoming ? [{ LayerName: 'Main Menu', DTMF: rng.int(0, 9), LayerNumber: '0' }] : [],
			CustomData: cdrType === 9 || cdrType === 10 ? { var_customer: String(rng.int(1000, 9999)) } : {},
		};
	});
	cache.set(key, list);
	return list;
}

/** Accepts `2021-10-02T08:09:40` (GMT+0 as documented), with or without Z / milliseconds. */
function parseApiDate(value: unknown): number | undefined {
	if (
		typeof value !== 'string' ||
		!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/.test(value.trim())
	)
		return undefined;
	const text = value.trim().replace(' ', 'T');
	const ms = Date.parse(text.endsWith('Z') ? text : `${text}Z`);
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function asList(v: unknown): unknown[] {
	if (v === undefined || v === null || v === '') return [];
	return Array.isArray(v) ? v : [v];
}

function toIntl(phone: string): string {
	const digits = phone.replace(/\D/g, '');
	return digits.startsWith('0') ? `972${digits.slice(1)}` : digits;
}

function fail(number: number, description: string, status: number): SimResponse {
	return { status, body: { ERROR_NUMBER: number, ERROR_DESCRIPTION: description, STATUS_CODE: status } };
}

interface RateState {
	hits: Map<string, number[]>;
}

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		sim.state.callLog = { hits: new Map() } as RateState;
	});
	const handler = (req: SimRequest): SimResponse => {
		const s = callLogSettings(sim);
		const p = req.params;
		const ip = req.remoteAddress ?? '127.0.0.1';
		if (!s.trustedIps.includes(ip)) return fail(4, `IP address ${ip} is not trusted`, 403);
		const code = p.code;
		if (!sim.isValidAccountCode(code)) return fail(2, 'Authorization failed', 403);
		// Rate limit: at most N requests per window per organisation (§7: 30 per minute).
		const rate = sim.state.callLog as RateState;
		const now = Date.now();
		const hits = (rate.hits.get(String(code)) ?? []).filter((t) => now - t < s.windowMs);
		if (hits.length >= s.requestsPerWindow) {
			rate.hits.set(String(code), hits);
			return fail(1, 'Request limit exceeded. Please try again later.', 403);
		}
		hits.push(now);
		rate.hits.set(String(code), hits);

		const search = (p.search && typeof p.search === 'object' ? p.search : p) as Record<string, unknown>;
		const from = parseApiDate(search.fromdate);
		const to = parseApiDate(search.todate);
		if (from === undefined || to === undefined || from > to || to - from > s.maxRangeDays * 86_400)
			return fail(5, 'Out of range', 404);

		const all = generateCdrs(Number(sim.options.seed ?? 1), s.totalCdrs, s.fromEpoch, s.toEpoch);
		const phones = new Set(asList(search.phones).map((x) => toIntl(String(x))));
		const extensions = new Set(asList(search.extensions).map((x) => String(x).toLowerCase()));
		const types = new Set(asList(search.cdrTypes).map(Number));
		const callId = search.CallID ? String(search.CallID) : '';
		// Binary search for the start of the range (the list is sorted by DateEpoch).
		let lo = 0;
		let hi = all.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (all[mid].DateEpoch < from) lo = mid + 1;
			else hi = mid;
		}
		const matches: Cdr[] = [];
		for (let i = lo; i < all.length && all[i].DateEpoch <= to; i++) {
			const c = all[i];
			if (types.size && !types.has(c.CdrType as number)) continue;
			if (callId && c.CallID !== callId) continue;
			if (
				phones.size &&
				!phones.has(toIntl(String(c.CallerNumber))) &&
				!phones.has(toIntl(String(c.TargetNumber)))
			)
				continue;
			if (
				extensions.size &&
				!extensions.has(String(c.CallerExtension).toLowerCase()) &&
				!extensions.has(String(c.TargetExtension).toLowerCase())
			)
				continue;
			matches.push(c);
		}
		const sort = asList(p.sort) as Array<{ field?: string; order?: string }>;
		if (s.ignoreSort) matches.reverse();
		else if (sort.length) {
			const keys = sort.map((k) => {
				let field =
					ALL_CDR_FIELDS.find((f) => f.toLowerCase() === String(k.field ?? 'Date').toLowerCase()) ?? 'Date';
				if (field === 'Date') field = 'DateEpoch';
				return { field, dir: String(k.order ?? 'asc').toLowerCase() === 'desc' ? -1 : 1 };
			});
			matches.sort((a, b) => {
				for (const k of keys) {
					const x = a[k.field] as number | string;
					const y = b[k.field] as number | string;
					if (x < y) return -k.dir;
					if (x > y) return k.dir;
				}
				return 0;
			});
		}
		const page = matches.slice(0, s.maxRows);
		const requested = asList(p.fields ?? p.Fields).map((f) => String(f).toLowerCase());
		// Behaviour without `fields` is not documented: the simulator returns every field.
		const fields = requested.length
			? ALL_CDR_FIELDS.filter((f) => requested.includes(f.toLowerCase()))
			: [...ALL_CDR_FIELDS];
		const CDR_LIST = page.map((c) => {
			const row: Record<string, unknown> = {};
			for (const f of fields) row[f] = c[f];
			return row;
		});
		return {
			body: {
				ERROR_NUMBER: 0,
				ERROR_DESCRIPTION: 'OK',
				STATUS_CODE: 200,
				TOTAL_HITS: matches.length,
				RETURN_HITS: CDR_LIST.length,
				CDR_LIST,
			},
		};
	};
	sim.route('api', ['GET', 'POST'], '/hub/cdr', handler);
	sim.route('api', ['GET', 'POST'], '/hub/cdr/', handler);
}
