/**
 * Turns Real Time API payloads (api-reference §14) into clean items, resolving the documented
 * ambiguities (§14.10):
 *  - `reason` / `eventName` sit inside `data` (NEWCALL, ANSWER, HANGUP) or at the top level
 *    (userStatusUpdate, QueueEvent): read `data.reason ?? reason`;
 *  - `summery` (sic) holds the representative's name;
 *  - `answered` 0/1, `c2cdirection` "1"/"2", `recording.IsMuted` 0/1 are coerced;
 *  - times: server-local epoch seconds, except `representativeUpdated` in milliseconds;
 *    converted to UTC with the SDK's formula (value − servertimeoffset × 60) × 1000 and output
 *    as ISO strings beside Voicenter's own `servertime` / `servertimeoffset`; 0 means "never"
 *    and becomes null;
 *  - dialers: `calls` and `statistics` may arrive as JSON strings: parsed when they are JSON,
 *    kept as sent otherwise (docs/realtime-protocol.md §3).
 */
import type { IDataObject } from 'n8n-workflow';

/** §16.3 representative status codes. */
export const REPRESENTATIVE_STATUS: Record<number, string> = {
	1: 'Login',
	2: 'Logout',
	3: 'Lunch break',
	5: 'Administrative time',
	7: 'Short break',
	9: 'Other',
	11: 'Training',
	12: 'Group meeting',
	13: 'Briefing',
};

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | null {
	if (value === undefined || value === null || value === '') return null;
	return String(value);
}

function num(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

function bool(value: unknown): boolean | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const t = value.trim().toLowerCase();
		if (t === 'true') return true;
		if (t === 'false') return false;
	}
	const n = Number(value);
	return Number.isFinite(n) ? n !== 0 : null;
}

