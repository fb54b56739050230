/**
 * §13 Dialer: the 14 methods under /api/ForwardDialer/Dialer/<Method>, with campaign state
 * (pending calls, members, enabled/disabled, strategy) and the documented, method-specific
 * error codes and messages. Where the docs give no code, the simulator's choice is marked
 * "(undocumented)".
 *
 * Fault injection for tests: sim.state.dialer.bulkFault = { ErrorCode, Description } makes
 * the next AddCallsBulk request fail as a whole (top-level error, empty AddResult);
 * sim.state.dialer.reverseAddResult = true answers AddResult entries in reverse order.
 */
import type { SimRequest, SimResponse, Simulator as VoicenterSimulator } from '../types';
import { findExtension } from '../fixtures';
import { normalizePhone, toInternational } from '../../nodes/shared/phone';

export interface SimPendingCall {
	CampaignID: number;
	CallID: string;
	Phone: string;
	CallStatus: { Status: number; Description: string };
	CallInserted: string;
	CallerID: string;
	CallerName: string;
	CustomerName: string;
	Priorety: number;
	LastCallDate: string | null;
	CustomData: Record<string, unknown> | null;
	OriginateTime?: number;
	IsDateLocal?: boolean;
}

export interface SimCampaign {
	ID: number;
	Name: string;
	Code: string;
	enabled: boolean;
	/** 1 = agent dialer, 0 = smart dialer */
	IsDynamic: 0 | 1;
	calls: SimPendingCall[];
	members: string[];
	strategy?: { setQueueForMonitoring: number; setQueueMaximumCallers: number; setCoefficient: number };
	nextCallId: number;
}

export interface DialerState {
	campaigns: SimCampaign[];
	bulkFault?: { ErrorCode: number; Description: string };
	/** Fault injection: answer AddResult in reverse order (the node must match by Target). */
	reverseAddResult?: boolean;
	/** Deterministic clock for CallInserted (ms). */
	clock: number;
}

export const DIALER_CAMPAIGNS = {
	agent: 'SIMCAMPAIGNAGENT00000000000001',
	smart: 'SIMCAMPAIGNSMART00000000000002',
	disabled: 'SIMCAMPAIGNWINTER0000000000003',
};

function seed(): DialerState {
	const state: DialerState = { campaigns: [], clock: Date.UTC(2026, 0, 1, 9, 0, 0) };
	const campaign = (
		ID: number,
		Name: string,
		Code: string,
		IsDynamic: 0 | 1,
		enabled: boolean,
		members: string[],
	): SimCampaign => ({ ID, Name, Code, IsDynamic, enabled, calls: [], members, nextCallId: 1 });
	state.campaigns.push(
		campaign(13570, 'Hot Leads', DIALER_CAMPAIGNS.agent, 1, true, ['SIPSIP1', 'SIPSIP2']),
		campaign(13571, 'Smart Outbound', DIALER_CAMPAIGNS.smart, 0, true, []),
		campaign(13572, 'Winter Promo', DIALER_CAMPAIGNS.disabled, 1, false, []),
	);
	state.campaigns[1].strategy = {
		setQueueForMonitoring: 12345678,
		setQueueMaximumCallers: 1,
		setCoefficient: 2,
	};
	addCall(state, state.campaigns[0], { Target: '0722776772', CustomerName: 'Dana Levi', Priority: 1 });
	addCall(state, state.campaigns[0], {
		Target: '972501234567',
		CustomerName: 'John Doe',
		CallerID: '0722776772',
		Priority: 5,
		CustomData: { var_LeadID: 1234567 },
	});
	addCall(state, state.campaigns[1], { Target: '0501111111' });
	return state;
}

function addCall(state: DialerState, c: SimCampaign, t: Record<string, unknown>): SimPendingCall {
	state.clock += 37;
	const call: SimPendingCall = {
		CampaignID: c.ID,
		CallID: String(c.nextCallId++),
		Phone: toInternational(t.Target) ?? String(t.Target),
		CallStatus: { Status: 1, Description: 'Tosend' },
		CallInserted: new Date(state.clock).toISOString(),
		CallerID: t.CallerID === undefined ? '' : String(t.CallerID),
		CallerName: '',
		CustomerName: t.CustomerName === undefined ? '' : String(t.CustomerName),
		Priorety: t.Priority === undefined ? 1 : Number(t.Priority),
		LastCallDate: null,
		CustomData:
			t.CustomData && typeof t.CustomData === 'object' ? (t.CustomData as Record<string, unknown>) : null,
	};
	if (t.OriginateTime !== undefined) {
		call.OriginateTime = Number(t.OriginateTime);
		call.IsDateLocal = String(t.IsDateLocal) !== 'false';
	}
	c.calls.push(call);
	return call;
}

