/**
 * §10 MuteUnmuteCalls (monapisec, /Comet/API/). No authentication is documented, so none is
 * checked. Mode A: { extension, state } ("0" = mute, "1" = unmute per the table). Mode B:
 * { ivrid, mute }. The documented error messages are returned verbatim (including the
 * trailing space of the "Parameters are not valid" one).
 */
import type { SimResponse, Simulator as VoicenterSimulator } from '../types';
import { findExtension } from '../fixtures';
import { activeCallsState } from './activeCalls';

export interface MuteAction {
	ActionID: string;
	mode: 'extension' | 'call';
	target: string;
	value: string;
	params: Record<string, unknown>;
}

const bad = (Message: string): SimResponse => ({ body: { ErrorCode: 400, Message } });

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		sim.state.mute = { actions: [] as MuteAction[] };
	});
	sim.route('monapisec', ['GET', 'POST'], '/Comet/API/MuteUnmuteCalls', (req) => {
		const p = req.params;
		const actions = (sim.state.mute as { actions: MuteAction[] }).actions;
		const calls = activeCallsState(sim);
		let mode: 'extension' | 'call';
		let target: string;
		let value: string;
		if (p.extension !== undefined && p.ivrid === undefined) {
			mode = 'extension';
			target = String(p.extension);
			value = String(p.state ?? '');
			if (!findExtension(target)) return bad('Extension not found');
			if (value !== '0' && value !== '1')
				return bad('Parameters are not valid, should be "extension" and "state" ');
			// Applies to the extension's calls active right now (§10).
			for (const c of calls.byExtension[target] ?? []) c.recording.IsMuted = value === '0' ? 1 : 0;
		} else {
			if (p.ivrid === undefined || p.mute === undefined || p.mute === '')
				return bad('Parameters are not valid, should be "ivrid" and "mute" ');
			mode = 'call';
			target = String(p.ivrid);
			value = String(p.mute);
			const call = Object.values(calls.byExtension)
				.flat()
				.find((c) => c.ivrid === target);
			if (!call) return bad('UniqueIvrID not found');
			if (!['0', '1', 'true', 'false'].includes(value.toLowerCase()))
				return bad('Parameters are not valid, should be "ivrid" and "mute" ');
			// The values of `mute` are not documented: the simulator takes 1/true as "mute".
			call.recording.IsMuted = value === '1' || value.toLowerCase() === 'true' ? 1 : 0;
		}
		const ActionID = sim.rng.hex(32);
		actions.push({ ActionID, mode, target, value, params: { ...p } });
		return { body: { ErrorCode: '200', Message: 'Success', ActionID } };
	});
}
