/**
 * End-to-end: the packed package in a real n8n (pinned 2.40.7 on Node 24), against the
 * Voicenter simulator. One n8n boots for the whole file (fresh user folder, free ports); the
 * example workflows are imported and the webhook ones activated, exactly as `npm start` does.
 *
 *   npm run test:e2e        (first run installs n8n into .cache/, about 7 minutes)
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { runBenchmark } from '../scripts/n8n/bench.mjs';
import { ROOT, startStack } from '../scripts/n8n/stack.mjs';
import {
	assertCdrAck,
	assertIvrAnswer,
	assertScreenPopAnswer,
	postJson,
	shippedCredentialTypes,
	shippedNodeTypes,
} from './helpers.mjs';

/** Node types a user must find in n8n (a node silently dropped from package.json fails here too). */
const EXPECTED_NODE_TYPES = [
	'n8n-nodes-voicenter.voicenter',
	'n8n-nodes-voicenter.voicenterIvrTrigger',
	'n8n-nodes-voicenter.voicenterCdrTrigger',
	'n8n-nodes-voicenter.voicenterScreenPopTrigger',
	'n8n-nodes-voicenter.voicenterRespond',
	'n8n-nodes-voicenter.voicenterRealtimeTrigger',
	'n8n-nodes-voicenter.voipe',
	'n8n-nodes-voicenter.voicenterCallLogTrigger',
];

/** Production webhook URLs of the examples' triggers (fixed webhook ids in examples/*.json). */
const IVR_PATH = '/webhook/6f0c2c0e-0002-4a00-8000-0000000000a1/ivr';
const CDR_PATH = '/webhook/6f0c2c0e-0004-4a00-8000-0000000000a1/cdr';
const SCREEN_POP_PATH = '/webhook/6f0c2c0e-0005-4a00-8000-0000000000a1/screen-pop';

/** The simulator calls the IVR URL as Voicenter does; the answer must pass both schema checks. */
async function simulatorIvr(url, data) {
	const { answer, problems } = await stack.simModule.sendIvrLayer(url, {
		IVR_UNIQUE_ID: `1bcd7954224861f85a2d7${String(data.CALLER_ID).slice(-6)}`,
		...data,
	});
	assert.equal(answer.status, 200, answer.body);
	assert.deepEqual(problems, [], `the simulator accepts the answer ${answer.body}`);
	return assertIvrAnswer(answer.json);
}

/** The simulator posts a CDR (JSON / XML-RPC / form) and re-sends until acknowledged. */
async function simulatorCdr(url, cdr, format = 'json') {
	const { attempts, acknowledged } = await stack.simModule.sendCdr(url, cdr, { format, maxAttempts: 1 });
	assert.equal(acknowledged, true, `acknowledged: ${attempts.map((a) => a.body).join(' | ')}`);
	assert.equal(attempts.length, 1);
	return attempts[0];
}

async function until(what, fn, { timeoutMs = 30000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

let stack;

before(
	async () => {
		const t0 = Date.now();
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'e2e-home'),
			fresh: true,
			log: (line) => console.log(`# [e2e] ${line}`),
		});
		console.log(`# [e2e] stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(stack.timings)}`);
	},
	{ timeout: 30 * 60 * 1000 },
);

after(async () => {
	await stack?.stop();
});

const workflowByFile = (file) => {
	const wf = stack.workflows[file];
	assert.ok(wf, `example ${file} was imported`);
	return wf;
};

describe('the package in n8n', () => {
	test('every node the package ships is in n8n\'s node types, with its credential', async () => {
		const types = await stack.client.nodeTypes();
		const names = new Set(types.map((t) => t.name));
		const shipped = shippedNodeTypes();
		for (const expected of EXPECTED_NODE_TYPES) assert.ok(shipped.includes(expected), `${expected} is in package.json`);
		for (const name of shipped) assert.ok(names.has(name), `n8n lists ${name}`);
		const voicenter = types.find((t) => t.name === 'n8n-nodes-voicenter.voicenter');
		assert.deepEqual(
			voicenter.credentials.map((c) => c.name),
			['voicenterApi'],
		);
		const credentialTypes = new Set((await stack.client.credentialTypes()).map((c) => c.name));
		for (const name of shippedCredentialTypes()) assert.ok(credentialTypes.has(name), `n8n lists credential ${name}`);
	});

	test('the example workflows are imported; the webhook ones are active', async () => {
		const listed = await stack.client.listWorkflows();
		for (const [file, wf] of Object.entries(stack.workflows)) {
			const found = listed.find((w) => w.id === wf.id);
			assert.ok(found, `${file} is listed`);
			assert.equal(Boolean(found.active), wf.active, `${file} active = ${wf.active}`);
		}
	});
});

