/**
 * CDR Notification (§6): decoding the three documented request formats (JSON, XML-RPC,
 * form-urlencoded), typing every documented field, and the acknowledgement (§6.5) in the
 * format the CDR arrived in.
 */
import { decodeXmlRpc, encodeXmlRpcResponse, looksLikeXml } from './xmlrpc';

export type CdrFormat = 'json' | 'xmlrpc' | 'form';

/** §16.1 call types: numeric id → documented name. Ids 3, 5, 6, 7 are not documented. */
export const CALL_TYPES: Array<{ id: number; name: string }> = [
	{ id: 1, name: 'Incoming Call' },
	{ id: 2, name: 'CC' },
	{ id: 4, name: 'Extension Outgoing' },
	{ id: 8, name: 'Queue' },
	{ id: 9, name: 'Click2Call leg1' },
	{ id: 10, name: 'Click2Call leg2' },
	{ id: 11, name: 'VoiceMail' },
	{ id: 12, name: 'Callference' },
	{ id: 13, name: 'XferCDR' },
	{ id: 14, name: 'ProductiveCall Leg1' },
	{ id: 15, name: 'ProductiveCall Leg2' },
	{ id: 16, name: 'Scrubber' },
	{ id: 17, name: 'Click 2 IVR' },
	{ id: 18, name: 'Click 2 IVR Incoming' },
	{ id: 19, name: 'Click 2 Queue Incoming' },
	{ id: 20, name: 'FaxCdr' },
	{ id: 21, name: 'Attended CDR leg1' },
	{ id: 22, name: 'Attended CDR leg2' },
	{ id: 23, name: 'Auto forward' },
];

/** §16.2 statuses (the union of both lists). */
export const CALL_STATUSES = [
	'NOTDIALED',
	'ANSWER',
	'BUSY',
	'NOANSWER',
	'CANCEL',
	'ABANDONE',
	'TIMEOUT',
	'FULL',
	'EXIT',
	'JOINEMPTY',
	'VOEND',
	'TE',
	'NOTCALLED',
	'VOICEMAIL',
	'CONGESTION',
	'CHANUNAVAIL',
	'INVALIDARGS',
	'SSWPREAUTH',
];

/** The wire spelling of type names is uncertain (§6.6): compare without spaces, lower case. */
export function typeKey(name: string): string {
	return name.replace(/\s+/g, '').toLowerCase();
}

export function lookupCallType(name: string): { id: number; name: string } | undefined {
	const key = typeKey(name);
	return CALL_TYPES.find((t) => typeKey(t.name) === key);
}

const STRING_FIELDS = [
	'caller',
	'target',
	'ivruniqueid',
	'type',
	'status',
	'leg1DialStatusName',
	'targetextension',
	'callerextension',
	'did',
	'queuename',
	'record',
	'representative_name',
	'representative_code',
	'targetextension_name',
	'callerextension_name',
	'target_country',
	'caller_country',
	'OriginalIvrUniqueID',
	'DepartmentName',
	'TopDepartmentName',
];

const INT_FIELDS = [
	'time',
	'duration',
	'queueid',
	'price',
	'dialtime',
	'seconds_waiting_in_queue',
	'DepartmentID',
	'TopDepartmentID',
];

/** Documented alternative spellings (§6.6) → the spelling of the examples. */
const ALIASES: Record<string, string> = {
	DepartmentId: 'DepartmentID',
	TopDepartmentId: 'TopDepartmentID',
	Ivr: 'IVR',
	ivr: 'IVR',
};

const IVR_KEYS: Record<string, string> = {
	layer_id: 'layer_id',
	layerid: 'layer_id',
	layer_name: 'layer_name',
	layername: 'layer_name',
	layer_number: 'layer_number',
	layernumber: 'layer_number',
	dtmf: 'Dtmf',
	dtmf_order: 'dtmf_order',
	dtmforder: 'dtmf_order',
};

export const MAX_STRING_FIELD = 4096;
const MAX_IVR_LAYERS = 200;

export class CdrParseError extends Error {}

const INVALID = Symbol('invalid');

function parseJsonOr<T>(text: string, fallback: T): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return fallback;
	}
}

