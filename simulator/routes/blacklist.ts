/**
 * §9 Blacklist: AddBlackList / RemoveBulkFromBlacklist. The list is a Map kept across
 * requests (until reset), numbers are validated per phone and answered normalised to 972….
 */
import type { SimRequest, SimResponse, Simulator as VoicenterSimulator } from '../types';
import { normalizePhone } from '../../nodes/shared/phone';

export interface BlacklistEntry {
	Phone: string;
	Name?: string;
}

/** 0501234567 → 972501234567; E.164 stays as it is. */
export function toBlacklistNumber(raw: unknown): string | undefined {
	const n = normalizePhone(raw);
	if (!n) return undefined;
	return n.kind === 'israeliLocal' ? `972${n.value.slice(1)}` : n.value;
}

/** Numbers that make the simulator answer the per-phone "Internal Error" (code 2). */
export const INTERNAL_ERROR_NUMBERS = new Set(['972599999999']);

function phonesOf(p: Record<string, unknown>): unknown[] | undefined {
	const raw = p.Phones ?? p.phones;
	if (Array.isArray(raw)) return raw;
	if (typeof raw === 'string' && raw !== '') return raw.split(',').map((Phone) => ({ Phone }));
	return undefined;
}

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		sim.state.blacklist = new Map<string, BlacklistEntry>();
	});
	const handle = (req: SimRequest, add: boolean): SimResponse => {
		const p = req.params;
		const list = sim.state.blacklist as Map<string, BlacklistEntry>;
		if (!sim.isValidAccountCode(p.Code ?? p.code))
			return { body: { ErrorCode: 1, ErrorMessage: 'Authorization failed' } };
		const phones = phonesOf(p);
		if (!phones || phones.length === 0)
			return { body: { ErrorCode: 2, ErrorMessage: 'The Phone field is missing or invalid' } };
		const results = phones.map((entry) => {
			const raw = entry && typeof entry === 'object' ? (entry as Record<string, unknown>).Phone : entry;
			const number = toBlacklistNumber(raw);
			if (!number)
				return {
					ErrorCode: 1,
					ErrorMessage: 'Please make sure the phone destination is in a valid format',
					Phone: String(raw ?? ''),
				};
			if (INTERNAL_ERROR_NUMBERS.has(number))
				return { ErrorCode: 2, ErrorMessage: 'Internal Error', Phone: number };
			if (add) {
				const name = entry && typeof entry === 'object' ? (entry as Record<string, unknown>).Name : undefined;
				list.set(number, { Phone: number, ...(name !== undefined ? { Name: String(name) } : {}) });
			} else {
				// Removing a number that is not listed is not documented: the simulator answers OK.
				list.delete(number);
			}
			return { ErrorCode: 0, ErrorMessage: 'OK', Phone: number };
		});
		return { body: { ErrorCode: 0, ErrorMessage: 'OK', Phones: results } };
	};
	sim.route('api', ['GET', 'POST'], '/Blacklist/AddBlackList', (req) => handle(req, true));
	sim.route('api', ['GET', 'POST'], '/Blacklist/RemoveBulkFromBlacklist', (req) => handle(req, false));
}
