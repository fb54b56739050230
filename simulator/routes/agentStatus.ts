/**
 * Agent status (addendum A): `UserLogin/SetStatusFromAPI` on the api host, GET or POST-JSON,
 * `{Code, UserId, ExtensionUser, Status}` → `{Status, StatusError, StatusErroMessage}` (sic).
 *
 * State: who is logged into which extension, with which status. Active Calls
 * (GetExtensionsCalls: representative / onlineUserID / onlineUserStatus) reads it, and every
 * change is announced to the listeners of onAgentStatusChange (the Realtime simulator turns
 * them into `ExtensionEvent` `userStatusUpdate` frames).
 *
 * Answers (the documented pairs):
 *  - OK                              Status 1, StatusError 1
 *  - "Authorization Failed"          Status 2 (invalid Code or UserId), StatusError 1
 *  - "No extension found"            Status 3, StatusError 1
 *  - "Extension is already in use"   Status 3, StatusError 1 (another user is logged into it)
 *  - "Status not support"            Status 4, StatusError 1
 *  - "Missing parameters"            Status 0, StatusError 6
 *  - "Request format error"          Status 0, StatusError 0 (body not JSON, non-numeric values)
 *  - "Error on update"               Status 0, StatusError 4 (internal error; injected by
 *                                     failAgentStatusUpdates, counted)
 */
import type { SimRequest, SimResponse, Simulator } from '../types';
import { EXTENSIONS, findExtension } from '../fixtures';

export const SET_STATUS_PATH = '/UserLogin/SetStatusFromAPI';

/** The documented status codes (addendum A; api-reference §16.3). */
export const AGENT_STATUS_CODES: Record<number, string> = {
	1: 'Login',
	2: 'Logout',
	3: 'Lunch',
	5: 'Administrative',
	7: 'Private',
	9: 'Other',
	11: 'Training',
	12: 'Team meeting',
	13: 'Brief',
};

export interface AgentLogin {
	userId: number;
	status: number;
	/** Epoch ms of the last change. */
	updatedAt: number;
}

export interface AgentStatusChange {
	extension: string;
	userId: number;
	status: number;
	previousStatus: number | undefined;
	/** The user now logged into the extension (0 after a logout). */
	onlineUserId: number;
	at: number;
}

export interface AgentStatusState {
	/** SIP code → the user logged into it (absent: nobody). */
	byExtension: Record<string, AgentLogin | undefined>;
	changes: AgentStatusChange[];
	/** Number of next requests answered "Error on update" (StatusError 4). */
	failUpdates: number;
}

type Listener = (change: AgentStatusChange) => void;

const listeners = new WeakMap<Simulator, Listener[]>();

/** Calls `listener` on every status change (survives reset()). Returns an unsubscribe function. */
export function onAgentStatusChange(sim: Simulator, listener: Listener): () => void {
	const list = listeners.get(sim) ?? [];
	list.push(listener);
	listeners.set(sim, list);
	return () => {
		const i = list.indexOf(listener);
		if (i >= 0) list.splice(i, 1);
	};
}

/**
 * Who is logged in at start: the extensions Active Calls has always shown online (SIPSIP1 and
 * SIPSIP2, each with its own user, status 1).
 */
function initial(): AgentStatusState {
	const byExtension: Record<string, AgentLogin | undefined> = {};
	for (const e of EXTENSIONS)
		if (e.online && (e.SIP === 'SIPSIP1' || e.SIP === 'SIPSIP2'))
			byExtension[e.SIP] = { userId: e.userID, status: 1, updatedAt: 0 };
	return { byExtension, changes: [], failUpdates: 0 };
}

export function agentStatusState(sim: Simulator): AgentStatusState {
	if (!sim.state.agentStatus) sim.state.agentStatus = initial();
	return sim.state.agentStatus as AgentStatusState;
}

