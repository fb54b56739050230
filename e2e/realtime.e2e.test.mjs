/**
 * End-to-end, issue #15: the Realtime Trigger in a real n8n (pinned 2.40.7 on Node 24), as
 * `npm start` runs it: the simulator's Real Time API on the current login stack with demo calls
 * flowing, the "Voicenter Realtime (simulator)" credential, and examples/7-realtime-vip-ringing.json
 * imported active. Counts come from n8n's REST API (executions) and the simulator (chat sink,
 * sockets), never from the node.
 *
 *   npm run test:e2e        (runs every e2e/*.test.mjs; this file alone: node --test e2e/realtime.e2e.test.mjs)
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { REALTIME_CREDENTIAL_NAME, ROOT, VOIPE_CREDENTIAL_NAME, startStack } from '../scripts/n8n/stack.mjs';

const EXAMPLE = '7-realtime-vip-ringing.json';
/** The demo interval this file uses (npm start: 5 s). */
const DEMO_INTERVAL_MS = 3000;

async function until(what, fn, { timeoutMs = 60000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

let stack;
let readyAt;

before(
	async () => {
		const t0 = Date.now();
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'e2e-realtime-home'),
			fresh: true,
			realtimeDemo: true,
			realtimeDemoIntervalMs: DEMO_INTERVAL_MS,
			log: (line) => console.log(`# [e2e realtime] ${line}`),
		});
		readyAt = Date.now();
		console.log(`# [e2e realtime] stack up in ${((readyAt - t0) / 1000).toFixed(1)} s`);
	},
	{ timeout: 30 * 60 * 1000 },
);

after(async () => {
	await stack?.stop();
});

describe('npm start: the Realtime example', () => {
	test('the Realtime and VoIPe simulator credentials exist; the example is imported active', async () => {
		const credentials = await stack.client.listCredentials();
		const byName = Object.fromEntries(credentials.map((c) => [c.name, c.type]));
		assert.equal(byName[REALTIME_CREDENTIAL_NAME], 'voicenterRealtimeApi');
		assert.equal(byName[VOIPE_CREDENTIAL_NAME], 'voipeApi');
		const wf = stack.workflows[EXAMPLE];
		assert.ok(wf, `${EXAMPLE} was imported`);
		const listed = (await stack.client.listWorkflows()).find((w) => w.id === wf.id);
		assert.equal(Boolean(listed?.active), true, 'the Realtime example is active');
		const saved = await stack.client.getWorkflow(wf.id);
		const trigger = saved.nodes.find((n) => n.type === 'n8n-nodes-voicenter.voicenterRealtimeTrigger');
		assert.equal(trigger.credentials.voicenterRealtimeApi.id, stack.credentials.voicenterRealtimeApi.id);
	});

	test('it executes on simulated events within a minute (executions counted by n8n)', async () => {
		const wf = stack.workflows[EXAMPLE];
		const executions = await until(
			'the Realtime example to have executed',
			async () => {
				const list = await stack.client.listExecutions(wf.id);
				return list.filter((e) => e.status === 'success').length >= 2 ? list : undefined;
			},
			{ timeoutMs: 60000 },
		);
		console.log(
			`# [e2e realtime] ${executions.length} execution(s) ${((Date.now() - readyAt) / 1000).toFixed(1)} s after the stack was up`,
		);
		// the trigger logged in on the current stack and connected to the highest-priority server
		const logins = stack.realtime.logins.filter((l) => l.ok).map((l) => `${l.stack}:${l.type}`);
		assert.deepEqual(logins.slice(0, 2), ['current:Token', 'current:Settings']);
		assert.equal(stack.realtime.connections.find((c) => c.authenticated)?.server, 0);
		// one execution per NEWCALL: its trigger output is the ringing call
		const first = await stack.client.getExecution(executions[executions.length - 1].id);
		const out = first.data.resultData.runData['VIP caller ringing'][0].data.main[0][0].json;
		assert.equal(out.event, 'ExtensionEvent');
		assert.equal(out.reason, 'NEWCALL');
		assert.match(out.call.startedAt, /^\d{4}-\d\d-\d\dT/);
		assert.equal(typeof out.servertime, 'number');
	});

	test('a VIP caller ringing is posted to the team chat', async () => {
		const messages = await until(
			'a VIP alert in the chat sink',
			() => {
				const m = stack.sim.state.chat.messages.filter((x) => String(x.text).includes('VIP calling now'));
				return m.length > 0 ? m : undefined;
			},
			{ timeoutMs: 60000 },
		);
		assert.match(messages[0].text, /VIP calling now: (Dana Levi|Noa Mizrahi) \((Acme Ltd|Globex), 05\d+\) is ringing at /);
		// non-VIP callers are not posted
		for (const m of stack.sim.state.chat.messages) assert.doesNotMatch(String(m.text), /Avi Cohen|Yossi Katz/);
	});

	test('the credential Test passes for the simulator credential and fails for a wrong token, without echoing it', async () => {
		const cred = stack.credentials.voicenterRealtimeApi;
		const data = stack.realtime.credentials('token', 'current');
		const test = async (d) =>
			(await stack.client.request('POST', '/rest/credentials/test', { credentials: { id: cred.id, name: cred.name, type: cred.type, data: d } })).body;
		const ok = await test(data);
		assert.equal(ok.status, 'OK', JSON.stringify(ok));
		const wrong = await test({ ...data, token: 'E2E-WRONG-TOKEN-42' });
		assert.equal(wrong.status, 'Error', JSON.stringify(wrong));
		console.log(`# [e2e realtime] credential Test with a wrong token: ${JSON.stringify(wrong.message)}`);
		assert.match(wrong.message, /401|Unauthorized|Authorization/i, 'a clear refusal');
		assert.doesNotMatch(JSON.stringify(wrong), /E2E-WRONG-TOKEN-42/);
	});

	test('deactivating the workflow closes the socket', async () => {
		const wf = stack.workflows[EXAMPLE];
		assert.ok(stack.realtime.openSockets >= 1, 'connected while active');
		await stack.client.deactivateWorkflow(wf.id);
		await until('the socket to close', () => stack.realtime.openSockets === 0, { timeoutMs: 30000 });
		const count = (await stack.client.listExecutions(wf.id)).length;
		await new Promise((r) => setTimeout(r, DEMO_INTERVAL_MS * 2));
		assert.equal((await stack.client.listExecutions(wf.id)).length, count, 'no execution after deactivation');
	});
});