describe('example 1: lead call-back', () => {
	test('a CRM webhook places the Click2Call from the agent\'s extension to the lead', async () => {
		stack.sim.reset();
		workflowByFile('1-lead-callback.json');
		const res = await postJson(`${stack.url}/webhook/voicenter-lead-callback`, { name: 'Dana Levi', phone: '050-123-4567' });
		assert.equal(res.status, 200, res.text);
		const calls = stack.sim.state.click2call.calls;
		assert.equal(calls.length, 1);
		assert.equal(calls[0].phone, 'SIPSIP1');
		assert.equal(calls[0].target, '0501234567');
		assert.equal(calls[0].params.var_lead_name, 'Dana Levi');
		assert.equal(calls[0].params.record, true);
		assert.deepEqual(res.json, { CALLID: calls[0].CALLID, ERRORCODE: 0, ERRORMESSAGE: 'OK' });
	});

	test('the n8n form submission places the same call', async () => {
		stack.sim.reset();
		const form = new FormData();
		form.append('field-0', 'Avi Cohen');
		form.append('field-1', '052 765 4321');
		const res = await fetch(`${stack.url}/form/voicenter-lead-form`, { method: 'POST', body: form });
		const text = await res.text();
		assert.equal(res.status, 200, text);
		// The form answers at once; the call follows in the same execution.
		for (let i = 0; i < 100 && stack.sim.state.click2call.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
		const calls = stack.sim.state.click2call.calls;
		assert.equal(calls.length, 1);
		assert.equal(calls[0].phone, 'SIPSIP1');
		assert.equal(calls[0].target, '0527654321');
		assert.equal(calls[0].params.var_lead_name, 'Avi Cohen');
	});
});

describe('example 2: no-code IVR routing (IVR Trigger → data table → Switch → Respond)', () => {
	/** Sets the example's "isNightNow" to a constant and publishes the change. */
	async function setNight(value) {
		const { id } = workflowByFile('2-ivr-routing.json');
		const wf = await stack.client.getWorkflow(id);
		const settings = wf.nodes.find((n) => n.name === 'Settings');
		settings.parameters.assignments.assignments.find((a) => a.name === 'isNightNow').value = value;
		await stack.client.updateWorkflow(id, { nodes: wf.nodes, connections: wf.connections, versionId: wf.versionId });
		await stack.client.activateWorkflow(id);
	}

	const url = () => `${stack.url}${IVR_PATH}`;

	test('daytime: a VIP goes to the priority queue layer with the name and CRM data', async () => {
		await setNight(false);
		assert.deepEqual(await simulatorIvr(url(), { CALLER_ID: '0501234567' }), {
			STATUS: 0,
			ACTION: 'GO_TO_LAYER',
			LAYER: 12,
			CALLER_NAME: 'Dana Levi',
			CUSTOM_DATA: { crmUrl: 'https://crm.example.com/contacts/1001', company: 'Acme Ltd' },
		});
	});

	test('the caller id in international format finds the same VIP', async () => {
		const answer = await simulatorIvr(url(), { CALLER_ID: '972541112222', LAYER_ID: '5', PREVIOUS_LAYER_ID: '5' });
		assert.equal(answer.LAYER, 12);
		assert.equal(answer.CALLER_NAME, 'Noa Mizrahi');
	});

	test('daytime: a known non-VIP and an unknown caller go to the next layer', async () => {
		for (const caller of ['0527654321', '0509999999']) {
			assert.deepEqual(await simulatorIvr(url(), { CALLER_ID: caller }), {
				STATUS: 0,
				ACTION: 'GO_TO_LAYER',
				LAYER: 2,
				CALLER_NAME: null,
				CUSTOM_DATA: null,
			});
		}
	});

	test('night hours: an ordinary caller is dialled through to the on-call mobile; a VIP still goes to the VIP queue', async () => {
		await setNight(true);
		assert.deepEqual(await simulatorIvr(url(), { CALLER_ID: '0509999999' }), {
			STATUS: 0,
			ACTION: 'DIAL',
			CALLER_ID: '0722776772',
			MAX_CALL_DURATION: 1800,
			MAX_DIAL_DURATION: 45,
			NEXT_VO_ID: 2,
			RECORDING: 'yes',
			TARGETS: [{ TYPE: 'PHONE', TARGET: '0501112233' }],
		});
		const vip = await simulatorIvr(url(), { CALLER_ID: '0501234567' });
		assert.equal(vip.ACTION, 'GO_TO_LAYER');
		assert.equal(vip.LAYER, 12);
		await setNight(false);
	});

	test('a failing IVR workflow still answers Voicenter with the fallback layer', async () => {
		const wf = await stack.client.createWorkflow({
			name: 'E2E: failing IVR',
			nodes: [
				{
					parameters: { fallbackLayer: 7, timeoutSeconds: 5, layerIds: '' },
					id: 'e2e-ivr-fail-1',
					name: 'IVR',
					type: 'n8n-nodes-voicenter.voicenterIvrTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId: 'e2e00000-0000-4000-8000-00000000fa11',
				},
				{
					parameters: { errorMessage: 'CRM is down' },
					id: 'e2e-ivr-fail-2',
					name: 'CRM is down',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [240, 0],
				},
			],
			connections: { IVR: { main: [[{ node: 'CRM is down', type: 'main', index: 0 }]] } },
		});
		await stack.client.activateWorkflow(wf.id);
		const answer = await simulatorIvr(`${stack.url}/webhook/e2e00000-0000-4000-8000-00000000fa11/ivr`, { CALLER_ID: '0501234567' });
		assert.equal(answer.ACTION, 'GO_TO_LAYER');
		assert.equal(answer.LAYER, 7);
		const executions = await until('the failed execution', async () => {
			const list = await stack.client.listExecutions(wf.id);
			return list.length ? list : undefined;
		});
		assert.equal(executions[0].status, 'error');
	});

	test('a request that is not IVR_LAYER_INPUT is refused with a routable fallback body', async () => {
		const res = await postJson(url(), { METHOD: 'SOMETHING_ELSE', DATA: {} });
		assert.equal(res.status, 400);
		assertIvrAnswer(res.json);
		assert.equal(res.json.LAYER, 2);
		assert.equal(res.json.STATUS, 1);
	});
});

describe('example 4: abandoned-call alert (CDR Trigger → chat webhook, upsert on legKey)', () => {
	const url = () => `${stack.url}${CDR_PATH}`;

	test('an abandoned queue call is acknowledged and posts exactly one alert; others are acknowledged only', async () => {
		stack.sim.reset();
		const { CDR_IVR_QUEUE } = stack.simModule;
		const ack = (answer) => {
			assertCdrAck({ status: answer.status, text: answer.body, json: answer.json });
		};
		// Answered queue call and an abandoned non-queue call: acknowledged, no alert.
		ack(await simulatorCdr(url(), { ...CDR_IVR_QUEUE, ivruniqueid: 'e2e-answered-1' }));
		ack(await simulatorCdr(url(), { ...CDR_IVR_QUEUE, ivruniqueid: 'e2e-abandoned-ext', type: 'Incoming Call', status: 'ABANDONE', queuename: '' }));
		// The abandoned queue call; once it was handled, a re-delivery of it (Voicenter re-sends
		// a CDR at intervals until it is acknowledged), which must not alert twice.
		const abandoned = { ...CDR_IVR_QUEUE, ivruniqueid: 'e2e-abandoned-1', status: 'ABANDONE', duration: 0, seconds_waiting_in_queue: 42 };
		ack(await simulatorCdr(url(), abandoned));
		await until('the first alert', () => stack.sim.state.chat.messages.length >= 1);
		const alertWorkflowId = workflowByFile('4-abandoned-call-alert.json').id;
		await until('the first execution to finish', async () => {
			const list = await stack.client.listExecutions(alertWorkflowId);
			return list.length === 1 && list[0].status === 'success';
		});
		ack(await simulatorCdr(url(), abandoned));
		// A second abandoned call, form-encoded (IVR as a JSON string), then a third as XML-RPC.
		const form = await simulatorCdr(url(), { ...abandoned, ivruniqueid: 'e2e-abandoned-2', caller: '0527654321' }, 'form');
		assert.equal(form.body, 'err=0&errdesc=OK', 'a form-encoded CDR is acknowledged form-encoded (§6.5)');
		const xml = await simulatorCdr(url(), { ...abandoned, ivruniqueid: 'e2e-abandoned-3', caller: '0541112222' }, 'xmlrpc');
		assert.deepEqual(stack.simModule.readAck(xml), { err: 0, errdesc: 'OK' });
		assert.match(xml.headers['content-type'], /xml/);
		const messages = await until('three alerts', () => (stack.sim.state.chat.messages.length >= 3 ? stack.sim.state.chat.messages : undefined));
		// Executions of one workflow may finish in either order.
		const texts = messages.map((m) => m.text).sort();
		assert.deepEqual(texts, [
			':telephone_receiver: Abandoned call: 0501234567 hung up after waiting 42 s in Sales Queue (DID 0722776772, 2020-07-21T12:13:30.000Z). Call them back!',
			':telephone_receiver: Abandoned call: 0527654321 hung up after waiting 42 s in Sales Queue (DID 0722776772, 2020-07-21T12:13:30.000Z). Call them back!',
			':telephone_receiver: Abandoned call: 0541112222 hung up after waiting 42 s in Sales Queue (DID 0722776772, 2020-07-21T12:13:30.000Z). Call them back!',
		]);
		// Each execution also runs the log branch: wait until all three have finished.
		const executions = await until('three finished executions', async () => {
			const list = await stack.client.listExecutions(alertWorkflowId);
			return list.length >= 3 && list.every((x) => x.status === 'success') ? list : undefined;
		});
		const started = [];
		for (const x of executions) {
			const e = await stack.client.getExecution(x.id);
			started.push(e.data.resultData.runData['Caller hung up in a queue'][0].data.main[0][0].json);
		}
		assert.deepEqual(started.map((s) => s.ivruniqueid).sort(), ['e2e-abandoned-1', 'e2e-abandoned-2', 'e2e-abandoned-3'], 'one execution per distinct abandoned queue call');
		assert.equal(stack.sim.state.chat.messages.length, 3);
		// The log branch: an upsert on legKey, one row per call leg (the re-delivery added none).
		const rows = await until('three logged calls', async () => {
			const r = await stack.client.dataTableRows('Voicenter abandoned calls');
			return r.length >= 3 ? r : undefined;
		});
		assert.deepEqual(
			rows.map((r) => [r.legKey, r.ivruniqueid, r.callerNumber, r.secondsWaiting]).sort(),
			started.map((s) => [s.legKey, s.ivruniqueid, s.callerNumber, 42]).sort(),
			'one row per leg, keyed by the legKey the trigger put on the item',
		);
	});

	test('a CDR that cannot be parsed gets the documented parse-error answer', async () => {
		const res = await postJson(url(), { caller: '0501234567' });
		assert.equal(res.status, 400);
		assert.equal(res.json.err, 1);
	});
});

describe('example 5: screen pop (Screen Pop Trigger → data table → Respond)', () => {
	const url = () => `${stack.url}${SCREEN_POP_PATH}`;

	test('a known caller (GET, as the Chrome extension sends it) gets the contact card', async () => {
		const [res] = await stack.simModule.sendScreenPop(url(), {
			phone: '0527654321',
			ivrid: '202010111sdsd3684752bcb3d',
			extenUser: 'SIPSIP1',
			did: '0722776773',
			statusCall: 'Ringing',
		});
		assert.equal(res.status, 200, res.body);
		assertScreenPopAnswer(res.json);
		assert.deepEqual(res.json, {
			STATUS: 'OK',
			URL: 'https://crm.example.com/contacts/1002',
			CLIENTNAME: 'Avi Cohen',
			TOTAL: 1,
			COMPANY: 'Cohen & Sons',
		});
	});

	test('a known caller in international format, POST form-encoded', async () => {
		const answers = await stack.simModule.sendScreenPop(
			url(),
			{ phone: '972549998888', ivrid: 'x2', extenUser: 'SIPSIP2', did: '0722776773', statusCall: 'Dialing' },
			{ method: 'POST', parallel: 3 },
		);
		// Three extensions ring at once: each Chrome extension asks and gets the same card.
		assert.equal(answers.length, 3);
		for (const res of answers) {
			assert.equal(res.status, 200, res.body);
			assert.deepEqual(assertScreenPopAnswer(res.json), {
			STATUS: 'OK',
				URL: 'https://crm.example.com/contacts/1004',
				CLIENTNAME: 'Yossi Katz',
				TOTAL: 1,
				COMPANY: 'Initech',
			});
		}
	});

	test('an unknown caller gets STATUS OK with TOTAL 0', async () => {
		const [res] = await stack.simModule.sendScreenPop(url(), { phone: '0500000000', ivrid: 'x3', extenUser: 'SIPSIP1', did: '0722776773', statusCall: 'Ringing' }, { method: 'POST' });
		assert.equal(res.status, 200, res.body);
		assert.deepEqual(assertScreenPopAnswer(res.json), { STATUS: 'OK', TOTAL: 0 });
	});
});

// Example 3 (Call Log Trigger → data table) is proven in e2e/calllog.e2e.test.mjs.

describe('benchmark, small (figures only: npm run bench:e2e for the full one)', () => {
	test('IVR and screen-pop round trip, ours against the plain Webhook node, all answers right', async () => {
		const r = await runBenchmark(stack, {
			calls: Number(process.env.E2E_BENCH_CALLS ?? 40),
			rounds: 3,
			concurrency: 20,
			print: (line) => console.log(`# [bench] ${line}`),
		});
		assert.deepEqual(r.wrong, { ivrOurs: 0, ivrPlain: 0, popOurs: 0, popPlain: 0 });
	});
});
