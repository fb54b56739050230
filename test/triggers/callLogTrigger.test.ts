/**
 * Voicenter Call Log Trigger through n8n-core's poll machinery (test/harness/poll.ts) against
 * the simulator's growing call log. Time never decides an outcome: calls are added and ended
 * by explicit calls, faults are injected by count.
 */
import type { IDataObject } from 'n8n-workflow';

import { resetCallLogThrottles } from '../../nodes/shared/callLog';
import { DEFAULT_LATE_CALL_MINUTES, MAX_SEEN } from '../../nodes/shared/callLogCursor';
import { VoicenterCallLogTrigger } from '../../nodes/VoicenterCallLogTrigger/VoicenterCallLogTrigger.node';
import type { CallLogState, Cdr } from '../../simulator/routes/callLog';
import { addCall, endCall, injectFaults, visibleCalls } from '../../simulator/routes/callLog';
import { registerNodeType } from '../harness/engine';
import { createPoller } from '../harness/poll';
import { useSimulator } from '../harness/simulator';

const TYPE = 'n8n-nodes-voicenter.voicenterCallLogTrigger';
registerNodeType(TYPE, new VoicenterCallLogTrigger());

const nowSec = () => Math.floor(Date.now() / 1000);

// History: 2,000 calls over the 3 hours before the test file starts (some inside the window).
const T0 = nowSec();
const ctx = useSimulator({
	callLog: {
		totalCdrs: 2_000,
		fromEpoch: T0 - 3 * 3600,
		toEpoch: T0 - 5,
		maxRows: 10_000,
		// the node below throttles to 30 per 200 ms; the simulator enforces the same
		requestsPerWindow: 30,
		windowMs: 200,
	},
});
const saved = { ...ctx.sim.options.callLog };
beforeEach(() => resetCallLogThrottles());
afterEach(() => {
	ctx.sim.options.callLog = { ...saved };
});

const state = () => ctx.sim.state.callLog as CallLogState;
const FAST = { rateLimitWindowSeconds: 0.2, maxRequestsPerWindow: 30, rateLimitRetries: 3 };

function poller(parameters: IDataObject = {}) {
	return createPoller({
		type: TYPE,
		parameters: { fields: ['CallID', 'Date', 'Duration', 'DialStatus'], options: FAST, ...parameters },
		credentials: { voicenterApi: ctx.sim.voicenterCredentials() },
	});
}

const ids = (items: IDataObject[]) => items.map((i) => String(i.CallID));

