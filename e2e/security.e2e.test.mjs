/**
 * E2E (issue #12): secrets stay secret and faults stay short, in the real n8n 2.40.7 with the
 * packed package, against the simulator — counts and saved data read from n8n itself (REST API,
 * its SQLite database, its log).
 *
 *  - echo mode: every error answer of the simulator repeats the request, account code included;
 *    the code is then in no saved execution (REST and database), no workflow, not in n8n's log;
 *  - a host that never answers fails the execution at the node's Timeout;
 *  - the webhook secret as a credential: wrong / missing → 401 and no execution; the secret is
 *    in no workflow JSON and no saved execution; a typeVersion 1 workflow with the old plain
 *    parameter still works;
 *  - what n8n itself answers before any node runs (wrong method, absurd Content-Length,
 *    invalid gzip, an oversized body), next to what the node answers (README "What n8n answers
 *    before the node runs").
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { ROOT, startStack } from '../scripts/n8n/stack.mjs';

const ACCOUNT_CODE = 'SIM-ACCOUNT-CODE-0001';
const WEBHOOK_SECRET = `wh-${crypto.randomBytes(12).toString('hex')}`;
const LEGACY_SECRET = `legacy-${crypto.randomBytes(8).toString('hex')}`;
const PKG = 'n8n-nodes-voicenter';

let stack;

before(
	async () => {
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'e2e-security-home'),
			fresh: true,
			examples: false,
			// debug: the most n8n ever writes to its log
			env: { N8N_LOG_LEVEL: 'debug' },
			// a loaded machine boots n8n slowly
			readyTimeoutMs: 600000,
			log: (line) => console.log(`# [security] ${line}`),
		});
	},
	{ timeout: 30 * 60 * 1000 },
);

after(async () => {
	await stack?.stop();
});

const manual = { id: 'm', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const link = (...names) => {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
};

function voicenterNode(name, parameters, extra = {}) {
	return {
		id: crypto.randomUUID(),
		name,
		type: `${PKG}.voicenter`,
		typeVersion: 1,
		position: [300, 0],
		parameters,
		credentials: { voicenterApi: { id: stack.credentials.voicenterApi.id, name: stack.credentials.voicenterApi.name } },
		...extra,
	};
}

async function runManual(name, node) {
	const wf = await stack.client.createWorkflow({ name, nodes: [manual, node], connections: link('Manual Trigger', node.name) });
	const executionId = await stack.client.runManually(wf.id, 'Manual Trigger');
	const execution = await stack.client.waitForExecution(executionId);
	const raw = (await stack.client.request('GET', `/rest/executions/${executionId}`)).raw;
	return { wf, execution, raw };
}

/** Every file n8n keeps in its user folder (database, WAL, binary data…), the package excluded. */
function filesContaining(dir, needle) {
	const hits = [];
	const walk = (d) => {
		for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, entry.name);
			if (entry.isDirectory()) {
				if (entry.name === 'nodes' || entry.name === 'node_modules') continue;
				walk(p);
			} else if (entry.isFile() && fs.readFileSync(p).includes(Buffer.from(needle))) hits.push(path.relative(dir, p));
		}
	};
	walk(dir);
	return hits;
}

function n8nLog() {
	return fs.readFileSync(stack.n8n.logFile, 'utf8');
}

/** Sends raw bytes over TCP and reads the status line of the answer (n8n closes or answers). */
function rawHttp(url, head, body = Buffer.alloc(0)) {
	const u = new URL(url);
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(u.port), u.hostname === 'localhost' ? '127.0.0.1' : u.hostname);
		let data = '';
		socket.on('data', (c) => (data += c.toString('latin1')));
		socket.on('error', (e) => (data ? resolve(parse(data)) : reject(e)));
		socket.on('close', () => resolve(parse(data)));
		socket.on('connect', () => {
			socket.write(`${head.replace('PATH', u.pathname + u.search)}\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`);
			socket.write(body);
			// half-close: no more body will come, whatever Content-Length promised
			socket.end();
		});
	});
	function parse(text) {
		const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
		const split = text.indexOf('\r\n\r\n');
		return { status, body: split >= 0 ? text.slice(split + 4) : '' };
	}
}