function toInteger(v: unknown, field: string): number | undefined {
	if (v === undefined || v === null || v === '') return undefined;
	if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
	if (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v)) return Number(v.trim());
	throw new CdrParseError(`${field} must be an integer`);
}

function toText(v: unknown, field: string): string | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	if (typeof v !== 'string') throw new CdrParseError(`${field} must be a string`);
	if (v.length > MAX_STRING_FIELD) throw new CdrParseError(`${field} is too long`);
	return v;
}

export interface IvrLayerPassed {
	layer_id: number | null;
	layer_name: string;
	layer_number: number | null;
	Dtmf: number | null;
	dtmf_order: number | null;
}

/** IVR arrives as an array, as a JSON-encoded string (§6.6), or as PHP-style form keys. */
function parseIvr(v: unknown): IvrLayerPassed[] {
	if (v === undefined || v === null || v === '') return [];
	let list: unknown = v;
	if (typeof list === 'string') {
		if (list.length > MAX_STRING_FIELD * 16) throw new CdrParseError('IVR is too long');
		list = parseJsonOr(list, INVALID);
		if (list === INVALID) throw new CdrParseError('IVR is not valid JSON');
	}
	if (list && typeof list === 'object' && !Array.isArray(list)) {
		// form keys IVR[0][layer_id]… decode to an object keyed by index
		const keys = Object.keys(list);
		if (keys.every((k) => /^\d+$/.test(k)))
			list = keys.sort((a, b) => Number(a) - Number(b)).map((k) => (list as Record<string, unknown>)[k]);
	}
	if (!Array.isArray(list)) throw new CdrParseError('IVR must be an array');
	if (list.length > MAX_IVR_LAYERS) throw new CdrParseError('IVR has too many layers');
	return list.map((raw, i) => {
		if (!raw || typeof raw !== 'object' || Array.isArray(raw))
			throw new CdrParseError(`IVR[${i}] must be an object`);
		const norm: Record<string, unknown> = {};
		for (const [k, val] of Object.entries(raw as Record<string, unknown>)) {
			const key = IVR_KEYS[k.toLowerCase()];
			if (key) norm[key] = val;
		}
		return {
			layer_id: toInteger(norm.layer_id, `IVR[${i}].layer_id`) ?? null,
			layer_name: toText(norm.layer_name, `IVR[${i}].layer_name`) ?? '',
			layer_number: toInteger(norm.layer_number, `IVR[${i}].layer_number`) ?? null,
			Dtmf: toInteger(norm.Dtmf, `IVR[${i}].Dtmf`) ?? null,
			dtmf_order: toInteger(norm.dtmf_order, `IVR[${i}].dtmf_order`) ?? null,
		};
	});
}

/** Decodes `a[b][c]=v` form keys into nested objects (only used for IVR[n][field]). */
function expandFormKeys(fields: Record<string, string>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(fields)) {
		const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
		if (!m) {
			out[key] = value;
			continue;
		}
		const path = [m[1], ...m[2].slice(1, -1).split('][')];
		if (path.length > 4) throw new CdrParseError(`Form key ${key.slice(0, 40)} is nested too deeply`);
		let node = out as Record<string, unknown>;
		for (let i = 0; i < path.length - 1; i++) {
			const p = path[i];
			if (p === '__proto__' || p === 'constructor' || p === 'prototype')
				throw new CdrParseError('Invalid form key');
			const next = node[p];
			if (next === undefined || typeof next !== 'object' || next === null) node[p] = {};
			node = node[p] as Record<string, unknown>;
		}
		const last = path[path.length - 1];
		if (last === '__proto__' || last === 'constructor' || last === 'prototype')
			throw new CdrParseError('Invalid form key');
		node[last] = value;
	}
	return out;
}

/** Picks the format from the media type, sniffing the body when the media type says nothing. */
export function detectCdrFormat(media: string, raw: string): CdrFormat | undefined {
	if (media === 'application/json' || media.endsWith('+json')) return 'json';
	if (media.endsWith('/xml') || media.endsWith('+xml')) return 'xmlrpc';
	if (media === 'application/x-www-form-urlencoded') return 'form';
	if (media === '' || media === 'text/plain' || media === 'application/octet-stream') {
		const t = raw.trimStart();
		if (t.startsWith('{')) return 'json';
		if (looksLikeXml(t)) return 'xmlrpc';
		if (/^[^=&\s]+=/.test(t)) return 'form';
	}
	return undefined;
}