function info(c: SimCampaign) {
	const priorities = c.calls.map((x) => x.Priorety);
	return {
		Name: c.Name,
		StatusName: c.enabled ? 'Enabled' : 'Disabled',
		TotalPendingCalls: c.calls.length,
		MaxPriority: priorities.length ? Math.max(...priorities) : 0,
		MinPriority: priorities.length ? Math.min(...priorities) : 0,
		// Smart dialer only; null for agent dialers (§13.1)
		TotalAwaitingCalls: c.IsDynamic ? null : c.calls.length,
		Code: c.Code,
	};
}

const ok = (extra: Record<string, unknown> = {}): SimResponse => ({
	body: { ...extra, ErrorCode: 0, Description: 'OK' },
});
const err = (ErrorCode: number, Description: string, extra: Record<string, unknown> = {}): SimResponse => ({
	body: { ...extra, ErrorCode, Description },
});

/** The target checks shared by AddCall, AddCallsBulk and UpdateCall (§13.2). */
function checkTarget(
	state: DialerState,
	t: Record<string, unknown>,
): { ErrorCode: number; Description: string; campaign?: SimCampaign } {
	const code = t.Campaign;
	// "Campaign code missing" has no documented code; the simulator answers 1 (undocumented).
	if (code === undefined || code === null || code === '')
		return { ErrorCode: 1, Description: 'Campaign code missing' };
	const campaign = state.campaigns.find((c) => c.Code === code);
	if (!campaign) return { ErrorCode: 1, Description: 'Invalid campaign code' };
	if (t.Target === undefined || t.Target === null || t.Target === '')
		return { ErrorCode: 2, Description: 'Target missing' };
	if (!normalizePhone(t.Target)) return { ErrorCode: -2, Description: 'Number is invalid' };
	return { ErrorCode: 0, Description: 'OK', campaign };
}