describe('the account code is redacted everywhere (echoing simulator)', () => {
	test('failing items with Continue On Fail, a failing node, a hanging host: no code in executions, database or log', async () => {
		stack.sim.reset();
		stack.sim.echoRequests = true;
		const c2c = { resource: 'click2Call', operation: 'call', phone: '0501234567', target: '0000000000' };
		const cof = await runManual('security: echo, continue on fail', voicenterNode('Voicenter', c2c, { onError: 'continueRegularOutput' }));
		const stopped = await runManual('security: echo, node error', voicenterNode('Voicenter', c2c));
		const callLog = await runManual(
			'security: echo, call log',
			voicenterNode('Voicenter', { resource: 'callLog', operation: 'search', fromDate: '2020-01-01T00:00:00Z', toDate: '2020-01-02T00:00:00Z', limit: 5 }, { onError: 'continueRegularOutput' }),
		);
		stack.sim.echoRequests = false;
		// the simulator really echoed the code
		assert.ok(stack.sim.requests.length >= 3);
		assert.ok(stack.sim.requests.every((r) => r.rawBody.includes(ACCOUNT_CODE)));

		assert.equal(cof.execution.status, 'success');
		const cofItem = cof.execution.data.resultData.runData.Voicenter[0].data.main[0][0].json;
		assert.match(cofItem.error, /^Voicenter: Application error \[request .*\*\*\*.*\] \(code 2\)$/);
		assert.equal(stopped.execution.status, 'error');
		assert.match(stopped.execution.data.resultData.error.message, /Application error .*\*\*\*/);
		for (const r of [cof, stopped, callLog]) {
			assert.ok(!r.raw.includes(ACCOUNT_CODE), `execution ${r.execution.id} (REST) has no account code`);
			const wfRaw = (await stack.client.request('GET', `/rest/workflows/${r.wf.id}`)).raw;
			assert.ok(!wfRaw.includes(ACCOUNT_CODE), 'workflow JSON has no account code');
		}
		assert.deepEqual(filesContaining(path.join(stack.userFolder, '.n8n'), ACCOUNT_CODE), [], 'n8n stores the code nowhere in clear');
		assert.ok(n8nLog().includes(String(stopped.execution.id)) || n8nLog().length > 0);
		assert.ok(!n8nLog().includes(ACCOUNT_CODE), "n8n's log has no account code");
	});

	test('a host that accepts and never answers fails the execution at the node Timeout', async () => {
		stack.sim.reset();
		const hang = stack.sim.addFault({ path: '/comet/API/GetExtensionsCalls', action: 'hang' });
		const t0 = Date.now();
		const { execution } = await runManual(
			'security: hanging host',
			voicenterNode('Voicenter', { resource: 'activeCall', operation: 'getExtensionCalls', requestOptions: { timeout: 2 } }),
		);
		const seconds = (Date.now() - t0) / 1000;
		console.log(`# [security] hanging host: execution ${execution.status} after ${seconds.toFixed(1)} s (Timeout 2 s)`);
		assert.equal(hang.hits, 1);
		assert.equal(execution.status, 'error');
		assert.equal(execution.data.resultData.error.message, 'Voicenter did not answer within 2 s (the active calls request)');
		stack.sim.clearFaults();
	});
});

