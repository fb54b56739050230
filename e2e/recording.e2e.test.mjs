/**
 * End-to-end, recordings and agent status in a real n8n (pinned 2.40.7) against the simulator:
 *  - the editor's node types list Recording → Download and Agent → Set Status;
 *  - example 6 (answered call's CDR → Download → folder) writes the recording, byte for byte,
 *    streamed into n8n's filesystem binary store (one small, one 5 MB recording);
 *  - Agent → Set Status runs in a manual workflow and the simulator's Active Calls shows it.
 * Counts and results are read from n8n's executions (REST API) and the files it wrote.
 *
 *   npm run test:e2e   (or: node --test e2e/recording.e2e.test.mjs)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, startStack } from '../scripts/n8n/stack.mjs';
import { assertCdrAck, postJson } from './helpers.mjs';

const CDR_PATH = '/webhook/6f0c2c0e-0006-4a00-8000-0000000000a1/cdr';
const EXAMPLE = '6-recordings-to-folder.json';

let stack;

before(
	async () => {
		const t0 = Date.now();
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'e2e-recording-home'),
			fresh: true,
			log: (line) => console.log(`# [e2e-recording] ${line}`),
		});
		console.log(`# [e2e-recording] stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	},
	{ timeout: 30 * 60 * 1000 },
);

after(async () => {
	await stack?.stop();
});

async function executionsOf(workflowId) {
	const list = await stack.client.listExecutions(workflowId);
	return Array.isArray(list) ? list : (list.results ?? []);
}

async function until(what, fn, { timeoutMs = 60000, detail = () => '' } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${detail()}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('recordings and agent status in n8n', () => {
	test("the editor lists Recording → Download and Agent → Set Status (n8n's node types)", async () => {
		const types = await stack.client.nodeTypes();
		const voicenter = types.find((t) => t.name === 'n8n-nodes-voicenter.voicenter');
		assert.ok(voicenter, 'the Voicenter node is listed');
		const resource = voicenter.properties.find((p) => p.name === 'resource');
		assert.ok(resource.options.some((o) => o.value === 'agent' && o.name === 'Agent'));
		const operations = voicenter.properties.filter((p) => p.name === 'operation');
		const of = (r) => operations.find((p) => p.displayOptions?.show?.resource?.includes(r));
		assert.deepEqual(
			of('recording').options.find((o) => o.value === 'download')?.action,
			'Download a recording',
		);
		assert.deepEqual(of('agent').options.map((o) => [o.value, o.action]), [['setStatus', 'Set the status of an agent']]);
		const status = voicenter.properties.find((p) => p.name === 'status' && p.displayOptions?.show?.resource?.includes('agent'));
		assert.deepEqual(
			status.options.map((o) => o.value).sort((a, b) => a - b),
			[1, 2, 3, 5, 7, 9, 11, 12, 13],
		);
		assert.equal(voicenter.usableAsTool, true);
	});

	test('example 6: an answered call\'s recording lands in the folder, byte for byte (small and 5 MB)', async () => {
		const wf = stack.workflows[EXAMPLE];
		assert.ok(wf?.active, 'example 6 is imported and active');
		const s = stack.simModule.callLogSettings(stack.sim);
		const recorded = stack.simModule
			.generateCdrs(Number(stack.sim.options.seed ?? 1), s.totalCdrs, s.fromEpoch, s.toEpoch)
			.find((c) => c.RecordExpect === true);
		const calls = [
			{ id: recorded.CallID, url: `${stack.sim.url}/cpanel/CallsHistory/PlayRecord/${recorded.CallID}-aws.mp3` },
			{ id: 'SIMLARGE-5MB-e2e', url: `${stack.sim.url}/cpanel/CallsHistory/PlayRecord/SIMLARGE-5MB-e2e-aws.mp3` },
		];
		const before = (await executionsOf(wf.id)).length;
		const base = { caller: '0501234567', target: 'SIPSIP1', time: Math.floor(Date.now() / 1000), type: 'Incoming Call', did: '0722776772' };
		for (const c of calls) {
			const res = await postJson(`${stack.url}${CDR_PATH}`, { ...base, ivruniqueid: c.id, status: 'ANSWER', duration: 42, record: c.url });
			assertCdrAck(res);
		}
		// an unanswered call does not start the workflow; an answered one without a recording writes nothing
		assertCdrAck(await postJson(`${stack.url}${CDR_PATH}`, { ...base, ivruniqueid: 'e2e-noanswer', status: 'NOANSWER', duration: 0, record: '' }));
		assertCdrAck(await postJson(`${stack.url}${CDR_PATH}`, { ...base, ivruniqueid: 'e2e-norecord', status: 'ANSWER', duration: 12, record: '' }));
		let seen = [];
		const done = await until(
			'three finished executions',
			async () => {
				const all = await executionsOf(wf.id);
				const list = all.slice(0, Math.max(0, all.length - before));
				seen = list.map((e) => `${e.id}:${e.status}`);
				return list.length >= 3 && list.every((e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status)) ? list : undefined;
			},
			{ timeoutMs: 90000, detail: () => `executions: ${seen.join(', ') || 'none'}` },
		);
		assert.equal(done.length, 3, 'the NOANSWER CDR did not start the workflow');
		for (const e of done) assert.equal(e.status, 'success', `execution ${e.id} succeeded`);
		for (const c of calls) {
			const file = path.join(stack.filesDir, `recording-${c.id}.mp3`);
			assert.ok(fs.existsSync(file), `${file} was written`);
			const expected = Buffer.from(await (await fetch(c.url)).arrayBuffer());
			const written = fs.readFileSync(file);
			assert.equal(written.length, expected.length, `${c.id} size`);
			assert.ok(written.equals(expected), `${c.id} bytes`);
		}
		assert.equal(fs.existsSync(path.join(stack.filesDir, 'recording-e2e-norecord.mp3')), false);
		// the execution that had no recording shows the flag (from n8n's saved execution)
		const details = await Promise.all(done.map((e) => stack.client.getExecution(e.id)));
		const flags = details.map((d) => d.data.resultData.runData['Download the recording'][0].data.main[0][0].json.recording.hasRecording);
		assert.deepEqual(flags.sort(), [false, true, true]);
	});

	test('Agent → Set Status logs a user into an extension; Active Calls shows it', async () => {
		const cred = stack.credentials.voicenterApi;
		const wf = await stack.client.createWorkflow({
			name: 'e2e: agent status',
			nodes: [
				{ id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'a2',
					name: 'Log Lois into SIPSIP3 (lunch)',
					type: 'n8n-nodes-voicenter.voicenter',
					typeVersion: 1,
					position: [220, 0],
					parameters: { resource: 'agent', operation: 'setStatus', userId: '46454323', extension: 'SIPSIP3', status: 3 },
					credentials: { voicenterApi: { id: cred.id, name: cred.name } },
				},
			],
			connections: { Start: { main: [[{ node: 'Log Lois into SIPSIP3 (lunch)', type: 'main', index: 0 }]] } },
		});
		stack.sim.clearRequests();
		const executionId = await stack.client.runManually(wf.id, 'Start');
		const e = await stack.client.waitForExecution(executionId);
		assert.equal(e.status, 'success', JSON.stringify(e.data?.resultData?.error ?? {}));
		const out = e.data.resultData.runData['Log Lois into SIPSIP3 (lunch)'][0].data.main[0][0].json;
		assert.deepEqual(out, {
			userId: 46454323,
			extension: 'SIPSIP3',
			agentStatus: 3,
			agentStatusName: 'Lunch',
			Status: 1,
			StatusError: 1,
			StatusErroMessage: 'OK',
		});
		const requests = stack.sim.requestsTo('api', '/UserLogin/SetStatusFromAPI');
		assert.equal(requests.length, 1);
		assert.deepEqual(requests[0].body, { Code: 'SIM-ACCOUNT-CODE-0001', UserId: 46454323, ExtensionUser: 'SIPSIP3', Status: 3 });
		const res = await postJson(`${stack.sim.url}/monapisec/comet/API/GetExtensionsCalls`, { code: 'SIM-ACCOUNT-CODE-0001', extension: 'SIPSIP3' });
		assert.equal(res.json.EXTENSIONS[0].onlineUserID, 46454323);
		assert.equal(res.json.EXTENSIONS[0].onlineUserStatus, 3);
	});
});
