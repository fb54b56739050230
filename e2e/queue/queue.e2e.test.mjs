/**
 * End-to-end in n8n's queue mode (`npm run test:e2e:queue`): the packed package in one main,
 * two `n8n webhook` processes and two `n8n worker` processes (scripts/n8n/queue.mjs), on
 * Postgres and Redis, against the Voicenter simulator. Requests go straight to each webhook
 * process's own port, alternating. Every count is taken from n8n itself: its Postgres
 * (execution_entity / execution_data), and the processes' own log lines for where an
 * execution was enqueued ("Enqueued execution N", webhook process) and run ("Worker started
 * execution N", worker).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT } from '../../scripts/n8n/stack.mjs';
import { startQueueStack } from '../../scripts/n8n/queue.mjs';
import { assertCdrAck, assertIvrAnswer, assertScreenPopAnswer } from '../helpers.mjs';
import { chain, createActive, defaultVersion, executionPlaces, executionRows, holdRoute, node, nodeOutputs, openDb, settledExecutions, uuid } from './helpers.mjs';

/* ═══════════════════════════════════════════════════════════════════════════════════════════
 * THE CDR GUARANTEE IN QUEUE MODE — the one expectation to adjust when the CDR Trigger's
 * de-duplication changes (issue #10). Every call leg (ivruniqueid + type + target) runs at
 * least once, and at most once per CDR_AT_MOST_ONCE_PER:
 *   'process'  at most one execution per webhook process that received a copy of the leg
 *              (an in-process store: copies at two processes may both run; the leg key on the
 *              output item lets the user upsert downstream)
 *   'cluster'  exactly one execution per leg, whichever processes the copies reach
 * Measured per way the copies arrive (printed whatever this says):
 *   sameProcess       5 copies one after another (each after the previous ack), one process
 *   acrossSequential  5 copies one after another, alternating between the webhook processes
 *   acrossConcurrent  4 copies at the same instant, 2 to each webhook process
 * ═══════════════════════════════════════════════════════════════════════════════════════════ */
const CDR_AT_MOST_ONCE_PER = 'process';

const IVR_EXAMPLE_PATH = '/webhook/6f0c2c0e-0002-4a00-8000-0000000000a1/ivr';
const SCREEN_POP_EXAMPLE_PATH = '/webhook/6f0c2c0e-0005-4a00-8000-0000000000a1/screen-pop';

let stack;
let db;
let n = 0;
/** Round robin over the webhook processes. */
const nextBase = () => stack.webhookUrl(n++);

before(
	async () => {
		const t0 = Date.now();
		stack = await startQueueStack({
			home: path.join(ROOT, '.cache', 'e2e-queue-home'),
			log: (line) => console.log(`# [e2e-queue] ${line}`),
			// Return All must page: 500 calls in the log, at most 100 per request.
			simulatorOptions: { callLog: { maxRows: 100 } },
		});
		db = await openDb(stack);
		console.log(`# [e2e-queue] stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${stack.queue.webhooks.length} webhook processes, ${stack.queue.workers.length} workers`);
	},
	{ timeout: 900000 },
);

after(async () => {
	await db?.end();
	await stack?.stop();
});

/** Attributes executions to webhook process and worker; asserts every one ran on a worker. */
function placesOf(ids) {
	const { enqueuedBy, ranOn } = executionPlaces(stack);
	const webhookNames = new Set(stack.queue.webhooks.map((w) => w.name));
	const workerNames = new Set(stack.queue.workers.map((w) => w.name));
	const byWebhook = {};
	const byWorker = {};
	for (const id of ids) {
		const w = enqueuedBy.get(id);
		const k = ranOn.get(id);
		assert.ok(workerNames.has(k), `execution ${id} ran on a worker (${k ?? 'no worker logged it'})`);
		byWorker[k] = (byWorker[k] ?? 0) + 1;
		if (w) byWebhook[w] = (byWebhook[w] ?? 0) + 1;
		if (w) assert.ok(webhookNames.has(w) || w === 'main', `execution ${id} enqueued by ${w}`);
	}
	return { byWebhook, byWorker };
}

async function ivr(base, pathName, data) {
	const { answer, problems } = await stack.simModule.sendIvrLayer(`${base}${pathName}`, {
		IVR_UNIQUE_ID: `q${uuid().replace(/-/g, '').slice(0, 24)}`,
		...data,
	});
	assert.equal(answer.status, 200, answer.body);
	assert.deepEqual(problems, [], `the simulator accepts the answer ${answer.body}`);
	return assertIvrAnswer(answer.json);
}