describe('webhook secret as a credential', () => {
	let cred;
	const wfs = {};

	async function cdrWorkflow(name, parameters, { credentials, typeVersion = 1 } = {}) {
		const webhookId = crypto.randomUUID();
		const trigger = {
			id: crypto.randomUUID(),
			name: 'CDR',
			type: `${PKG}.voicenterCdrTrigger`,
			typeVersion,
			position: [0, 0],
			webhookId,
			parameters,
			...(credentials ? { credentials } : {}),
		};
		const noop = { id: crypto.randomUUID(), name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} };
		const wf = await stack.client.createWorkflow({ name, nodes: [trigger, noop], connections: link('CDR', 'NoOp') });
		await stack.client.activateWorkflow(wf.id);
		return { ...wf, url: `${stack.url}/webhook/${webhookId}/cdr` };
	}

	const cdr = (ivruniqueid) => ({
		caller: '0501234567',
		target: '0722776772',
		ivruniqueid,
		type: 'Outgoing Call',
		status: 'ANSWER',
		duration: 30,
		time: 1767261600,
	});
	const post = (url, body, headers = {}) =>
		fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

	async function executions(wfId, minimum = 0) {
		for (let i = 0; i < 100; i++) {
			const list = await stack.client.listExecutions(wfId);
			if (list.length >= minimum && list.every((e) => !['new', 'running'].includes(e.status))) return list;
			await new Promise((r) => setTimeout(r, 100));
		}
		return await stack.client.listExecutions(wfId);
	}

	before(async () => {
		cred = await stack.client.upsertCredential({
			name: 'Voicenter webhook secret',
			type: 'voicenterWebhookApi',
			data: { location: 'query', name: 'key', secret: WEBHOOK_SECRET },
		});
		wfs.cred = await cdrWorkflow('security: CDR with secret credential', { authentication: 'webhookSecret' }, {
			credentials: { voicenterWebhookApi: { id: cred.id, name: cred.name } },
		});
		wfs.legacy = await cdrWorkflow('security: CDR v1 with the old secret parameter', {
			secretLocation: 'query',
			keyName: 'key',
			secret: LEGACY_SECRET,
		});
	});

	test('wrong or missing secret → 401, nothing executed; the right one runs', async () => {
		for (const url of [wfs.cred.url, `${wfs.cred.url}?key=wrong`, `${wfs.cred.url}?key=${LEGACY_SECRET}`]) {
			const res = await post(url, cdr(`refused-${crypto.randomUUID()}`));
			assert.equal(res.status, 401, url);
			assert.deepEqual(await res.json(), { err: 2, errdesc: 'Unauthorized: missing or wrong secret' });
		}
		assert.equal((await executions(wfs.cred.id)).length, 0, 'n8n saved no execution for refused requests');
		const ok = await post(`${wfs.cred.url}?key=${WEBHOOK_SECRET}`, cdr('accepted-1'));
		assert.equal(ok.status, 200);
		assert.deepEqual(await ok.json(), { err: 0, errdesc: 'OK' });
		const list = await executions(wfs.cred.id, 1);
		assert.equal(list.length, 1);
		const raw = (await stack.client.request('GET', `/rest/executions/${list[0].id}`)).raw;
		assert.ok(raw.includes('accepted-1'), 'the execution holds the CDR');
		assert.ok(!raw.includes(WEBHOOK_SECRET), 'the saved execution has no secret');
	});

	test('the secret is in no workflow JSON, no saved execution, no file of n8n, not in its log', async () => {
		const wfRaw = (await stack.client.request('GET', `/rest/workflows/${wfs.cred.id}`)).raw;
		assert.ok(!wfRaw.includes(WEBHOOK_SECRET));
		const all = (await stack.client.request('GET', '/rest/executions?limit=100')).raw;
		assert.ok(!all.includes(WEBHOOK_SECRET));
		assert.deepEqual(filesContaining(path.join(stack.userFolder, '.n8n'), WEBHOOK_SECRET), []);
		assert.ok(!n8nLog().includes(WEBHOOK_SECRET), "n8n's log has no webhook secret");
	});

	test('an old workflow (typeVersion 1, secret as a node parameter) still works', async () => {
		const bad = await post(`${wfs.legacy.url}?key=wrong`, cdr('legacy-refused'));
		assert.equal(bad.status, 401);
		const ok = await post(`${wfs.legacy.url}?key=${LEGACY_SECRET}`, cdr('legacy-accepted'));
		assert.equal(ok.status, 200);
		const list = await executions(wfs.legacy.id, 1);
		assert.equal(list.length, 1);
	});
});

