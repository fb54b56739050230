/** §11 Active Calls: GetExtensionsCalls and GetQueuesCallers (monapisec, /comet/API/). */
import type { SimResponse, Simulator as VoicenterSimulator } from '../types';
import { EXTENSIONS, QUEUES } from '../fixtures';
import { agentStatusState, userName } from './agentStatus';

export interface SimActiveCall {
	callStarted: number;
	callAnswered: number;
	answered: number;
	callername: string;
	callerphone: string;
	callstatus: string;
	customdata: Record<string, unknown>;
	direction: string;
	ivrid: string;
	recording: { Filename: string; IsMuted: number };
	did: string;
}

export interface SimQueueCaller {
	Phone: string;
	CallID: string;
	JoinTime: number;
	Duration: number;
}

export interface ActiveCallsState {
	byExtension: Record<string, SimActiveCall[]>;
	byQueue: Record<number, SimQueueCaller[]>;
}

/** Fixed snapshot: SIPSIP2 talks on one call and has one ringing; queue 12345678 holds two callers. */
function fixtures(): ActiveCallsState {
	return {
		byExtension: {
			SIPSIP1: [],
			SIPSIP2: [
				{
					callStarted: 1602465818,
					callAnswered: 1602465819,
					answered: 1,
					callername: 'Voicenter',
					callerphone: '0722776772',
					callstatus: 'Talking',
					customdata: {},
					direction: 'Outgoing',
					ivrid: '2020101201cc7b38df',
					recording: { Filename: '2020101201cc7b38df-aws-SIPSIP2-972722776772.mp3', IsMuted: 0 },
					did: '',
				},
				{
					callStarted: 1602465900,
					callAnswered: 0,
					answered: 0,
					callername: '',
					callerphone: '0501234567',
					callstatus: 'Ringing',
					customdata: { OriginalIvrUniqueID: '2020101201aa00bb11' },
					direction: 'Incoming',
					ivrid: '2020101201dd44ee55',
					recording: { Filename: '', IsMuted: 0 },
					did: '0722776772',
				},
			],
			SIPSIP3: [],
			BLOCKED1: [],
		},
		byQueue: {
			12345678: [
				{ Phone: '0722776772', CallID: '202010131430590714966', JoinTime: 1602599565, Duration: 21 },
				{ Phone: '0501234567', CallID: '202010131433000d14cc4b', JoinTime: 1602599583, Duration: 3 },
			],
			87654321: [],
		},
	};
}

export function activeCallsState(sim: VoicenterSimulator): ActiveCallsState {
	if (!sim.state.activeCalls) sim.state.activeCalls = fixtures();
	return sim.state.activeCalls as ActiveCallsState;
}

function auth(sim: VoicenterSimulator, code: unknown): SimResponse | undefined {
	if (typeof code !== 'string' || code === '') return { body: { ERR: 1, DESC: 'Authorization failed' } };
	if (!sim.isValidAccountCode(code)) return { body: { ERR: 1, DESC: 'Authorization failed' } };
	return undefined;
}

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		sim.state.activeCalls = fixtures();
	});
	sim.route('monapisec', ['GET', 'POST'], '/comet/API/GetExtensionsCalls', (req) => {
		const denied = auth(sim, req.params.code);
		if (denied) return denied;
		const state = activeCallsState(sim);
		const wanted = req.params.extension ? String(req.params.extension) : '';
		if (wanted && !EXTENSIONS.some((e) => e.SIP === wanted))
			return { body: { ERR: 2, DESC: 'Internal error' } };
		const EXTENSIONS_OUT = EXTENSIONS.filter((e) => !wanted || e.SIP === wanted).map((e) => {
			const calls = state.byExtension[e.SIP] ?? [];
			// Who is logged in (and with which status) is the agent-status state (SetStatusFromAPI).
			const login = agentStatusState(sim).byExtension[e.SIP];
			return {
				name: e.Name,
				representative: login ? userName(login.userId) : '',
				username: e.SIP,
				extensionID: e.extensionID,
				userID: e.userID,
				onlineUserID: login ? login.userId : 0,
				onlineUserStatus: login ? login.status : 2,
				calls: calls.map((c) => ({ ...c, recording: { ...c.recording } })),
			};
		});
		return { body: { ERR: 0, DESC: 'OK', EXTENSIONS: EXTENSIONS_OUT } };
	});
	sim.route('monapisec', ['GET', 'POST'], '/comet/API/GetQueuesCallers', (req) => {
		const denied = auth(sim, req.params.code);
		if (denied) return denied;
		const state = activeCallsState(sim);
		const wanted = req.params.queue !== undefined && req.params.queue !== '' ? String(req.params.queue) : '';
		if (wanted && !QUEUES.some((q) => String(q.ID) === wanted))
			return { body: { ERR: 2, DESC: 'Internal error' } };
		const QUEUES_OUT = QUEUES.filter((q) => !wanted || String(q.ID) === wanted).map((q) => ({
			Name: q.Name,
			ID: q.ID,
			Weight: q.Weight,
			Callers: (state.byQueue[q.ID] ?? []).map((c) => ({ ...c })),
		}));
		return { body: { ERR: 0, DESC: 'OK', QUEUES: QUEUES_OUT } };
	});
}
