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

import { ROOT, startStack } from '../scripts/n8n/stack.mjs';
import { postJson, shippedCredentialTypes, shippedNodeTypes } from './helpers.mjs';

/** Node types a user must find in n8n (a node silently dropped from package.json fails here too). */
const EXPECTED_NODE_TYPES = ['n8n-nodes-voicenter.voicenter'];

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

	test('the five example workflows are imported; the webhook ones are active', async () => {
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
