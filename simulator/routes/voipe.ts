/**
 * §15 VoIPe: two simulated hosts.
 *   /voipe-pbx     → a customer's PBX   (GET /web/dial.php, GET / for the credential test)
 *   /voipe-cpanel  → cpanel.voipe.cc    (GET /voipe/dial_external.php)
 *
 * dial.php answers in the documented `response: true` / `unique: N` text by default; tests
 * may switch `sim.state.voipe.dialFormat` to 'json' or 'kv' (response=true&unique=N) to
 * exercise the undocumented variants, or set `nextResponse` to force one answer.
 */
import type { SimRequest, SimResponse, Simulator as VoicenterSimulator } from '../types';
import { normalizePhone } from '../../nodes/shared/phone';

export const VOIPE_EXTENSIONS: Record<string, { tech: 'sip' | 'pjsip' }> = {
	'200': { tech: 'sip' },
	'201': { tech: 'sip' },
	'300': { tech: 'pjsip' },
};

export const VOIPE_CLIENTS: Record<string, { callerId: string }> = {
	'sim-client': { callerId: '0312345678' },
};

export const FIRST_UNIQUE = 514574;
export const MOBILE_EPOCH = 1643543872;
export const FIRST_MOBILE_SEQ = 14903;

export interface VoipeCallRecord {
	kind: 'click2call' | 'mobile';
	uniqueId: string;
	params: Record<string, unknown>;
}

export interface VoipeState {
	calls: VoipeCallRecord[];
	nextUnique: number;
	nextMobileSeq: number;
	dialFormat: 'text' | 'json' | 'kv';
	nextResponse?: SimResponse;
}

const str = (v: unknown): string => (Array.isArray(v) ? String(v[0]) : v === undefined ? '' : String(v));

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		const state: VoipeState = {
			calls: [],
			nextUnique: FIRST_UNIQUE,
			nextMobileSeq: FIRST_MOBILE_SEQ,
			dialFormat: 'text',
		};
		sim.state.voipe = state;
	});
	const state = () => sim.state.voipe as VoipeState;
	const forced = (): SimResponse | undefined => {
		const s = state();
		const r = s.nextResponse;
		s.nextResponse = undefined;
		return r;
	};

	sim.route('voipe-pbx', 'GET', '/', () => ({
		body: '<html><body>VoIPe PBX (simulator)</body></html>',
		contentType: 'text/html',
	}));

	// A failure carries no unique id (the source shows only the success answer).
	const dialAnswer = (ok: boolean, unique?: string): SimResponse => {
		const format = state().dialFormat;
		if (format === 'json')
			return { body: ok ? { response: true, unique: Number(unique) } : { response: false } };
		if (format === 'kv') return { body: ok ? `response=true&unique=${unique}` : 'response=false' };
		return { body: ok ? `response: true\nunique: ${unique}\n` : 'response: false\n' };
	};

	sim.route('voipe-pbx', 'GET', '/web/dial.php', (req: SimRequest) => {
		const override = forced();
		if (override) return override;
		const q = req.query;
		const extension = str(q.extension);
		const tech = str(q.tech);
		const ext = VOIPE_EXTENSIONS[extension];
		const destination = normalizePhone(str(q.destination));
		const cidOk = q.outboundcid === undefined || normalizePhone(str(q.outboundcid)) !== undefined;
		if (!ext || ext.tech !== tech || !destination || !cidOk) return dialAnswer(false);
		const uniqueId = String(state().nextUnique++);
		state().calls.push({ kind: 'click2call', uniqueId, params: { ...q } });
		return dialAnswer(true, uniqueId);
	});

	sim.route('voipe-cpanel', 'GET', '/voipe/dial_external.php', (req: SimRequest) => {
		const override = forced();
		if (override) return override;
		const q = req.query;
		const client = VOIPE_CLIENTS[str(q.client)];
		if (!client) return { body: { status: 'error' } };
		const phone = normalizePhone(str(q.phone));
		const destination = normalizePhone(str(q.destination));
		if (!phone || !destination) return { body: { status: 'error', message: 'Invalid phone number' } };
		let src = client.callerId;
		if (q.outboundcid !== undefined) {
			const cid = normalizePhone(str(q.outboundcid));
			if (!cid) return { body: { status: 'error', message: 'Invalid outbound caller id' } };
			src = cid.value;
		}
		const uniqueId = `${MOBILE_EPOCH}.${state().nextMobileSeq++}`;
		state().calls.push({ kind: 'mobile', uniqueId, params: { ...q } });
		// As in the documented example, src drops the leading 0.
		return { body: { src: src.replace(/^0/, ''), uniqueid: uniqueId, status: 'ok' } };
	});
}
