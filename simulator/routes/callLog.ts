/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling (the demo's call flow), never shipped in dist */
/**
 * §7 Call Log (POST-JSON or GET to /hub/cdr): a deterministic data set generated from the
 * seed (any size, default 50,000 CDRs over January 2026), field selection, filters, sort,
 * the 10,000-row cap (TOTAL_HITS / RETURN_HITS), the per-organisation rate limit (N requests
 * per window, window configurable for fast tests), trusted IPs and the documented errors.
 *
 * A growing call log on top of that: calls added while the simulator runs (`addCall`, or
 * `startCallFlow` for a call every few seconds, some of them long) become visible when they
 * END, dated when they STARTED — as Voicenter's Call Log does. Tests drive it without the
 * wall clock: `setClock` / `advanceClock` move the simulator's own clock, and `injectFaults`
 * makes the next requests fail in a chosen way (refusal by count, not by timing).
 */
import type { SimRequest, SimResponse, Simulator as VoicenterSimulator } from '../types';
import { EXTENSIONS, QUEUES } from '../fixtures';
import { createRng, type Rng } from '../rng';
import { simulatorRecordingLink } from './recordingLinks';

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

const TYPE_IDS = Object.keys(CDR_TYPES).map(Number);

/** One CDR dated `epoch`, its values drawn from `rng` (the order of draws is part of the seed's data set). */
function makeCdr(rng: Rng, epoch: number, serial: string): Cdr {
	const cdrType = rng.pick(TYPE_IDS);
	const ext = rng.pick(EXTENSIONS);
	const incoming = [1, 8, 18, 19].includes(cdrType);
	const customer = `9725${rng.int(0, 9)}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
	const status = rng.pick(STATUSES);
	const duration = status === 'ANSWER' ? rng.int(1, 900) : 0;
	const recorded = duration > 0 && rng.next() < 0.7;
	const stamp = iso(epoch).replace(/[-:TZ]/g, '');
	const callId = `${stamp}${serial}${rng.hex(8)}`;
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
	const list: Cdr[] = epochs.map((epoch, i) => makeCdr(rng, epoch, String(i).padStart(6, '0')));
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

/** A fault the next request gets (see injectFaults). */
export type CallLogFault = 'ok' | 'limit' | 'auth' | 'server';

interface PendingCall {
	cdr: Cdr;
	/** Simulator ms at which the call ends and its CDR becomes visible. */
	endsAtMs: number;
}

export interface CallLogState {
	hits: Map<string, number[]>;
	/** Faults for the next requests, in order (one each); empty = answer normally. */
	faults: CallLogFault[];
	/** Answers given per fault kind (`limit` counts refusals, also those of the window limit). */
	faultsServed: Record<string, number>;
	/** Calls added while running, visible (ended), sorted by DateEpoch. */
	live: Cdr[];
	/** Calls still going on: invisible until they end. */
	pending: PendingCall[];
	/** The simulator's clock in ms when set by a test; undefined = the wall clock. */
	clockMs?: number;
	nextSerial: number;
	rng: Rng;
	flowTimer?: ReturnType<typeof setInterval>;
}

function callLogState(sim: VoicenterSimulator): CallLogState {
	return sim.state.callLog as CallLogState;
}

/** The simulator's "now" in ms: the test clock when set, else the wall clock. */
export function simNowMs(sim: VoicenterSimulator): number {
	return callLogState(sim).clockMs ?? Date.now();
}

/** Sets the simulator's clock (ms) and reveals the calls that ended by then. */
export function setClock(sim: VoicenterSimulator, ms: number): void {
	callLogState(sim).clockMs = ms;
	revealEnded(sim);
}

/** Moves the simulator's clock forward (starting from the wall clock when it was not set). */
export function advanceClock(sim: VoicenterSimulator, seconds: number): void {
	setClock(sim, simNowMs(sim) + seconds * 1000);
}

/** The next requests fail as listed, one fault each ('ok' answers normally). */
export function injectFaults(sim: VoicenterSimulator, ...faults: CallLogFault[]): void {
	callLogState(sim).faults.push(...faults);
}

function revealEnded(sim: VoicenterSimulator): void {
	const st = callLogState(sim);
	const now = simNowMs(sim);
	const ended = st.pending.filter((p) => p.endsAtMs <= now);
	if (!ended.length) return;
	st.pending = st.pending.filter((p) => p.endsAtMs > now);
	st.live.push(...ended.map((p) => p.cdr));
	st.live.sort((a, b) => a.DateEpoch - b.DateEpoch);
}

export interface NewCall {
	/** Start of the call, epoch seconds (default: the simulator's now minus ring and duration). */
	start?: number;
	/** Talk time in seconds (default: drawn; 0 for unanswered calls). */
	durationS?: number;
	/** Ring time in seconds (default: drawn, 0–40). */
	ringS?: number;
	/** Field values to set on the CDR. */
	fields?: Partial<Cdr>;
	/** Still going on whatever the clock says: invisible until `endCall`. */
	ongoing?: boolean;
}

/**
 * Adds a call to the Call Log. Its CDR is dated `start` and becomes visible when the call
 * ends (start + ring + duration, on the simulator's clock) — possibly at once.
 */
export function addCall(sim: VoicenterSimulator, call: NewCall = {}): Cdr {
	const st = callLogState(sim);
	const serial = `L${String(++st.nextSerial).padStart(5, '0')}`;
	const nowSec = Math.floor(simNowMs(sim) / 1000);
	const probe = makeCdr(st.rng, call.start ?? nowSec, serial);
	const ringS = call.ringS ?? Number(probe.RingTime);
	const durationS = call.durationS ?? Number(probe.Duration);
	const start = call.start ?? nowSec - ringS - durationS;
	const cdr: Cdr = {
		...probe,
		Date: iso(start),
		DateEpoch: start,
		CallID: probe.CallID.replace(/^\d{14}/, iso(start).replace(/[-:TZ]/g, '')),
		RingTime: ringS,
		Duration: durationS,
		...(durationS > 0 ? { DialStatus: 'ANSWER' } : {}),
		...call.fields,
	} as Cdr;
	st.pending.push({ cdr, endsAtMs: call.ongoing ? Infinity : (start + ringS + durationS) * 1000 });
	revealEnded(sim);
	return cdr;
}

/** Ends an ongoing call now: its CDR appears in the Call Log (dated its start). */
export function endCall(sim: VoicenterSimulator, callId: string): Cdr {
	const st = callLogState(sim);
	const p = st.pending.find((c) => c.cdr.CallID === callId);
	if (!p) throw new Error(`no ongoing call ${callId}`);
	p.endsAtMs = -Infinity;
	revealEnded(sim);
	return p.cdr;
}

/**
 * Every call the Call Log shows right now: the seeded ones and the added ones that ended,
 * sorted by date (what a complete sync must hold).
 */
export function visibleCalls(sim: VoicenterSimulator): Cdr[] {
	revealEnded(sim);
	const s = callLogSettings(sim);
	const seeded = generateCdrs(Number(sim.options.seed ?? 1), s.totalCdrs, s.fromEpoch, s.toEpoch);
	const live = callLogState(sim).live;
	return live.length ? [...seeded, ...live].sort((a, b) => a.DateEpoch - b.DateEpoch) : seeded;
}

/** Calls added that have not ended yet. */
export function ongoingCalls(sim: VoicenterSimulator): Cdr[] {
	return callLogState(sim).pending.map((p) => p.cdr);
}

export interface CallFlowOptions {
	/** A new call every this many ms of wall-clock time (default 4000). */
	everyMs?: number;
	/** Every n-th call is long (default 4): it lasts longMinS–longMaxS seconds (default 90–360). */
	longEvery?: number;
	longMinS?: number;
	longMaxS?: number;
}

/**
 * For demos (`npm start`): a call starts every few seconds on the wall clock, most short,
 * every few a long one; each appears in the Call Log when it ends. Returns a stop function.
 */
export function startCallFlow(sim: VoicenterSimulator, options: CallFlowOptions = {}): () => void {
	const st = callLogState(sim);
	if (st.flowTimer) clearInterval(st.flowTimer);
	const every = options.everyMs ?? 4000;
	const longEvery = options.longEvery ?? 4;
	let n = 0;
	const tick = () => {
		n++;
		const long = longEvery > 0 && n % longEvery === 0;
		const durationS = long
			? st.rng.int(options.longMinS ?? 90, options.longMaxS ?? 360)
			: st.rng.next() < 0.25
				? 0
				: st.rng.int(5, 60);
		const ringS = st.rng.int(2, 15);
		const nowSec = Math.floor(simNowMs(sim) / 1000);
		// The call starts now; its CDR appears when it ends.
		addCall(sim, { start: nowSec, durationS, ringS });
	};
	const timer = setInterval(tick, every);
	timer.unref?.();
	st.flowTimer = timer;
	return () => {
		clearInterval(timer);
		if (st.flowTimer === timer) st.flowTimer = undefined;
	};
}

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		const previous = sim.state.callLog as CallLogState | undefined;
		if (previous?.flowTimer) clearInterval(previous.flowTimer);
		sim.state.callLog = {
			hits: new Map(),
			faults: [],
			faultsServed: {},
			live: [],
			pending: [],
			nextSerial: 0,
			rng: createRng(Number(sim.options.seed ?? 1) * 104_729 + 3),
		} satisfies CallLogState;
	});
	const handler = (req: SimRequest): SimResponse => {
		const s = callLogSettings(sim);
		const st = callLogState(sim);
		const p = req.params;
		const ip = req.remoteAddress ?? '127.0.0.1';
		const fault = st.faults.shift();
		if (fault && fault !== 'ok') {
			st.faultsServed[fault] = (st.faultsServed[fault] ?? 0) + 1;
			if (fault === 'limit') return fail(1, 'Request limit exceeded. Please try again later.', 403);
			if (fault === 'auth') return fail(2, 'Authorization failed', 403);
			if (fault === 'server') return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
		}
		if (!s.trustedIps.includes(ip)) return fail(4, `IP address ${ip} is not trusted`, 403);
		const code = p.code;
		if (!sim.isValidAccountCode(code)) return fail(2, 'Authorization failed', 403);
		// Rate limit: at most N requests per window per organisation (§7: 30 per minute), counted
		// at arrival on the wall clock, as Voicenter does. Tests that need a refusal inject one.
		const now = Date.now();
		const hits = (st.hits.get(String(code)) ?? []).filter((t) => now - t < s.windowMs);
		if (hits.length >= s.requestsPerWindow) {
			st.hits.set(String(code), hits);
			st.faultsServed.limit = (st.faultsServed.limit ?? 0) + 1;
			return fail(1, 'Request limit exceeded. Please try again later.', 403);
		}
		hits.push(now);
		st.hits.set(String(code), hits);
		revealEnded(sim);

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
		const keep = (c: Cdr): boolean => {
			if (types.size && !types.has(c.CdrType as number)) return false;
			if (callId && c.CallID !== callId) return false;
			if (
				phones.size &&
				!phones.has(toIntl(String(c.CallerNumber))) &&
				!phones.has(toIntl(String(c.TargetNumber)))
			)
				return false;
			if (
				extensions.size &&
				!extensions.has(String(c.CallerExtension).toLowerCase()) &&
				!extensions.has(String(c.TargetExtension).toLowerCase())
			)
				return false;
			return true;
		};
		for (let i = lo; i < all.length && all[i].DateEpoch <= to; i++) if (keep(all[i])) matches.push(all[i]);
		const live = st.live.filter((c) => c.DateEpoch >= from && c.DateEpoch <= to && keep(c));
		if (live.length) {
			matches.push(...live);
			matches.sort((a, b) => a.DateEpoch - b.DateEpoch);
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
			for (const f of fields) row[f] = f === 'RecordURL' ? simulatorRecordingLink(sim, c[f]) : c[f];
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