/** Decodes the raw body in the given format into a plain record. */
export function decodeCdrBody(format: CdrFormat, raw: string): Record<string, unknown> {
	if (raw.trim() === '') throw new CdrParseError('Empty body');
	let value: unknown;
	if (format === 'json') {
		value = parseJsonOr(raw, INVALID);
		if (value === INVALID) throw new CdrParseError('Body is not valid JSON');
	} else if (format === 'xmlrpc') {
		let problem = '';
		try {
			value = decodeXmlRpc(raw);
		} catch (error) {
			problem = (error as Error).message || 'unreadable';
		}
		if (problem) throw new CdrParseError(`Body is not a valid XML-RPC document: ${problem}`);
	} else {
		const fields: Record<string, string> = {};
		const params = new URLSearchParams(raw);
		let count = 0;
		for (const [k, v] of params) {
			if (++count > 500) throw new CdrParseError('Too many form fields');
			if (!(k in fields)) fields[k] = v;
		}
		value = expandFormKeys(fields);
	}
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new CdrParseError('The CDR must be an object (JSON object, XML-RPC struct or form fields)');
	return value as Record<string, unknown>;
}

export type CdrItem = Record<string, unknown> & {
	ivruniqueid: string;
	IVR: IvrLayerPassed[];
	typeId: number | null;
	typeName: string | null;
};

/** Types every documented field; unknown fields are kept as they came. */
export function normalizeCdr(input: Record<string, unknown>, format: CdrFormat): CdrItem {
	const src: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(input)) {
		if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
		src[ALIASES[k] ?? k] = v;
	}
	const out: Record<string, unknown> = {};
	for (const f of STRING_FIELDS) {
		const v = toText(src[f], f);
		if (v !== undefined) out[f] = v;
	}
	for (const f of INT_FIELDS) {
		const v = toInteger(src[f], f);
		if (v !== undefined) out[f] = v;
	}
	if (!out.ivruniqueid) throw new CdrParseError('ivruniqueid is missing');
	out.IVR = parseIvr(src.IVR);
	const type = typeof out.type === 'string' ? lookupCallType(out.type) : undefined;
	out.typeId = type?.id ?? null;
	out.typeName = type?.name ?? (typeof out.type === 'string' ? out.type : null);
	out.timeIso = typeof out.time === 'number' ? new Date(out.time * 1000).toISOString() : null;
	// n8n's expression sandbox refuses the property name `caller` ("Cannot access 'caller' due
	// to security concerns"), so `{{ $json.caller }}` fails: the same value under a usable name.
	if (out.caller !== undefined) out.callerNumber = out.caller;
	// Fields Voicenter adds that the docs do not list (e.g. CUSTOM_DATA set by the IVR) are kept.
	for (const [k, v] of Object.entries(src)) {
		if (k in out || STRING_FIELDS.includes(k) || INT_FIELDS.includes(k) || k === 'IVR') continue;
		if (typeof v === 'string' && v.length > MAX_STRING_FIELD) throw new CdrParseError(`${k} is too long`);
		out[k] = v;
	}
	out.receivedFormat = format;
	return out as CdrItem;
}

export interface CdrAck {
	body: string;
	contentType: string;
}

/** The acknowledgement (§6.5) in the format the CDR came in: err 0 OK, 1 parse error, 2 application error. */
export function encodeCdrAck(format: CdrFormat, err: 0 | 1 | 2, errdesc: string): CdrAck {
	if (format === 'xmlrpc')
		return { body: encodeXmlRpcResponse({ err, errdesc }), contentType: 'text/xml; charset=utf-8' };
	if (format === 'form')
		return {
			body: new URLSearchParams({ err: String(err), errdesc }).toString(),
			contentType: 'application/x-www-form-urlencoded; charset=utf-8',
		};
	return { body: JSON.stringify({ err, errdesc }), contentType: 'application/json; charset=utf-8' };
}

/** Re-delivery key (§6: Voicenter re-sends until acknowledged): the call leg. */
export function cdrDedupeKey(cdr: CdrItem): string {
	return [cdr.ivruniqueid, typeKey(String(cdr.type ?? '')), String(cdr.target ?? '')].join('|');
}
