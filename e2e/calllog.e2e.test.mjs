/**
 * Voicenter Call Log Trigger in the real n8n 2.40.7 (npm run test:e2e): example 3 (Call Log
 * Trigger → Data Table) imported active by the same stack as `npm start`, polled by n8n's own
 * cron (every 15 s here) against the simulator's growing call log, with n8n restarted once in the
 * middle. The table, read through n8n's REST API, must equal the calls the simulator added —
 * late records of long calls included — with none twice.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, freePort, startN8n, startStack } from '../scripts/n8n/stack.mjs';

const TYPE = 'n8n-nodes-voicenter.voicenterCallLogTrigger';
const TABLE = 'Voicenter calls';
const FILE = '3-cdr-sync.json';

async function until(what, fn, { timeoutMs = 150_000, everyMs = 1000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

let stack;
let n8n; // the n8n process after the restart

before(
	async () => {
		const t0 = Date.now();
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'e2e-calllog-home'),
			fresh: true,
			callFlow: false, // this test adds the calls itself
			log: (line) => console.log(`# [calllog] ${line}`),
		});
		console.log(`# [calllog] stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	},
	{ timeout: 30 * 60 * 1000 },
);

after(async () => {
	await n8n?.stop();
	await stack?.stop();
});

const nowSec = () => Math.floor(Date.now() / 1000);

describe('Call Log Trigger in n8n', () => {
	test('n8n lists the node as a polling trigger with its poll-times UI and the Voicenter credential', async () => {
		const types = await stack.client.nodeTypes();
		const node = types.find((t) => t.name === TYPE);
		assert.ok(node, `n8n lists ${TYPE}`);
		assert.equal(node.polling, true);
		assert.deepEqual(node.group, ['trigger']);
		assert.deepEqual(
			node.credentials.map((c) => c.name),
			['voicenterApi'],
		);
		const pollTimes = node.properties.find((p) => p.name === 'pollTimes');
		assert.ok(pollTimes, 'n8n added the Poll Times parameter');
		assert.equal(pollTimes.type, 'fixedCollection');
		const modes = pollTimes.options[0].values.find((v) => v.name === 'mode').options.map((o) => o.value);
		for (const m of ['everyMinute', 'everyX', 'custom']) assert.ok(modes.includes(m), `poll mode ${m}`);
		const notice = node.properties.find((p) => p.type === 'notice');
		assert.match(notice.displayName, /5 minutes/);
		assert.ok(node.properties.some((p) => p.name === 'startFrom'));
		// Call Log → Search shares the fields: Title Case labels, Voicenter's values, empty = all;
		// its dates default to the last 24 hours.
		const voicenter = types.find((t) => t.name === 'n8n-nodes-voicenter.voicenter');
		const search = voicenter.properties.filter((p) => p.displayOptions?.show?.operation?.includes('search'));
		const fields = search.find((p) => p.name === 'fields');
		assert.deepEqual(fields.default, []);
		assert.deepEqual(fields.options.find((o) => o.value === 'CallerNumber'), { name: 'Caller Number', value: 'CallerNumber' });
		assert.match(search.find((p) => p.name === 'fromDate').default, /\$now\.minus\(\{ hours: 24 \}\)/);
		assert.match(search.find((p) => p.name === 'toDate').default, /\$now/);
	});

	test('example 3, active and polled on a short interval, holds exactly the new calls after a restart of n8n in the middle', { timeout: 8 * 60 * 1000 }, async () => {
		const { sim, simModule, client } = stack;
		const wf = stack.workflows[FILE];
		assert.ok(wf?.active, 'example 3 was imported active');
		// The example polls every minute. n8n refuses one cron firing more often, but accepts
		// several Custom entries with one fixed second each: every 15 s, to keep this test short.
		const current = await client.getWorkflow(wf.id);
		const trigger = current.nodes.find((n) => n.type === TYPE);
		assert.deepEqual(trigger.parameters.pollTimes ?? { item: [{ mode: 'everyMinute' }] }, { item: [{ mode: 'everyMinute' }] });
		trigger.parameters.pollTimes = {
			item: [0, 15, 30, 45].map((sec) => ({ mode: 'custom', cronExpression: `${sec} * * * * *` })),
		};
		await client.updateWorkflow(wf.id, { nodes: current.nodes, connections: current.connections, versionId: current.versionId });
		await client.activateWorkflow(wf.id);
		const added = [];
		const add = (call) => {
			const cdr = simModule.addCall(sim, call);
			added.push(cdr);
			return cdr;
		};
		const rows = async () => await client.dataTableRows(TABLE);
		const holds = async (expected) => {
			const r = await rows();
			return r.length >= expected.length ? r : null;
		};

		// While n8n runs: short calls, a late record (a 25-minute call dated before the last poll),
		// and a long call still going on.
		let ended = false;
		let t = nowSec();
		add({ start: t - 40, durationS: 20, ringS: 3 });
		add({ start: t - 90, durationS: 60, ringS: 5 });
		add({ start: t - 25 * 60, durationS: 25 * 60 - 10, ringS: 0 });
		const ongoing = add({ start: t - 5 * 60, ongoing: true });
		const visibleNow = () => added.filter((c) => c !== ongoing || ended);
		await until('the first scheduled poll to fill the table', () => holds(visibleNow()));

		// n8n goes down; calls keep arriving and the long call ends meanwhile.
		await stack.n8n.stop();
		t = nowSec();
		add({ start: t - 30, durationS: 15, ringS: 2 });
		simModule.endCall(sim, ongoing.CallID);
		ended = true;
		n8n = await startN8n({
			userFolder: stack.userFolder,
			port: stack.port,
			brokerPort: await freePort(),
			filesDir: stack.filesDir,
			log: (line) => console.log(`# [calllog] ${line}`),
		});
		// After the restart: the activation poll and then the cron.
		t = nowSec();
		add({ start: t - 50, durationS: 40, ringS: 4 });
		add({ start: t - 12 * 60, durationS: 12 * 60 - 5, ringS: 0 });
		await until('the polls after the restart', () => holds(added), { timeoutMs: 180_000 });
		// one more scheduled poll (it has a new call to emit): nothing may come twice
		t = nowSec();
		add({ start: t - 20, durationS: 10, ringS: 1 });
		await until('one more scheduled poll', () => holds(added));

		const table = await rows();
		const ids = table.map((r) => r.CallID);
		assert.equal(new Set(ids).size, ids.length, 'no call twice');
		assert.deepEqual([...ids].sort(), added.map((c) => c.CallID).sort(), 'exactly the calls the simulator added');
		const byId = new Map(added.map((c) => [c.CallID, c]));
		for (const r of table) {
			const c = byId.get(r.CallID);
			assert.equal(r.Date, new Date(c.DateEpoch * 1000).toISOString(), `${r.CallID} Date`);
			assert.equal(Number(r.Duration), c.Duration, `${r.CallID} Duration`);
			assert.equal(r.DialStatus, c.DialStatus, `${r.CallID} DialStatus`);
			assert.equal(r.CallerNumber, c.CallerNumber, `${r.CallID} CallerNumber`);
		}
		const all = await client.listExecutions(wf.id);
		assert.ok(all.length >= 2, 'several polls emitted');
		for (const e of all) assert.equal(e.status, 'success', `execution ${e.id} ${e.status}`);
	});

	test('Fetch Test Event returns the latest calls and moves nothing', async () => {
		const { sim, simModule, client } = stack;
		const wf = stack.workflows[FILE];
		const trigger = (await client.getWorkflow(wf.id)).nodes.find((n) => n.type === TYPE);
		const memory = JSON.stringify((await client.getWorkflow(wf.id)).staticData);
		assert.match(memory, /"callLog"/, 'the cursor is in the workflow\'s static data');
		const rowsBefore = (await client.dataTableRows(TABLE)).length;
		const r = await client.request('POST', `/rest/workflows/${wf.id}/run`, {
			triggerToStartFrom: { name: trigger.name },
			destinationNode: { nodeName: trigger.name, mode: 'inclusive' },
		});
		const e = await client.waitForExecution(r.body.executionId);
		assert.equal(e.status, 'success', JSON.stringify(e.data?.resultData?.error ?? {}));
		const items = e.data.resultData.runData[trigger.name][0].data.main[0].map((i) => i.json.CallID);
		const latest = [...simModule.visibleCalls(sim)].sort((a, b) => b.DateEpoch - a.DateEpoch).slice(0, 5);
		assert.deepEqual(items, latest.map((c) => c.CallID));
		assert.equal((await client.dataTableRows(TABLE)).length, rowsBefore);
		assert.equal(JSON.stringify((await client.getWorkflow(wf.id)).staticData), memory);
	});
});
