/** §4 Click2Call: action=call / action=terminate, XML-RPC by default, JSON with format=json. */
import type { SimRequest, SimResponse, Simulator as VoicenterSimulator } from '../types';
import { findExtension } from '../fixtures';
import { encodeXmlRpcResponse } from '../../nodes/shared/xmlrpc';
import { normalizePhone } from '../../nodes/shared/phone';

export interface Click2CallRecord {
	CALLID: string;
	phone: string;
	target: string;
	params: Record<string, unknown>;
}

function answer(
	sim: VoicenterSimulator,
	req: SimRequest,
	payload: { ERRORCODE: number; ERRORMESSAGE: string; CALLID: string },
): SimResponse {
	const format = String(req.params.format ?? 'XML').toLowerCase();
	// Option click2callAlwaysXml: answer in XML-RPC even when JSON was asked for, to check
	// that clients parse XML whenever it comes.
	if (format === 'json' && !sim.options.click2callAlwaysXml) return { body: payload };
	// XML-RPC: every value is a <string> (§4.5)
	return {
		body: encodeXmlRpcResponse({
			ERRORCODE: String(payload.ERRORCODE),
			ERRORMESSAGE: payload.ERRORMESSAGE,
			CALLID: payload.CALLID,
		}),
		contentType: 'text/xml; charset=utf-8',
	};
}

const fail = (sim: VoicenterSimulator, req: SimRequest, code: number, message: string) =>
	answer(sim, req, { ERRORCODE: code, ERRORMESSAGE: message, CALLID: '' });

const PARTY = { allowExtension: true, specialValues: ['SIPTRUNK', 'logincode'] };

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		sim.state.click2call = { calls: [] as Click2CallRecord[], terminated: [] as string[] };
	});
	sim.route('api', ['GET', 'POST'], '/ForwardDialer/click2call.aspx', (req) => {
		const p = req.params;
		const state = sim.state.click2call as { calls: Click2CallRecord[]; terminated: string[] };
		if (!sim.isValidAccountCode(p.code))
			return fail(sim, req, 1, p.code ? 'Code is invalid' : 'Code is missing');
		const action = String(p.action ?? '');
		if (action === 'terminate') {
			const phone = p.phone ?? p.Phone;
			if (!phone) return fail(sim, req, 1, 'Phone is missing');
			const ext = findExtension(phone);
			if (!ext) return fail(sim, req, 1, 'Phone is invalid');
			if (!ext.online) return fail(sim, req, 3, 'The representative extension is offline');
			state.terminated.push(String(phone));
			return answer(sim, req, { ERRORCODE: 0, ERRORMESSAGE: 'OK', CALLID: '' });
		}
		if (action !== 'call') return fail(sim, req, 1, 'Action is invalid');
		if (!p.phone) return fail(sim, req, 1, 'Phone is missing');
		if (!p.target) return fail(sim, req, 1, 'Target is missing');
		const phone = normalizePhone(p.phone, PARTY);
		const target = normalizePhone(p.target, { allowExtension: true });
		if (!phone) return fail(sim, req, 1, 'Phone is invalid');
		if (!target) return fail(sim, req, 1, 'Target is invalid');
		if (phone.value === 'logincode' && !p.phonelogincode)
			return fail(sim, req, 1, 'Phonelogincode is missing');
		const varCount = Object.keys(p).filter((k) => k.startsWith('var_')).length;
		if (varCount > 10) return fail(sim, req, 1, 'Too many var_ parameters (max 10)');
		for (const party of [phone, target]) {
			if (party.kind !== 'extension') continue;
			const ext = findExtension(party.value);
			if (!ext) return fail(sim, req, 1, `Extension ${party.value} does not exist`);
			if (ext.click2CallBlocked) return fail(sim, req, 4, 'Extension blocked for Click2Call calls');
			if (!ext.online && (party === phone || p.checktargetdevicestate)) {
				return fail(sim, req, 3, 'The representative extension is offline');
			}
		}
		if (String(p.target) === '0000000000') return fail(sim, req, 2, 'Application error');
		const CALLID = `${new Date(Date.UTC(2026, 0, 1)).toISOString().slice(0, 10).replace(/-/g, '')}${sim.rng.hex(24)}`;
		state.calls.push({ CALLID, phone: phone.value, target: target.value, params: { ...p } });
		return answer(sim, req, { ERRORCODE: 0, ERRORMESSAGE: 'OK', CALLID });
	});
}