describe('the queue-mode stack', () => {
	test('one main, two webhook processes, two workers; the package loaded in each; the examples active', async () => {
		assert.equal(stack.queue.webhooks.length, 2);
		assert.equal(stack.queue.workers.length, 2);
		const types = (await stack.client.nodeTypes()).map((t) => t.name);
		for (const t of ['n8n-nodes-voicenter.voicenterIvrTrigger', 'n8n-nodes-voicenter.voicenterCdrTrigger', 'n8n-nodes-voicenter.voicenterRespond']) {
			assert.ok(types.includes(t), `${t} in the main's node types`);
		}
		const active = Object.values(stack.workflows).filter((w) => w.active).length;
		assert.ok(active >= 3, `${active} example workflows active`);
		// The main takes no production webhooks; each webhook process does.
		const mainRes = await fetch(`${stack.url}${IVR_EXAMPLE_PATH}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
		assert.notEqual(mainRes.status, 200, 'the main does not serve production webhooks');
		await mainRes.text();
	});
});

describe('IVR Trigger in queue mode', () => {
	before(async () => {
		// Example 2 in daytime mode, so every answer is known in advance, with a long answer
		// timeout: these tests check the routed answers, not the machine's speed (the fallback
		// tests below check the timeout).
		const { id } = stack.workflows['2-ivr-routing.json'];
		const wf = await stack.client.getWorkflow(id);
		const settings = wf.nodes.find((x) => x.name === 'Settings');
		settings.parameters.assignments.assignments.find((a) => a.name === 'isNightNow').value = false;
		wf.nodes.find((x) => x.type === 'n8n-nodes-voicenter.voicenterIvrTrigger').parameters.timeoutSeconds = 120;
		await stack.client.updateWorkflow(id, { nodes: wf.nodes, connections: wf.connections, versionId: wf.versionId });
		await stack.client.activateWorkflow(id);
	});

	const CALLERS = [
		{ CALLER_ID: '0501234567', expect: { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 12, CALLER_NAME: 'Dana Levi', CUSTOM_DATA: { crmUrl: 'https://crm.example.com/contacts/1001', company: 'Acme Ltd' } } },
		{ CALLER_ID: '0541112222', expect: { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 12, CALLER_NAME: 'Noa Mizrahi', CUSTOM_DATA: { crmUrl: 'https://crm.example.com/contacts/1003', company: 'Globex' } } },
		{ CALLER_ID: '0527654321', expect: { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 2, CALLER_NAME: null, CUSTOM_DATA: null } },
		{ CALLER_ID: '0509999999', expect: { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 2, CALLER_NAME: null, CUSTOM_DATA: null } },
	];

	test("the worker's Respond answer (data-table lookup) reaches the caller through the webhook process that received the call", async () => {
		const { id } = stack.workflows['2-ivr-routing.json'];
		const before = (await settledExecutions(db, id, { min: 0 })).map((r) => r.id);
		for (const base of stack.webhookUrls) {
			for (const c of CALLERS) assert.deepEqual(await ivr(base, IVR_EXAMPLE_PATH, { CALLER_ID: c.CALLER_ID }), c.expect, `${c.CALLER_ID} via ${base}`);
		}
		const rows = (await settledExecutions(db, id, { min: before.length + 8 })).filter((r) => !before.includes(r.id));
		assert.equal(rows.length, 8, 'one execution per call');
		assert.ok(rows.every((r) => r.status === 'success' && r.mode === 'webhook'), JSON.stringify(rows));
		const { byWebhook, byWorker } = placesOf(rows.map((r) => r.id));
		console.log(`# [e2e-queue] IVR: executions per webhook process ${JSON.stringify(byWebhook)}, per worker ${JSON.stringify(byWorker)}`);
		assert.deepEqual(byWebhook, { 'webhook-1': 4, 'webhook-2': 4 }, 'each webhook process enqueued the calls it received');
	});

	test('20 concurrent callers spread over both webhook processes: every one gets its own valid answer', async () => {
		const { id } = stack.workflows['2-ivr-routing.json'];
		const before = (await settledExecutions(db, id, { min: 0 })).map((r) => r.id);
		const calls = Array.from({ length: 20 }, (_, i) => ({ base: stack.webhookUrl(i), caller: CALLERS[i % CALLERS.length] }));
		const t0 = performance.now();
		const answers = await Promise.all(calls.map((c) => ivr(c.base, IVR_EXAMPLE_PATH, { CALLER_ID: c.caller.CALLER_ID })));
		const wallMs = performance.now() - t0;
		answers.forEach((a, i) => assert.deepEqual(a, calls[i].caller.expect, `caller ${i} (${calls[i].caller.CALLER_ID}) via ${calls[i].base}`));
		const rows = (await settledExecutions(db, id, { min: before.length + 20 })).filter((r) => !before.includes(r.id));
		assert.equal(rows.length, 20);
		const { byWebhook, byWorker } = placesOf(rows.map((r) => r.id));
		console.log(`# [e2e-queue] IVR ×20 concurrent in ${wallMs.toFixed(0)} ms: per webhook process ${JSON.stringify(byWebhook)}, per worker ${JSON.stringify(byWorker)}`);
		assert.deepEqual(byWebhook, { 'webhook-1': 10, 'webhook-2': 10 });
	});

	/** An IVR workflow with a fault after the trigger; fallback layer 7. */
	async function faultyIvr(name, after, { timeoutSeconds = 3 } = {}) {
		const webhookId = uuid();
		const trigger = node('IVR', 'n8n-nodes-voicenter.voicenterIvrTrigger', 1, { fallbackLayer: 7, timeoutSeconds, layerIds: '' }, { webhookId });
		const wf = await createActive(stack, { name: `Queue E2E: IVR ${name}`, nodes: [trigger, ...after], connections: chain('IVR', ...after.map((x) => x.name)) });
		return { wf, path: `/webhook/${webhookId}/ivr` };
	}

	const FALLBACK = { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 7 };

	test('a failing workflow: the fallback layer, from both webhook processes', async () => {
		const { wf, path: p } = await faultyIvr('fails', [node('CRM is down', 'n8n-nodes-base.stopAndError', 1, { errorMessage: 'CRM is down' })]);
		for (const base of stack.webhookUrls) assert.deepEqual(await ivr(base, p, { CALLER_ID: '0501234567' }), FALLBACK, base);
		const rows = await settledExecutions(db, wf.id, { min: 2 });
		assert.equal(rows.length, 2);
		assert.ok(rows.every((r) => r.status === 'error'), JSON.stringify(rows));
		placesOf(rows.map((r) => r.id));
	});

	test('a workflow without a Respond node: the fallback layer, from both webhook processes', async () => {
		const { wf, path: p } = await faultyIvr('without Respond', [node('Nothing to say', 'n8n-nodes-base.noOp', 1, {})]);
		for (const base of stack.webhookUrls) assert.deepEqual(await ivr(base, p, { CALLER_ID: '0501234567' }), FALLBACK, base);
		const rows = await settledExecutions(db, wf.id, { min: 2 });
		assert.equal(rows.length, 2);
		assert.ok(rows.every((r) => r.status === 'success'), JSON.stringify(rows));
		placesOf(rows.map((r) => r.id));
	});

	test('a slow workflow (held on a CRM call until the test releases it): the fallback at the timeout; the late answer is dropped', async () => {
		const hold = holdRoute(stack.sim, `ivr-slow-${uuid()}`);
		const { wf, path: p } = await faultyIvr(
			'slow',
			[
				node('Slow CRM', 'n8n-nodes-base.httpRequest', 4.2, { method: 'POST', url: hold.url, options: {} }),
				node('Too late', 'n8n-nodes-voicenter.voicenterRespond', 1, { respondTo: 'ivr', action: 'goToLayer', layer: 3, ivrOptions: {} }),
			],
			{ timeoutSeconds: 2 },
		);
		const t0 = performance.now();
		const answers = await Promise.all(stack.webhookUrls.map((base) => ivr(base, p, { CALLER_ID: '0501234567' })));
		const ms = performance.now() - t0;
		// Both workflows are still held on the CRM call: the answers can only be the timeouts.
		assert.equal(hold.received() <= 2, true);
		for (const a of answers) assert.deepEqual(a, FALLBACK);
		console.log(`# [e2e-queue] IVR slow workflow: fallback after ${ms.toFixed(0)} ms (timeout 2 s), ${hold.received()} workflow(s) still held`);
		hold.release();
		const rows = await settledExecutions(db, wf.id, { min: 2 });
		assert.equal(rows.length, 2);
		assert.ok(rows.every((r) => r.status === 'success'), `the late Respond does not fail the execution: ${JSON.stringify(rows)}`);
		placesOf(rows.map((r) => r.id));
	});
});

describe('Screen Pop Trigger in queue mode', () => {
	test('the contact card (example 5) from both webhook processes; an unknown caller gets TOTAL 0', async () => {
		for (const base of stack.webhookUrls) {
			const [res] = await stack.simModule.sendScreenPop(`${base}${SCREEN_POP_EXAMPLE_PATH}`, {
				phone: '0527654321',
				ivrid: `sp-${uuid()}`,
				extenUser: 'SIPSIP1',
				did: '0722776773',
				statusCall: 'Ringing',
			});
			assert.equal(res.status, 200, res.body);
			assert.deepEqual(assertScreenPopAnswer(res.json), { STATUS: 'OK', URL: 'https://crm.example.com/contacts/1002', CLIENTNAME: 'Avi Cohen', TOTAL: 1, COMPANY: 'Cohen & Sons' });
			const [unknown] = await stack.simModule.sendScreenPop(`${base}${SCREEN_POP_EXAMPLE_PATH}`, { phone: '0500000000', ivrid: `sp-${uuid()}`, extenUser: 'SIPSIP1', did: '0722776773', statusCall: 'Ringing' }, { method: 'POST' });
			assert.deepEqual(assertScreenPopAnswer(unknown.json), { STATUS: 'OK', TOTAL: 0 });
		}
	});

	test('a failing workflow: the unknown-caller fallback, from both webhook processes', async () => {
		const webhookId = uuid();
		const wf = await createActive(stack, {
			name: 'Queue E2E: screen pop fails',
			nodes: [
				node('Screen pop', 'n8n-nodes-voicenter.voicenterScreenPopTrigger', 1, { statusCall: [], allowedOrigins: '*', timeoutSeconds: 3 }, { webhookId }),
				node('CRM is down', 'n8n-nodes-base.stopAndError', 1, { errorMessage: 'CRM is down' }),
			],
			connections: chain('Screen pop', 'CRM is down'),
		});
		for (const base of stack.webhookUrls) {
			const [res] = await stack.simModule.sendScreenPop(`${base}/webhook/${webhookId}/screen-pop`, { phone: '0527654321', ivrid: `sp-${uuid()}`, statusCall: 'Ringing' });
			assert.equal(res.status, 200, res.body);
			assert.deepEqual(assertScreenPopAnswer(res.json), { STATUS: 'OK', TOTAL: 0 });
		}
		const rows = await settledExecutions(db, wf.id, { min: 2 });
		assert.ok(rows.every((r) => r.status === 'error'));
		placesOf(rows.map((r) => r.id));
	});

	test('"Answer Identical Requests Once" is per webhook process: 4 identical requests to each of 2 processes → 8 equal answers, executions at both processes', async () => {
		const webhookId = uuid();
		const hold = holdRoute(stack.sim, `sp-share-${uuid()}`);
		const wf = await createActive(stack, {
			name: 'Queue E2E: screen pop shared',
			nodes: [
				node('Screen pop', 'n8n-nodes-voicenter.voicenterScreenPopTrigger', 1, { statusCall: [], allowedOrigins: '*', timeoutSeconds: 60, shareParallel: true }, { webhookId }),
				node('CRM lookup', 'n8n-nodes-base.httpRequest', 4.2, { method: 'POST', url: hold.url, options: {} }),
				node('Card', 'n8n-nodes-voicenter.voicenterRespond', 1, { respondTo: 'screenPop', contactFound: true, clientName: 'Shared Caller', url: 'https://crm.example.com/contacts/share', company: 'Acme Ltd', total: 1, allowedOrigin: '*' }),
			],
			connections: chain('Screen pop', 'CRM lookup', 'Card'),
		});
		const params = { phone: '0527654321', ivrid: `share-${uuid()}`, extenUser: 'SIPSIP1', did: '0722776773', statusCall: 'Ringing' };
		const pending = stack.webhookUrls.map((base) => stack.simModule.sendScreenPop(`${base}/webhook/${webhookId}/screen-pop`, params, { parallel: 4 }));
		// Each process's first request is now held on the CRM call; the other three wait for its answer.
		await hold.waitFor(2);
		hold.release();
		const answers = (await Promise.all(pending)).flat();
		assert.equal(answers.length, 8);
		for (const res of answers) {
			assert.equal(res.status, 200, res.body);
			assert.deepEqual(assertScreenPopAnswer(res.json), { STATUS: 'OK', URL: 'https://crm.example.com/contacts/share', CLIENTNAME: 'Shared Caller', TOTAL: 1, COMPANY: 'Acme Ltd' });
		}
		const rows = await settledExecutions(db, wf.id, { min: 1 });
		const { byWebhook } = placesOf(rows.map((r) => r.id));
		console.log(`# [e2e-queue] Screen pop, 4 identical requests to each of 2 webhook processes: ${rows.length} executions ${JSON.stringify(byWebhook)}`);
		// Documented: shared within one n8n process only. Each process that received copies runs
		// its own execution (none is shared across processes), and at most one per request.
		// (How many followers a process shares depends on when they reach it: "together" means
		// while the first one's answer is pending, plus 3 s.)
		assert.deepEqual(Object.keys(byWebhook).sort(), ['webhook-1', 'webhook-2'], 'each webhook process ran its own execution');
		assert.ok(rows.length <= 8);
	});
});

describe('CDR Trigger in queue mode: copies of one call leg at different webhook processes', () => {
	let wf;
	const webhookId = uuid();
	const cdrUrl = (base) => `${base}/webhook/${webhookId}/cdr`;
	before(async () => {
		// The version a user gets when adding the node today (the CDR Trigger's acknowledgement
		// changed with its versions).
		const version = await defaultVersion(stack, 'n8n-nodes-voicenter.voicenterCdrTrigger');
		console.log(`# [e2e-queue] CDR Trigger typeVersion ${version}`);
		wf = await createActive(stack, {
			name: 'Queue E2E: CDR legs',
			nodes: [node('CDR', 'n8n-nodes-voicenter.voicenterCdrTrigger', version, { dedupe: true }, { webhookId }), node('Store', 'n8n-nodes-base.noOp', 1, {})],
			connections: chain('CDR', 'Store'),
		});
	});

	const leg = (scenario, i) => ({ ...stack.simModule.CDR_OUTGOING, ivruniqueid: `q-${scenario}-${i}-${uuid().slice(0, 8)}` });
	const send = async (base, cdr) => {
		const { attempts, acknowledged } = await stack.simModule.sendCdr(cdrUrl(base), cdr, { format: 'json', maxAttempts: 1 });
		assert.equal(acknowledged, true, attempts.map((a) => a.body).join(' | '));
		assertCdrAck({ status: attempts[0].status, json: attempts[0].json });
	};
	const LEGS = 10;
	const legs = { sameProcess: [], acrossSequential: [], acrossConcurrent: [] };

	test('every copy is acknowledged: 10 legs × 5 sequential copies to one process, 10 × 5 alternating, 10 × 4 at the same instant (2 per process)', async () => {
		for (let i = 0; i < LEGS; i++) {
			const cdr = leg('same', i);
			legs.sameProcess.push(cdr.ivruniqueid);
			for (let c = 0; c < 5; c++) await send(stack.webhookUrls[0], cdr);
		}
		for (let i = 0; i < LEGS; i++) {
			const cdr = leg('seq', i);
			legs.acrossSequential.push(cdr.ivruniqueid);
			for (let c = 0; c < 5; c++) await send(stack.webhookUrl(c), cdr);
		}
		for (let i = 0; i < LEGS; i++) {
			const cdr = leg('conc', i);
			legs.acrossConcurrent.push(cdr.ivruniqueid);
			await Promise.all([0, 1, 2, 3].map((c) => send(stack.webhookUrl(c), cdr)));
		}
	});

	test('executions per call leg: measured, then held against CDR_AT_MOST_ONCE_PER', async () => {
		await settledExecutions(db, wf.id, { min: 3 * LEGS, stablePolls: 8 });
		const outputs = await nodeOutputs(db, wf.id, 'CDR');
		const perLeg = new Map();
		for (const o of outputs) for (const item of o.items) perLeg.set(item.ivruniqueid, (perLeg.get(item.ivruniqueid) ?? 0) + 1);
		placesOf(outputs.map((o) => o.id));
		const report = {};
		const failures = [];
		for (const [scenario, ids] of Object.entries(legs)) {
			const counts = ids.map((id) => perLeg.get(id) ?? 0);
			const histogram = {};
			for (const c of counts) histogram[c] = (histogram[c] ?? 0) + 1;
			report[scenario] = { legs: ids.length, executions: counts.reduce((a, b) => a + b, 0), legsWithNExecutions: histogram };
			const processes = scenario === 'sameProcess' ? 1 : stack.webhookUrls.length;
			const [min, max] = [1, CDR_AT_MOST_ONCE_PER === 'cluster' ? 1 : processes];
			counts.forEach((c, i) => {
				if (c < min || c > max) failures.push(`${scenario}: leg ${ids[i]} ran ${c}× (expected ${min}..${max}, at most once per ${CDR_AT_MOST_ONCE_PER})`);
			});
		}
		console.log(`# [e2e-queue] CDR executions per call leg: ${JSON.stringify(report)}`);
		assert.deepEqual(failures, [], `CDR guarantee (at most once per ${CDR_AT_MOST_ONCE_PER}) broken:\n${failures.slice(0, 10).join('\n')}`);
	});
});

describe("CDR example 4's log in queue mode: the upsert on legKey keeps one row per call leg", () => {
	test("5 copies of each of 4 abandoned legs, alternating webhook processes, each running on a worker (the trigger's de-duplication off): 20 executions, 4 rows", async () => {
		// Example 4's trigger and its log node as they are in the file; only de-duplication is off
		// here, so every copy runs and the upsert alone has to keep one row per leg.
		const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', '4-abandoned-call-alert.json'), 'utf8'));
		const trigger = example.nodes.find((x) => x.type === 'n8n-nodes-voicenter.voicenterCdrTrigger');
		const log = example.nodes.find((x) => x.name === 'Log the call (upsert on legKey)');
		assert.ok(trigger && log, 'example 4 has the CDR Trigger and the upsert log node');
		const webhookId = uuid();
		const wf = await createActive(stack, {
			name: 'Queue E2E: example 4 log, every copy runs',
			nodes: [
				{ ...trigger, id: uuid(), webhookId, parameters: { ...trigger.parameters, dedupe: false } },
				{ ...log, id: uuid() },
			],
			connections: chain(trigger.name, log.name),
		});
		const legs = [0, 1, 2, 3].map((i) => ({
			...stack.simModule.CDR_IVR_QUEUE,
			ivruniqueid: `q-upsert-${i}-${uuid().slice(0, 8)}`,
			status: 'ABANDONE',
			duration: 0,
			seconds_waiting_in_queue: 30 + i,
		}));
		let sent = 0;
		for (let copy = 0; copy < 5; copy++) {
			for (const cdr of legs) {
				const { attempts, acknowledged } = await stack.simModule.sendCdr(`${stack.webhookUrl(sent)}/webhook/${webhookId}/cdr`, cdr, { format: 'json', maxAttempts: 1 });
				assert.equal(acknowledged, true, attempts.map((a) => a.body).join(' | '));
				sent++;
				// One copy at a time: each runs (and upserts) before the next arrives.
				await settledExecutions(db, wf.id, { min: sent, stablePolls: 1 });
			}
		}
		const outputs = await nodeOutputs(db, wf.id, trigger.name);
		assert.equal(outputs.length, 20, 'every copy ran (de-duplication off)');
		assert.deepEqual(outputs.filter((o) => o.status !== 'success').map((o) => `${o.id}: ${o.status}`), [], 'every execution (and its upsert) succeeded');
		placesOf(outputs.map((o) => o.id));
		const legKeys = new Set(outputs.flatMap((o) => o.items.map((item) => item.legKey)));
		assert.equal(legKeys.size, 4, 'the trigger put one legKey per call leg on its items');
		const rows = (await stack.client.dataTableRows('Voicenter abandoned calls')).filter((r) => legKeys.has(r.legKey));
		console.log(`# [e2e-queue] example 4 log: ${outputs.length} executions of 4 legs → ${rows.length} rows`);
		assert.deepEqual(
			rows.map((r) => [r.legKey, r.ivruniqueid, r.secondsWaiting]).sort(),
			[...legKeys].map((k) => {
				const item = outputs.flatMap((o) => o.items).find((i) => i.legKey === k);
				return [k, item.ivruniqueid, item.seconds_waiting_in_queue];
			}).sort(),
			'one row per call leg',
		);
	});
});

describe('Realtime Trigger in queue mode: runs on the leader main only', () => {
	test('one live socket for the whole cluster; each pushed event reaches one socket and runs exactly one execution, started by the main', async () => {
		const rt = stack.realtime;
		assert.ok(rt, 'the simulator has the Real Time API attached');
		rt.reset();
		const cred = await stack.client.upsertCredential({ name: 'Voicenter Realtime (simulator)', type: 'voicenterRealtimeApi', data: rt.credentials('token') });
		const trigger = node('Realtime', 'n8n-nodes-voicenter.voicenterRealtimeTrigger', 1, { events: ['extension.NEWCALL'], extensions: '', queues: '', options: {} }, {
			credentials: { voicenterRealtimeApi: { id: cred.id, name: cred.name } },
		});
		const wf = await createActive(stack, { name: 'Queue E2E: realtime', nodes: [trigger, node('Event', 'n8n-nodes-base.noOp', 1, {})], connections: chain('Realtime', 'Event') });
		const liveAuthenticated = () => rt.connections.filter((c) => c.authenticated && c.closedAt === undefined);
		const deadline = Date.now() + 60000;
		while (liveAuthenticated().length < 1) {
			if (Date.now() > deadline) throw new Error(`no authenticated realtime connection: ${JSON.stringify(rt.connections)}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		const call = (ivrid) => {
			const c = { callStarted: 1606908123, callername: 'Test Voicenter', callerphone: '0501234567', callstatus: 'Ringing', direction: 'Incoming', ivrid, did: '0722776772' };
			return { data: { eventName: 'extension', reason: 'NEWCALL', servertime: 1606908124, servertimeoffset: 120, userID: 7654321, userName: 'Clark Kent', number: 1234567, extenUser: 'SIPSIP1', calls: [c], currentCall: c } };
		};
		for (let i = 1; i <= 3; i++) {
			const receivers = rt.pushEvent('ExtensionEvent', call(`rt-queue-${i}`));
			assert.equal(receivers, 1, 'exactly one authenticated socket received the event');
		}
		const rows = await settledExecutions(db, wf.id, { min: 3, stablePolls: 8 });
		const byProcess = placesOf(rows.map((r) => r.id));
		const logins = rt.logins.filter((l) => l.ok).length;
		console.log(`# [e2e-queue] Realtime: ${rt.connections.length} connection(s) opened, ${logins} login(s), ${rows.length} executions for 3 events, ${JSON.stringify(byProcess)}`);
		assert.equal(rows.length, 3, 'one execution per event, not one per process');
		// Reconnections of the one trigger (a slow machine missing a ping) would add connections
		// over time, but never two at once: every event above reached exactly one socket.
		assert.equal(liveAuthenticated().length, 1, 'one live socket for the cluster (the leader main)');
		assert.ok(logins >= 1 && logins <= rt.connections.length, `logins ${logins} ≤ connections ${rt.connections.length}`);
		const { enqueuedBy } = executionPlaces(stack);
		for (const r of rows) assert.equal(enqueuedBy.get(r.id), 'main', `execution ${r.id} started by the main`);
		await stack.client.deactivateWorkflow(wf.id);
	});

	test('Call Log Trigger (example 3): polls run on the main only; every new call is emitted once, not once per process', { timeout: 6 * 60 * 1000 }, async () => {
		const TRIGGER = 'New calls in the Call Log';
		const wf = stack.workflows['3-cdr-sync.json'];
		assert.ok(wf?.active, 'example 3 (Call Log Trigger) was imported active');
		// The stack's simulator adds a call every few seconds (its growing call log). n8n refuses
		// one cron firing more often than every minute, but accepts several Custom entries with a
		// fixed second each: poll every 15 s to keep this test short.
		const current = await stack.client.getWorkflow(wf.id);
		const trigger = current.nodes.find((x) => x.name === TRIGGER);
		trigger.parameters.pollTimes = { item: [0, 15, 30, 45].map((sec) => ({ mode: 'custom', cronExpression: `${sec} * * * * *` })) };
		await stack.client.updateWorkflow(wf.id, { nodes: current.nodes, connections: current.connections, versionId: current.versionId });
		await stack.client.activateWorkflow(wf.id);
		const before = (await executionRows(db, wf.id)).length;
		// Wait for polls that emitted (an execution per poll that found new calls), by count.
		const deadline = Date.now() + 4 * 60 * 1000;
		while ((await executionRows(db, wf.id)).length < before + 3) {
			if (Date.now() > deadline) throw new Error('the Call Log Trigger started fewer than 3 executions in 4 minutes');
			await new Promise((r) => setTimeout(r, 1000));
		}
		await stack.client.deactivateWorkflow(wf.id);
		const rows = await settledExecutions(db, wf.id, { min: before + 3 });
		const outputs = await nodeOutputs(db, wf.id, TRIGGER);
		const seen = new Map();
		for (const o of outputs) for (const item of o.items) seen.set(item.CallID, (seen.get(item.CallID) ?? 0) + 1);
		const twice = [...seen].filter(([, count]) => count > 1);
		const { enqueuedBy } = executionPlaces(stack);
		const places = {};
		for (const r of rows) places[enqueuedBy.get(r.id) ?? 'unlogged'] = (places[enqueuedBy.get(r.id) ?? 'unlogged'] ?? 0) + 1;
		console.log(`# [e2e-queue] Call Log Trigger: ${rows.length} executions, ${seen.size} calls emitted, ${twice.length} twice, enqueued by ${JSON.stringify(places)}`);
		assert.ok(seen.size >= 3, `new calls were emitted (${seen.size})`);
		assert.deepEqual(twice, [], 'no call emitted twice (a poller on a second process would emit every call again)');
		for (const r of rows) assert.equal(enqueuedBy.get(r.id), 'main', `execution ${r.id} started by the main (the leader runs the pollers)`);
		placesOf(rows.map((r) => r.id));
	});
});

describe('action nodes run on workers unchanged', () => {
	test('Dialer → Campaign Call → Add in bulk (Webhook trigger): 1,200 leads → AddCallsBulk 500 + 500 + 200, one result per lead', async () => {
		const SMART = 'SIMCAMPAIGNSMART00000000000002';
		const webhookPath = `queue-dialer-${uuid().slice(0, 8)}`;
		const wf = await createActive(stack, {
			name: 'Queue E2E: dialer bulk',
			nodes: [
				node('Leads', 'n8n-nodes-base.webhook', 2.1, { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', options: {} }, { webhookId: uuid() }),
				node('One item per lead', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.leads', options: {} }),
				node('Add to campaign', 'n8n-nodes-voicenter.voicenter', 1, {
					resource: 'campaignCall',
					operation: 'add',
					campaign: { __rl: true, mode: 'id', value: SMART },
					target: '={{ $json.phone }}',
					batchSize: 500,
				}, { credentials: { voicenterApi: { id: stack.credentials.voicenterApi.id, name: stack.credentials.voicenterApi.name } } }),
			],
			connections: chain('Leads', 'One item per lead', 'Add to campaign'),
		});
		const leads = Array.from({ length: 1200 }, (_, i) => ({ phone: String(972500000000 + i) }));
		const before = stack.sim.requestsTo('api').length;
		const res = await fetch(`${stack.webhookUrls[1]}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ leads }) });
		const text = await res.text();
		assert.equal(res.status, 200, text.slice(0, 500));
		const requests = stack.sim.requestsTo('api').slice(before).filter((r) => r.path.startsWith('/ForwardDialer/Dialer/'));
		assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), Array(3).fill('POST /ForwardDialer/Dialer/AddCallsBulk'));
		assert.deepEqual(requests.map((r) => r.body.length), [500, 500, 200]);
		assert.deepEqual(requests.flatMap((r) => r.body.map((t) => t.Target)), leads.map((l) => l.phone));
		assert.ok(requests.every((r) => r.body.every((t) => t.Campaign === SMART)));
		for (const r of requests) assert.ok(!r.url.includes('SIM-ACCOUNT-CODE'), 'the account code is not in the URL');
		const rows = await settledExecutions(db, wf.id, { min: 1 });
		assert.equal(rows.length, 1);
		assert.equal(rows[0].status, 'success');
		const [out] = await nodeOutputs(db, wf.id, 'Add to campaign');
		assert.equal(out.items.length, 1200);
		assert.ok(out.items.every((it, i) => it.Target === leads[i].phone && it.ErrorCode === 0), 'one OK result per lead, in order');
		const { byWebhook, byWorker } = placesOf([rows[0].id]);
		assert.deepEqual(byWebhook, { 'webhook-2': 1 });
		console.log(`# [e2e-queue] Dialer bulk: ${requests.length} AddCallsBulk requests, ran on ${Object.keys(byWorker)}`);
	});

	test('Call Log → Search, Return All (manual run through the REST API, offloaded to a worker): every call once, paged', async () => {
		const nowS = Math.floor(Date.now() / 1000);
		const fromIso = new Date((nowS - 4 * 86400) * 1000).toISOString();
		// Up to the end of the seeded log: the calls the stack's growing call log adds while the
		// suite runs (for the Call Log Trigger) are dated later, so the range holds exactly the 500.
		const toIso = new Date(stack.simModule.callLogSettings(stack.sim).toEpoch * 1000).toISOString();
		const wf = await stack.client.createWorkflow({
			name: 'Queue E2E: call log return all',
			nodes: [
				node('Run', 'n8n-nodes-base.manualTrigger', 1, {}),
				node('All calls', 'n8n-nodes-voicenter.voicenter', 1, { resource: 'callLog', operation: 'search', fromDate: fromIso, toDate: toIso, returnAll: true }, {
					credentials: { voicenterApi: { id: stack.credentials.voicenterApi.id, name: stack.credentials.voicenterApi.name } },
				}),
			],
			connections: chain('Run', 'All calls'),
		});
		const before = stack.sim.requestsTo('api').length;
		const executionId = await stack.client.runManually(wf.id, 'Run');
		const done = await stack.client.waitForExecution(executionId, { timeoutMs: 180000 });
		assert.equal(done.status, 'success', JSON.stringify(done.data?.resultData?.error ?? {}).slice(0, 500));
		const items = done.data.resultData.runData['All calls'][0].data.main[0].map((i) => i.json);
		const requests = stack.sim.requestsTo('api').slice(before).filter((r) => r.path.startsWith('/hub/cdr'));
		assert.equal(items.length, 500, 'all 500 calls of the simulated log');
		const ids = new Set(items.map((i) => i.CallID));
		assert.equal(ids.size, 500, 'every call once');
		assert.ok(requests.length >= 5, `Return All paged (${requests.length} requests of at most 100 rows)`);
		for (const r of requests) {
			assert.ok(!String(r.url).includes('SIM-ACCOUNT-CODE'), 'the account code is not in the URL');
			assert.equal(r.body?.code, 'SIM-ACCOUNT-CODE-0001');
		}
		const { ranOn } = executionPlaces(stack);
		assert.ok(stack.queue.workers.some((w) => w.name === ranOn.get(String(executionId))), `manual execution ${executionId} ran on a worker (${ranOn.get(String(executionId))})`);
		console.log(`# [e2e-queue] Call Log Return All: ${items.length} calls in ${requests.length} requests, on ${ranOn.get(String(executionId))}`);
	});
});