/** The next `count` SetStatusFromAPI requests answer "Error on update" (StatusError 4). */
export function failAgentStatusUpdates(sim: Simulator, count = 1): void {
	agentStatusState(sim).failUpdates = count;
}

/** The user's name (from the extension list: each user owns one extension). */
export function userName(userId: number): string {
	return EXTENSIONS.find((e) => e.userID === userId)?.UserName ?? '';
}

/**
 * The Real Time API's `ExtensionEvent` payload for a status change (api-reference §14.9: for
 * userStatusUpdate `eventName`/`reason` are at the top level).
 */
export function userStatusUpdatePayload(
	change: AgentStatusChange,
	servertime: number,
	servertimeoffset: number,
): Record<string, unknown> {
	const ext = findExtension(change.extension);
	return {
		eventName: 'extension',
		reason: 'userStatusUpdate',
		servertime,
		servertimeoffset,
		data: {
			calls: [],
			userID: ext?.userID ?? 0,
			userName: ext?.UserName ?? '',
			number: ext?.extensionID ?? 0,
			extenUser: change.extension,
			summery: { representative: userName(change.onlineUserId) },
			onlineUserID: change.onlineUserId,
			representative: change.onlineUserId,
			representativeStatus: change.status,
			representativeUpdated: change.at,
		},
	};
}

function answer(status: number, statusError: number, message: string): SimResponse {
	return { body: { Status: status, StatusError: statusError, StatusErroMessage: message } };
}

function present(v: unknown): boolean {
	return v !== undefined && v !== null && String(v).trim() !== '';
}

function handle(sim: Simulator, req: SimRequest): SimResponse {
	const st = agentStatusState(sim);
	if (req.method === 'POST' && req.rawBody && req.body === undefined)
		return answer(0, 0, 'Request format error');
	const p = req.params;
	if (!present(p.Code) || !present(p.UserId) || !present(p.ExtensionUser) || !present(p.Status))
		return answer(0, 6, 'Missing parameters');
	const userId = Number(p.UserId);
	const status = Number(p.Status);
	if (!Number.isInteger(userId) || !Number.isInteger(status)) return answer(0, 0, 'Request format error');
	if (!sim.isValidAccountCode(p.Code) || !EXTENSIONS.some((e) => e.userID === userId))
		return answer(2, 1, 'Authorization Failed');
	const extension = String(p.ExtensionUser);
	if (!findExtension(extension)) return answer(3, 1, 'No extension found');
	if (!(status in AGENT_STATUS_CODES)) return answer(4, 1, 'Status not support');
	const current = st.byExtension[extension];
	if (current && current.userId !== userId) return answer(3, 1, 'Extension is already in use');
	if (st.failUpdates > 0) {
		st.failUpdates--;
		return answer(0, 4, 'Error on update');
	}
	const at = Date.now();
	const changes: AgentStatusChange[] = [];
	if (status === 2) {
		delete st.byExtension[extension];
		changes.push({ extension, userId, status, previousStatus: current?.status, onlineUserId: 0, at });
	} else {
		// Hot-desking: a user is logged into one extension at a time.
		for (const [sip, login] of Object.entries(st.byExtension)) {
			if (sip !== extension && login?.userId === userId) {
				delete st.byExtension[sip];
				changes.push({ extension: sip, userId, status: 2, previousStatus: login.status, onlineUserId: 0, at });
			}
		}
		st.byExtension[extension] = { userId, status, updatedAt: at };
		changes.push({ extension, userId, status, previousStatus: current?.status, onlineUserId: userId, at });
	}
	for (const change of changes) {
		st.changes.push(change);
		for (const l of listeners.get(sim) ?? []) l(change);
	}
	return answer(1, 1, 'OK');
}

export function register(sim: Simulator): void {
	sim.onReset(() => {
		sim.state.agentStatus = initial();
	});
	sim.route('api', ['GET', 'POST'], SET_STATUS_PATH, (req) => handle(sim, req));
}