describe('Voicenter Call Log Trigger', () => {
	it('first activation emits nothing old; then each new call once', async () => {
		const p = poller();
		await p.activate();
		expect(p.emits).toBe(0);
		expect(p.errors).toEqual([]);
		await p.poll();
		expect(p.emits).toBe(0);
		const a = addCall(ctx.sim, { start: nowSec() - 20, durationS: 15, ringS: 2 });
		await p.poll();
		expect(ids(p.received)).toEqual([a.CallID]);
		expect(p.received[0]).toEqual({
			CallID: a.CallID,
			Date: new Date(a.DateEpoch * 1000).toISOString(),
			Duration: 15,
			DialStatus: 'ANSWER',
		});
		await p.poll();
		expect(p.emits).toBe(1);
	});

	it('a call going on at activation is emitted when it ends (dated before the activation)', async () => {
		const long = addCall(ctx.sim, { start: nowSec() - 40 * 60, ongoing: true });
		const p = poller();
		await p.activate();
		await p.poll();
		expect(p.emits).toBe(0);
		endCall(ctx.sim, long.CallID);
		await p.poll();
		expect(ids(p.received)).toEqual([long.CallID]);
	});

	it('20 polls while calls keep arriving (late ones too), one failing mid-way, a restart: every call exactly once', async () => {
		// a small history and a small cap: several pages per poll
		ctx.sim.options.callLog = { ...saved, totalCdrs: 60, maxRows: 7 };
		const before = new Set(visibleCalls(ctx.sim).map((c) => c.CallID));
		const p = poller();
		await p.activate();
		const ongoing: Cdr[] = [];
		let failedPolls = 0;
		for (let round = 1; round <= 20; round++) {
			const t = nowSec();
			// three short calls that have just ended (distinct seconds)
			for (let k = 0; k < 3; k++) addCall(ctx.sim, { start: t - 60 - round * 3 - k, durationS: 30, ringS: 5 });
			// a long call that started a while ago and is still going on
			ongoing.push(addCall(ctx.sim, { start: t - 30 * 60 - round * 7, ongoing: true }));
			// the long call started two rounds ago ends now: dated before the last polls
			if (round >= 3) endCall(ctx.sim, ongoing[round - 3].CallID);
			if (round === 9) {
				// this poll fails on its second page: nothing moves
				const memory = JSON.stringify(p.live());
				injectFaults(ctx.sim, 'ok', 'auth');
				await p.poll();
				expect(p.errors).toHaveLength(1);
				expect(p.errors[0].message).toBe('Voicenter: Authorization failed (code 2)');
				expect(JSON.stringify(p.live())).toBe(memory);
				failedPolls++;
				continue;
			}
			if (round === 14) {
				await p.restart();
				continue;
			}
			await p.poll();
		}
		for (const c of ongoing.slice(-2)) endCall(ctx.sim, c.CallID);
		await p.poll();
		expect(failedPolls).toBe(1);
		const expected = visibleCalls(ctx.sim)
			.map((c) => c.CallID)
			.filter((id) => !before.has(id));
		expect(expected).toHaveLength(20 * 3 + 20);
		const got = ids(p.received);
		expect(new Set(got).size).toBe(got.length); // 0 duplicated
		expect([...got].sort()).toEqual([...expected].sort()); // 0 missing, nothing else
		expect(p.errors).toHaveLength(1);
	});

	it('a restart after polls that emitted nothing (static data not saved by n8n then) loses and repeats nothing', async () => {
		const p = poller();
		await p.activate();
		const a = addCall(ctx.sim, { start: nowSec() - 100, durationS: 50, ringS: 0 });
		await p.poll(); // emits a: saved
		await p.poll(); // nothing: n8n keeps the moved cursor in memory only
		await p.poll();
		const b = addCall(ctx.sim, { start: nowSec() - 5 * 60, durationS: 4 * 60, ringS: 0 });
		await p.restart(); // the saved state is from the poll that emitted a
		await p.poll();
		expect(ids(p.received)).toEqual([a.CallID, b.CallID]);
	});

	it('"Request limit exceeded" is waited out and retried; the poll then succeeds', async () => {
		const p = poller();
		await p.activate();
		const a = addCall(ctx.sim, { start: nowSec() - 30, durationS: 10, ringS: 0 });
		injectFaults(ctx.sim, 'limit', 'limit');
		await p.poll();
		expect(p.errors).toEqual([]);
		expect(ids(p.received)).toEqual([a.CallID]);
		expect(state().faultsServed).toEqual({ limit: 2 });
	});

	it('a poll that keeps failing (server error) does not move the cursor: the next poll gets its calls', async () => {
		const p = poller();
		await p.activate();
		const a = addCall(ctx.sim, { start: nowSec() - 30, durationS: 10, ringS: 0 });
		injectFaults(ctx.sim, 'server', 'server', 'server', 'server', 'server', 'server');
		const memory = JSON.stringify(p.live());
		await p.poll();
		expect(p.errors).toHaveLength(1);
		expect(JSON.stringify(p.live())).toBe(memory);
		state().faults.length = 0;
		await p.poll();
		expect(ids(p.received)).toEqual([a.CallID]);
	});

	it('a call whose record appears later than the Late Call Window is the one case that is missed', async () => {
		const p = poller({ options: { ...FAST, lateCallMinutes: 10 } });
		await p.activate();
		const late = addCall(ctx.sim, { start: nowSec() - 11 * 60, durationS: 11 * 60 - 30, ringS: 0 });
		const inside = addCall(ctx.sim, { start: nowSec() - 9 * 60, durationS: 9 * 60 - 30, ringS: 0 });
		await p.poll();
		expect(ids(p.received)).toEqual([inside.CallID]);
		expect(ids(p.received)).not.toContain(late.CallID);
	});

	it('filters and fields are those of Call Log → Search (same request body)', async () => {
		const p = poller({
			fields: ['CallID', 'Type'],
			filters: { cdrTypes: [1, 8], extensions: ['SIPSIP1'], phones: '0501234567', IdentityCriteria: 'Hierarchical' },
		});
		await p.activate();
		const body = ctx.sim.requestsTo('api', '/hub/cdr')[0].body as IDataObject;
		expect(body.fields).toEqual(['CallID', 'Type', 'Date']);
		expect(body.sort).toEqual([{ field: 'Date', order: 'asc' }]);
		const search = body.search as IDataObject;
		expect(search).toMatchObject({
			phones: ['0501234567'],
			extensions: ['SIPSIP1'],
			IdentityCriteria: 'Hierarchical',
			cdrTypes: [1, 8],
		});
		const from = Date.parse(`${String(search.fromdate)}Z`);
		const to = Date.parse(`${String(search.todate)}Z`);
		expect((to - from) / 60_000).toBe(DEFAULT_LATE_CALL_MINUTES);
		expect(JSON.stringify(ctx.sim.requestsTo('api')[0].url)).not.toContain('SIM-ACCOUNT-CODE');
	});

	it('Fetch Test Event returns the latest few calls, newest first, and leaves the cursor alone', async () => {
		const p = poller({ options: { ...FAST, testEventCount: 3 } });
		const items = await p.manual();
		const latest = [...visibleCalls(ctx.sim)].sort((x, y) => y.DateEpoch - x.DateEpoch).slice(0, 3);
		expect(items?.[0].map((i) => i.json.CallID)).toEqual(latest.map((c) => c.CallID));
		expect(p.live()).toEqual({});
		expect(p.saved()).toEqual({});
	});

	it('keeps its memory bounded: only calls dated inside the window, 14 characters each', async () => {
		const p = poller();
		await p.activate();
		const memory = p.saved()['node:Trigger'] as IDataObject;
		const st = memory.callLog as { cursor: number; seen: Record<string, string> };
		const window = visibleCalls(ctx.sim).filter((c) => c.DateEpoch >= st.cursor - DEFAULT_LATE_CALL_MINUTES * 60);
		const digits = Object.values(st.seen).join('');
		expect(digits.length).toBe(window.length * 14);
		expect(Math.min(...Object.keys(st.seen).map(Number)) * 60 + 59).toBeGreaterThanOrEqual(
			st.cursor - DEFAULT_LATE_CALL_MINUTES * 60,
		);
		expect(MAX_SEEN).toBe(200_000);
	});
});