export function register(sim: VoicenterSimulator): void {
	sim.onReset(() => {
		sim.state.dialer = seed();
	});
	const st = () => sim.state.dialer as DialerState;
	const path = (m: string) => `/ForwardDialer/Dialer/${m}`;
	const both = ['GET', 'POST'];
	const campaignOf = (req: SimRequest) => {
		// StopCampaign's GET example writes `campaign` (§13.9): accept both spellings.
		const code = req.params.Campaign ?? req.params.campaign;
		return st().campaigns.find((c) => c.Code === code);
	};

	// 13.1 — the account Code (undocumented errors: 1)
	sim.route('api', both, path('GetCampaignList'), (req) => {
		if (!sim.isValidAccountCode(req.params.Code)) return err(1, 'Invalid code');
		return ok({ Data: st().campaigns.map(info) });
	});

	// 13.2
	sim.route('api', both, path('AddCall'), (req) => {
		const check = checkTarget(st(), req.params);
		if (!check.campaign) return err(check.ErrorCode, check.Description);
		addCall(st(), check.campaign, req.params);
		return ok();
	});

	// 13.3 — POST-JSON only, a JSON array of Target objects
	sim.route('api', 'POST', path('AddCallsBulk'), (req) => {
		const state = st();
		if (state.bulkFault) {
			const fault = state.bulkFault;
			state.bulkFault = undefined;
			return err(fault.ErrorCode, fault.Description, { AddResult: [] });
		}
		// A body that is not an array of targets (undocumented): 2 "Target missing".
		if (!Array.isArray(req.body) || req.body.length === 0) return err(2, 'Target missing', { AddResult: [] });
		const AddResult = (req.body as Array<Record<string, unknown>>).map((t) => {
			const target = t && typeof t === 'object' ? t : {};
			const check = checkTarget(state, target);
			if (check.campaign) addCall(state, check.campaign, target);
			return {
				Target: target.Target === undefined ? '' : String(target.Target),
				ErrorCode: check.ErrorCode,
				Description: check.Description,
				CustomData: target.CustomData && typeof target.CustomData === 'object' ? target.CustomData : {},
			};
		});
		if (state.reverseAddResult) AddResult.reverse();
		return ok({ AddResult });
	});

	// 13.4 — removes every occurrence; OK even when the target is absent
	sim.route('api', both, path('RemoveCall'), (req) => {
		const p = req.params;
		if (p.Campaign === undefined || p.Campaign === '') return err(1, 'Campaign code missing');
		const c = campaignOf(req);
		if (!c) return err(1, 'Invalid campaign code');
		if (p.Target === undefined || p.Target === '') return err(2, 'Target missing');
		const phone = toInternational(p.Target) ?? String(p.Target);
		c.calls = c.calls.filter((x) => x.Phone !== phone);
		return ok();
	});

	// 13.5 — 4 "Internal error occurred" for an invalid campaign code
	sim.route('api', both, path('ClearCampaignCalls'), (req) => {
		const c = campaignOf(req);
		if (!c) return err(4, 'Internal error occurred');
		c.calls = [];
		return ok();
	});

	// 13.6 — invalid code: 1 (undocumented)
	sim.route('api', both, path('GetMembersList'), (req) => {
		const c = campaignOf(req);
		if (!c) return err(1, 'Invalid campaign code');
		return ok({
			Data: c.members.map((m) => ({ Member: m, DisplayName: findExtension(m)?.UserName ?? m })),
		});
	});

	// 13.7 / 13.8 — 2 "Member missing"; invalid campaign: 1 (undocumented)
	sim.route('api', both, path('AddMember'), (req) => {
		const c = campaignOf(req);
		if (!c) return err(1, 'Invalid campaign code', { Data: { TotalAdded: -1 } });
		const member = req.params.Member;
		if (!member || !findExtension(member)) return err(2, 'Member missing', { Data: { TotalAdded: -1 } });
		const added = c.members.includes(String(member)) ? 0 : 1;
		if (added) c.members.push(String(member));
		return ok({ Data: { TotalAdded: added } });
	});
	sim.route('api', both, path('RemoveMember'), (req) => {
		const c = campaignOf(req);
		if (!c) return err(1, 'Invalid campaign code', { Data: { TotalRemoved: 0 } });
		const member = req.params.Member;
		if (!member || !findExtension(member)) return err(2, 'Member missing', { Data: { TotalRemoved: 0 } });
		const before = c.members.length;
		c.members = c.members.filter((m) => m !== member);
		return ok({ Data: { TotalRemoved: before - c.members.length } });
	});

	// 13.9 / 13.10 — 1 "Invalid campaign code"
	for (const [method, enabled] of [
		['StopCampaign', false],
		['StartCampaign', true],
	] as const) {
		sim.route('api', both, path(method), (req) => {
			const c = campaignOf(req);
			if (!c) return err(1, 'Invalid campaign code');
			c.enabled = enabled;
			return ok();
		});
	}

	// 13.11 — POST-JSON only; 2 "Internal error occurred"; answers `Priorety` (sic)
	sim.route('api', 'POST', path('GetCampaignPendingCalls'), (req) => {
		const c = campaignOf(req);
		if (!c) return err(2, 'Internal error occurred');
		const summary: Record<string, unknown> = info(c);
		delete summary.TotalAwaitingCalls;
		const Calls = [...c.calls].sort((a, b) => b.Priorety - a.Priorety || Number(b.CallID) - Number(a.CallID));
		return {
			body: {
				ErrorCode: 0,
				Description: 'OK',
				Data: {
					Campaign: { ID: c.ID, Status: c.enabled ? 1 : 2, IsDynamic: c.IsDynamic, ...summary },
					Calls,
				},
			},
		};
	});

	// 13.12 — updates by Campaign + Target (inferred), adds when missing
	sim.route('api', both, path('UpdateCall'), (req) => {
		const check = checkTarget(st(), req.params);
		if (!check.campaign) return err(check.ErrorCode, check.Description);
		const p = req.params;
		const phone = toInternational(p.Target);
		const existing = check.campaign.calls.find((x) => x.Phone === phone);
		if (!existing) {
			addCall(st(), check.campaign, p);
			return ok();
		}
		if (p.CustomerName !== undefined) existing.CustomerName = String(p.CustomerName);
		if (p.CallerID !== undefined) existing.CallerID = String(p.CallerID);
		if (p.Priority !== undefined) existing.Priorety = Number(p.Priority);
		if (p.CustomData && typeof p.CustomData === 'object')
			existing.CustomData = p.CustomData as Record<string, unknown>;
		if (p.OriginateTime !== undefined) {
			existing.OriginateTime = Number(p.OriginateTime);
			existing.IsDateLocal = String(p.IsDateLocal) !== 'false';
		}
		return ok();
	});

	// 13.13 — invalid code: 1 (values not listed)
	sim.route('api', both, path('GetCampaignDetails'), (req) => {
		const c = campaignOf(req);
		if (!c) return err(1, 'Invalid campaign code');
		return ok({ Data: info(c) });
	});

	// 13.14 — answers with the `" ErrorCode"` key (leading space) as printed in the docs
	sim.route('api', both, path('UpdateCampaignStrategy'), (req) => {
		const c = campaignOf(req);
		const answer = (code: number, Description: string): SimResponse => ({
			body: { ' ErrorCode': code, Description },
		});
		if (!c) return answer(1, 'Invalid campaign code');
		const queue = Number(req.params.setQueueForMonitoring);
		const max = Number(req.params.setQueueMaximumCallers);
		const coefficient = Number(req.params.setCoefficient);
		// Undocumented codes: 2 for a value out of range.
		if (!Number.isInteger(queue) || queue <= 0) return answer(2, 'Invalid setQueueForMonitoring');
		if (!Number.isInteger(max) || max <= 0) return answer(2, 'setQueueMaximumCallers must be greater than 0');
		if (!(coefficient > 1)) return answer(2, 'setCoefficient must be greater than 1');
		c.strategy = { setQueueForMonitoring: queue, setQueueMaximumCallers: max, setCoefficient: coefficient };
		return answer(0, 'OK');
	});
}