describe('what n8n answers before the node runs', () => {
	const observed = {};
	let screenPopUrl;
	let cdrUrl;
	let cdrWorkflowId;

	before(async () => {
		const mk = async (type, suffix, parameters = {}) => {
			const webhookId = crypto.randomUUID();
			const trigger = { id: crypto.randomUUID(), name: 'T', type: `${PKG}.${type}`, typeVersion: 1, position: [0, 0], webhookId, parameters };
			const noop = { id: crypto.randomUUID(), name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} };
			const wf = await stack.client.createWorkflow({ name: `security: ${type}`, nodes: [trigger, noop], connections: link('T', 'NoOp') });
			await stack.client.activateWorkflow(wf.id);
			return { url: `${stack.url}/webhook/${webhookId}/${suffix}`, id: wf.id };
		};
		({ url: screenPopUrl } = await mk('voicenterScreenPopTrigger', 'screen-pop'));
		({ url: cdrUrl, id: cdrWorkflowId } = await mk('voicenterCdrTrigger', 'cdr'));
	});

	after(() => {
		console.log(`# [security] n8n's own answers: ${JSON.stringify(observed)}`);
	});

	const short = (text) => String(text).replace(/\s+/g, ' ').slice(0, 160);

	test('wrong methods on the screen-pop URL: n8n answers 404 (only GET and POST are registered)', async () => {
		for (const method of ['PUT', 'DELETE', 'PATCH', 'HEAD']) {
			const res = await fetch(screenPopUrl, { method });
			observed[`screenPop ${method}`] = [res.status, short(await res.text())];
		}
		for (const method of ['PUT', 'DELETE', 'PATCH', 'HEAD']) assert.equal(observed[`screenPop ${method}`][0], 404, method);
		assert.match(observed['screenPop PUT'][1], /is not registered/);
	});

	test('an absurd Content-Length → 400, invalid gzip → 500, over 16 MB → 500 (n8n); 300 KB → 413 (the node)', async () => {
		const absurd = await rawHttp(cdrUrl, 'POST PATH HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 99999999999', Buffer.from('{}'));
		observed['cdr Content-Length 99999999999'] = [absurd.status, short(absurd.body)];
		const gzip = await fetch(cdrUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'this is not gzip' });
		observed['cdr invalid gzip'] = [gzip.status, short(await gzip.text())];
		const good = zlib.gzipSync(JSON.stringify({ caller: '0501234567', target: '0722776772', ivruniqueid: 'gz-1', type: 'Outgoing Call', status: 'ANSWER', duration: 5, time: 1767261600 }));
		const gz = await fetch(cdrUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: good });
		observed['cdr valid gzip'] = [gz.status, short(await gz.text())];
		const broken = await fetch(cdrUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"caller": ' });
		observed['cdr invalid JSON'] = [broken.status, short(await broken.text())];
		// 300 KB: n8n passes it on, the node refuses it (its own limit is 256 KB)
		const big = JSON.stringify({ caller: '0501234567', ivruniqueid: 'big', type: 'Outgoing Call', CUSTOM_DATA: 'x'.repeat(300 * 1024) });
		const large = await fetch(cdrUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
		observed['cdr 300 KB'] = [large.status, short(await large.text())];
		// 17 MB: over n8n's N8N_PAYLOAD_SIZE_MAX (16 MB by default)
		const huge = await fetch(cdrUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(17 * 1024 * 1024) }) });
		observed['cdr 17 MB'] = [huge.status, short(await huge.text())];
		assert.deepEqual(observed['cdr valid gzip'], [200, '{"err":0,"errdesc":"OK"}']);
		assert.deepEqual(observed['cdr 300 KB'], [413, '{"err":1,"errdesc":"Parse error: Request body too large"}']);
		assert.equal(observed['cdr Content-Length 99999999999'][0], 400);
		assert.equal(observed['cdr invalid gzip'][0], 500);
		assert.equal(observed['cdr invalid JSON'][0], 422);
		assert.match(observed['cdr invalid JSON'][1], /Failed to parse request body/);
		assert.equal(observed['cdr 17 MB'][0], 500);
		// only the valid gzip CDR started an execution
		let list = [];
		for (let i = 0; i < 100; i++) {
			list = await stack.client.listExecutions(cdrWorkflowId);
			if (list.length >= 1 && list.every((e) => !['new', 'running'].includes(e.status))) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		assert.equal(list.length, 1, `executions: ${JSON.stringify(list.map((e) => e.status))}`);
	});
});