/** Epoch seconds (server local) → ISO UTC: (value − offset × 60) × 1000. */
export function toIso(value: unknown, offsetMinutes: number, unit: 's' | 'ms' = 's'): string | null {
	const n = num(value);
	if (n === null || n <= 0) return null;
	const seconds = unit === 'ms' ? n / 1000 : n;
	const date = new Date((seconds - offsetMinutes * 60) * 1000);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `reason` / `eventName` inside `data` or at the top level (§14.10). */
export function readReason(payload: unknown): string | null {
	const p = obj(payload);
	return str(obj(p.data).reason ?? p.reason);
}

function offsetOf(payload: Obj): number {
	const data = obj(payload.data);
	return (
		num(data.servertimeoffset ?? payload.servertimeoffset ?? payload.serverTimeOffset ?? data.serverTimeOffset) ??
		0
	);
}

function serverTimeOf(payload: Obj): unknown {
	const data = obj(payload.data);
	return data.servertime ?? payload.servertime ?? payload.serverTime ?? data.serverTime;
}

/** A value that may arrive as a JSON string ("[…]", "{…}"): parsed when it is JSON, else as sent. */
export function parseJsonish(value: unknown): unknown {
	if (typeof value !== 'string') return value ?? null;
	const text = value.trim();
	if (text === '') return null;
	if (!/^[[{"]/.test(text) && !/^(true|false|null|-?\d)/.test(text)) return value;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return value;
	}
}

export function normalizeCall(raw: unknown, offset: number): IDataObject | null {
	const c = obj(raw);
	if (Object.keys(c).length === 0) return null;
	const recording = obj(c.recording);
	return {
		ivrid: str(c.ivrid ?? c.IvrUniqueID ?? c.ivruniqueid),
		callerName: str(c.callername),
		callerPhone: str(c.callerphone),
		direction: str(c.direction),
		status: str(c.callstatus),
		did: str(c.did),
		answered: bool(c.answered) ?? false,
		startedAt: toIso(c.callStarted, offset),
		answeredAt: toIso(c.callAnswered, offset),
		callStarted: num(c.callStarted),
		callAnswered: num(c.callAnswered),
		c2cDirection: num(c.c2cdirection),
		customData: obj(c.customdata) as IDataObject,
		recording:
			Object.keys(recording).length === 0
				? null
				: { filename: str(recording.Filename), muted: bool(recording.IsMuted) ?? false },
	};
}

export function normalizeQueueCall(raw: unknown, offset: number): IDataObject {
	const c = obj(raw);
	return {
		ivrid: str(c.IvrUniqueID ?? c.ivrid),
		callerId: str(c.CallerID),
		callerName: str(c.CallerName),
		joinedAt: toIso(c.JoinTimeStamp, offset),
		JoinTimeStamp: num(c.JoinTimeStamp),
		customData: obj(c.customdata) as IDataObject,
	};
}

export function normalizeExtension(raw: unknown, offset: number): IDataObject {
	const e = obj(raw);
	const status = num(e.representativeStatus);
	return {
		number: num(e.number),
		extenUser: str(e.extenUser),
		userId: num(e.userID),
		onlineUserId: num(e.onlineUserID),
		userName: str(e.userName),
		representativeId: num(e.representative),
		representativeName: str(obj(e.summery).representative ?? obj(e.summary).representative),
		representativeStatus: status,
		representativeStatusName: status === null ? null : (REPRESENTATIVE_STATUS[status] ?? null),
		representativeUpdatedAt: toIso(e.representativeUpdated, offset, 'ms'),
		lastCallAt: toIso(e.lastCallEventEpoch, offset),
		lastAnsweredCallAt: toIso(e.lastAnsweredCallEventEpoch, offset),
		lastHangupAt: toIso(e.lastHangupCallEpoch, offset),
		representativeUpdated: num(e.representativeUpdated),
		lastCallEventEpoch: num(e.lastCallEventEpoch),
		lastAnsweredCallEventEpoch: num(e.lastAnsweredCallEventEpoch),
		lastHangupCallEpoch: num(e.lastHangupCallEpoch),
		queueId: num(e.queueID),
		campaignId: num(e.campaignID),
		peerStatus: str(e.peerStatus),
		activeCalls: arr(e.calls)
			.map((c) => normalizeCall(c, offset))
			.filter((c): c is IDataObject => c !== null),
	};
}

export function normalizeQueue(raw: unknown, offset: number): IDataObject {
	const q = obj(raw);
	return {
		id: num(q.QueueID ?? q.queueID),
		name: str(q.QueueName ?? q.queueName),
		waitingCalls: arr(q.Calls ?? q.calls).map((c) => normalizeQueueCall(c, offset)),
	};
}

function common(event: string, payload: Obj): IDataObject {
	const offset = offsetOf(payload);
	const servertime = serverTimeOf(payload);
	return {
		event,
		serverTime: toIso(servertime, offset),
		serverTimeOffsetMinutes: offset,
		// Voicenter's own fields: server-local epoch seconds and the offset in minutes.
		servertime: num(servertime),
		servertimeoffset: offset,
	};
}

export function normalizeDialer(raw: unknown): IDataObject {
	const d = obj(raw);
	const data = obj(d.data);
	const calls = parseJsonish(d.calls);
	const statistics = parseJsonish(d.statistics ?? data.CallStatistics ?? data.statistics);
	return {
		campaignID: num(d.campaignID ?? d.CampaignID),
		code: str(d.code ?? d.Code),
		name: str(d.name ?? d.Name),
		type: str(d.type ?? d.Type),
		typeID: num(d.typeID ?? d.TypeID),
		userID: num(d.userID),
		accountID: num(d.accountID),
		calls: Array.isArray(calls) ? (calls as IDataObject[]) : calls === null ? [] : (calls as IDataObject),
		statistics:
			statistics && typeof statistics === 'object'
				? (statistics as IDataObject)
				: statistics === null || statistics === undefined
					? null
					: (statistics as unknown as IDataObject),
	};
}

export function normalizeDialerEvent(payload: unknown): IDataObject {
	const p = obj(payload);
	const offset = offsetOf(p);
	const dialer = normalizeDialer(p.data);
	return {
		...common('DialerEvent', p),
		type: 'dialer',
		reason: str(p.dialStatus ?? p.reason ?? obj(p.data).reason),
		eventName: str(p.eventName),
		callerID: str(p.callerID),
		dialStatus: str(p.dialStatus),
		ivrUniqueId: str(p.ivrUniqueId ?? p.ivruniqueid),
		telephonyServerTime: toIso(p.telephonyServerTime ?? p.telephonyservertime, offset),
		dialer,
	};
}

export function normalizeAllDialersStatus(payload: unknown): IDataObject {
	const p = obj(payload);
	return {
		...common('AllDialersStatus', p),
		type: 'snapshot',
		reason: null,
		errorCode: num(p.errorCode),
		dialers: arr(p.dialers ?? p.Dialers).map((d) => normalizeDialer(d)),
	};
}

export function normalizeExtensionEvent(payload: unknown): IDataObject {
	const p = obj(payload);
	const data = obj(p.data);
	// NEWCALL/ANSWER/HANGUP carry the extension fields in `data`; userStatusUpdate too.
	const ext = Object.keys(data).length > 0 ? data : p;
	const offset = offsetOf(p);
	const call = normalizeCall(ext.currentCall, offset);
	return {
		...common('ExtensionEvent', p),
		type: 'extension',
		reason: readReason(p),
		cause: str(ext.cause ?? p.cause),
		ivrid: str(call?.ivrid ?? ext.ivruniqueid ?? p.ivruniqueid),
		callerID: str(ext.callerID ?? p.callerID),
		call,
		extension: normalizeExtension(ext, offset),
	};
}

export function normalizeQueueEvent(payload: unknown): IDataObject {
	const p = obj(payload);
	const data = obj(p.data);
	const offset = offsetOf(p);
	const ivrid = str(p.ivruniqueid ?? data.ivruniqueid);
	const queue = normalizeQueue(data, offset);
	const waiting = queue.waitingCalls as IDataObject[];
	// The call the event is about: still in the list on JOIN; gone on EXIT/ABANDONED.
	const call = waiting.find((c) => c.ivrid !== null && c.ivrid === ivrid) ?? (ivrid ? { ivrid } : null);
	return {
		...common('QueueEvent', p),
		type: 'queue',
		reason: readReason(p),
		ivrid,
		telephonyServerTime: toIso(p.telephonyservertime, offset),
		call,
		queue: {
			...queue,
			userId: num(data.UserID),
			distributorId: num(data.DistributorID),
		},
	};
}

export function normalizeAllExtensionsStatus(payload: unknown): IDataObject {
	const p = obj(payload);
	const offset = offsetOf(p);
	return {
		...common('AllExtensionsStatus', p),
		type: 'snapshot',
		reason: null,
		errorCode: num(p.errorCode),
		extensions: arr(p.extensions).map((e) => normalizeExtension(e, offset)),
	};
}

export function normalizeLoginStatus(payload: unknown): IDataObject {
	const p = obj(payload);
	const offset = offsetOf(p);
	return {
		...common('loginStatus', p),
		type: 'snapshot',
		reason: null,
		errorCode: num(p.errorCode),
		queues: arr(p.queues ?? p.Queues).map((q) => normalizeQueue(q, offset)),
	};
}