describe('Voicenter Call Log Trigger: backfill', () => {
	it('the last 24 hours of 50,000 calls on the first poll, paged under 30 requests per window, each once', async () => {
		const t = nowSec();
		ctx.sim.options.callLog = {
			...saved,
			totalCdrs: 50_000,
			fromEpoch: t - 24 * 3600 + 120,
			toEpoch: t - 60,
			maxRows: 1_000,
			requestsPerWindow: 30,
			windowMs: 400,
		};
		const p = poller({
			startFrom: 'hours',
			startHours: 24,
			fields: ['CallID'],
			options: { maxRequestsPerWindow: 30, rateLimitWindowSeconds: 0.4, rateLimitRetries: 0 },
		});
		await p.activate();
		expect(p.errors).toEqual([]);
		expect(p.emits).toBe(1);
		const got = ids(p.received);
		expect(got).toHaveLength(50_000);
		expect(new Set(got).size).toBe(50_000);
		expect(new Set(got)).toEqual(new Set(visibleCalls(ctx.sim).map((c) => c.CallID)));
		const requests = ctx.sim.requestsTo('api', '/hub/cdr');
		expect(requests.length).toBeGreaterThanOrEqual(50);
		// the simulator refused nothing, and no 400 ms span of arrivals holds more than 30 requests
		expect(state().faultsServed).toEqual({});
		const at = requests.map((r) => r.at).sort((x, y) => x - y);
		for (let k = 30; k < at.length; k++) expect(at[k] - at[k - 30]).toBeGreaterThanOrEqual(400);
		// the next poll has nothing new
		await p.poll();
		expect(p.emits).toBe(1);
	});

	it('from a date and time: nothing dated before it', async () => {
		const t = nowSec();
		const p = poller({ startFrom: 'date', startDate: new Date((t - 3600) * 1000).toISOString() });
		await p.activate();
		const expected = visibleCalls(ctx.sim).filter((c) => c.DateEpoch >= t - 3600 && c.DateEpoch <= t);
		expect(expected.length).toBeGreaterThan(100);
		expect([...ids(p.received)].sort()).toEqual(expected.map((c) => c.CallID).sort());
	});

	it('a Start Date given by an expression does not start over at every poll', async () => {
		const p = poller({ startFrom: 'date', startDate: '={{ $now.minus({ minutes: 30 }).toISO() }}' });
		await p.activate();
		const first = p.received.length;
		expect(first).toBeGreaterThan(0);
		await p.poll();
		await p.poll();
		expect(p.received).toHaveLength(first);
	});
});
