#!/usr/bin/env node
/**
 * Benchmark in a real n8n: our IVR Trigger + Voicenter Respond against n8n's plain Webhook +
 * Respond to Webhook answering the same JSON (round trip, median and p99 at 20 concurrent
 * callers), and our CDR Trigger against the plain Webhook node (CDRs per second). Both sides
 * run in the same n8n, in the same run, interleaved, so the machine's load hits both alike.
 *
 *   npm run bench:e2e                                   # defaults: 600 IVR calls per side, 800 CDRs per side
 *   npm run bench:e2e -- --ivr 1000 --cdr 2000 --concurrency 20
 *
 * It prints figures and ratios; it asserts nothing about time (the e2e suite runs it small).
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ROOT, startStack } from './stack.mjs';

const IVR_ANSWER = { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 12, CALLER_NAME: null, CUSTOM_DATA: null };
const CDR_ACK = { err: 0, errdesc: 'OK' };

const node = (name, type, typeVersion, parameters, position, extra = {}) => ({
	id: `bench-${name.replace(/\W+/g, '-').toLowerCase()}`,
	name,
	type,
	typeVersion,
	parameters,
	position,
	...extra,
});
const link = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

export const BENCH_WORKFLOWS = {
	ivrOurs: {
		name: 'Bench: Voicenter IVR Trigger + Respond',
		nodes: [
			node('IVR', 'n8n-nodes-voicenter.voicenterIvrTrigger', 1, { fallbackLayer: 1, timeoutSeconds: 10, layerIds: '' }, [0, 0], {
				webhookId: 'bench000-0000-4000-8000-000000000001',
			}),
			node('Respond', 'n8n-nodes-voicenter.voicenterRespond', 1, { respondTo: 'ivr', action: 'goToLayer', layer: 12, ivrOptions: {} }, [240, 0]),
		],
		connections: link('IVR', 'Respond'),
		path: '/webhook/bench000-0000-4000-8000-000000000001/ivr',
	},
	ivrPlain: {
		name: 'Bench: plain Webhook + Respond to Webhook (IVR JSON)',
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2.1, { httpMethod: 'POST', path: 'bench-ivr-plain', responseMode: 'responseNode', options: {} }, [0, 0], {
				webhookId: 'bench000-0000-4000-8000-000000000002',
			}),
			node(
				'Respond to Webhook',
				'n8n-nodes-base.respondToWebhook',
				1.5,
				{ respondWith: 'json', responseBody: JSON.stringify(IVR_ANSWER), options: {} },
				[240, 0],
			),
		],
		connections: link('Webhook', 'Respond to Webhook'),
		path: '/webhook/bench-ivr-plain',
	},
	cdrOurs: {
		name: 'Bench: Voicenter CDR Trigger',
		nodes: [
			node('CDR', 'n8n-nodes-voicenter.voicenterCdrTrigger', 1, { callTypes: [], statuses: [], minDuration: 0, dedupe: true }, [0, 0], {
				webhookId: 'bench000-0000-4000-8000-000000000003',
			}),
			node('Done', 'n8n-nodes-base.noOp', 1, {}, [240, 0]),
		],
		connections: link('CDR', 'Done'),
		path: '/webhook/bench000-0000-4000-8000-000000000003/cdr',
	},
	cdrPlain: {
		name: 'Bench: plain Webhook (CDR)',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2.1,
				{ httpMethod: 'POST', path: 'bench-cdr-plain', responseMode: 'onReceived', options: { responseData: JSON.stringify(CDR_ACK) } },
				[0, 0],
				{ webhookId: 'bench000-0000-4000-8000-000000000004' },
			),
			node('Done', 'n8n-nodes-base.noOp', 1, {}, [240, 0]),
		],
		connections: link('Webhook', 'Done'),
		path: '/webhook/bench-cdr-plain',
	},
};

function ivrBody(i) {
	return JSON.stringify({
		METHOD: 'IVR_LAYER_INPUT',
		DATA: { DID: '0722776772', CALLER_ID: `05${String(10000000 + i).slice(-8)}`, IVR_UNIQUE_ID: `bench-ivr-${i}`, DTMF: '0', LAYER_ID: 5, PREVIOUS_LAYER_ID: 5 },
	});
}

function cdrBody(tag, i) {
	return JSON.stringify({
		caller: '0501234567',
		target: '972722776772',
		time: 1595960350 + i,
		duration: 11,
		ivruniqueid: `bench-${tag}-${i}-${Date.now()}`,
		type: 'Extension Outgoing',
		status: 'ANSWER',
		callerextension: 'SIPSIP1',
		queueid: 0,
		price: 0,
		dialtime: 2,
		DepartmentID: 12345678,
	});
}

function post(agent, url, body) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const t0 = process.hrtime.bigint();
		const req = http.request(
			{ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** count requests from `concurrency` parallel callers, each sending one after the other. */
async function load({ url, count, concurrency, body, check }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies = [];
	let wrong = 0;
	let next = 0;
	const t0 = Date.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (;;) {
				const i = next++;
				if (i >= count) return;
				const r = await post(agent, url, body(i));
				latencies.push(r.ms);
				if (!check(r)) wrong++;
			}
		}),
	);
	const wallMs = Date.now() - t0;
	agent.destroy();
	return { latencies, wrong, wallMs };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

function summarize(latencies) {
	const s = [...latencies].sort((a, b) => a - b);
	return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99), max: s[s.length - 1] };
}

const isJson = (expected) => (r) => {
	try {
		return r.status === 200 && JSON.stringify(JSON.parse(r.text)) === JSON.stringify(expected);
	} catch {
		return false;
	}
};

async function executionCount(client, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const r = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`);
	return r.body?.count ?? 0;
}

async function waitForExecutions(client, workflowId, expected, timeoutMs = 600000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const n = await executionCount(client, workflowId);
		if (n >= expected) return n;
		if (Date.now() > deadline) return n;
		await new Promise((r) => setTimeout(r, 200));
	}
}

/**
 * Runs the benchmark against a running stack. Returns the figures; prints them with `print`.
 */
export async function runBenchmark(stack, { ivrCalls = 600, cdrs = 800, concurrency = 20, warmup = 40, print = console.log } = {}) {
	const ids = {};
	for (const [key, wf] of Object.entries(BENCH_WORKFLOWS)) {
		const saved = await stack.client.upsertWorkflow({ name: wf.name, nodes: wf.nodes, connections: wf.connections });
		await stack.client.activateWorkflow(saved.id);
		ids[key] = saved.id;
	}
	const url = (key) => `${stack.url}${BENCH_WORKFLOWS[key].path}`;
	const ivr = { ivrOurs: [], ivrPlain: [] };
	const wrong = { ivrOurs: 0, ivrPlain: 0, cdrOurs: 0, cdrPlain: 0 };

	// IVR round trip: warm both up, then interleave halves (ours, plain, ours, plain).
	for (const key of ['ivrOurs', 'ivrPlain']) {
		await load({ url: url(key), count: warmup, concurrency, body: ivrBody, check: () => true });
	}
	const half = Math.ceil(ivrCalls / 2);
	for (let round = 0; round < 2; round++) {
		for (const key of ['ivrOurs', 'ivrPlain']) {
			const r = await load({ url: url(key), count: half, concurrency, body: (i) => ivrBody(round * half + i), check: isJson(IVR_ANSWER) });
			ivr[key].push(...r.latencies);
			wrong[key] += r.wrong;
		}
	}
	const ours = summarize(ivr.ivrOurs);
	const plain = summarize(ivr.ivrPlain);

	// CDR throughput: acknowledged CDRs per second, and executions finished per second.
	const cdr = {};
	for (const [key, tag] of [
		['cdrPlain', 'plain'],
		['cdrOurs', 'ours'],
	]) {
		await load({ url: url(key), count: warmup, concurrency, body: (i) => cdrBody(`${tag}-warm`, i), check: () => true });
		const before = await waitForExecutions(stack.client, ids[key], warmup);
		const t0 = Date.now();
		const r = await load({ url: url(key), count: cdrs, concurrency, body: (i) => cdrBody(tag, i), check: isJson(CDR_ACK) });
		const done = await waitForExecutions(stack.client, ids[key], before + cdrs);
		const allMs = Date.now() - t0;
		wrong[key] += r.wrong;
		cdr[key] = {
			acked: cdrs,
			ackPerSecond: cdrs / (r.wallMs / 1000),
			executions: done - before,
			executedPerSecond: (done - before) / (allMs / 1000),
			latency: summarize(r.latencies),
		};
	}

	const f = (n) => n.toFixed(1);
	const lines = [
		`IVR round trip, ${concurrency} concurrent callers (${ours.n} calls per side):`,
		`  Voicenter IVR Trigger + Respond:         median ${f(ours.median)} ms   p99 ${f(ours.p99)} ms   max ${f(ours.max)} ms   wrong answers ${wrong.ivrOurs}`,
		`  plain Webhook + Respond to Webhook:      median ${f(plain.median)} ms   p99 ${f(plain.p99)} ms   max ${f(plain.max)} ms   wrong answers ${wrong.ivrPlain}`,
		`  ratio ours/plain:                        median ${(ours.median / plain.median).toFixed(2)}x   p99 ${(ours.p99 / plain.p99).toFixed(2)}x`,
		`CDR throughput, ${concurrency} concurrent senders (${cdrs} CDRs per side):`,
		`  Voicenter CDR Trigger:   ${f(cdr.cdrOurs.ackPerSecond)} acks/s (ack median ${f(cdr.cdrOurs.latency.median)} ms, p99 ${f(cdr.cdrOurs.latency.p99)} ms), ${f(cdr.cdrOurs.executedPerSecond)} executions/s (${cdr.cdrOurs.executions} run)   wrong acks ${wrong.cdrOurs}`,
		`  plain Webhook:           ${f(cdr.cdrPlain.ackPerSecond)} acks/s (ack median ${f(cdr.cdrPlain.latency.median)} ms, p99 ${f(cdr.cdrPlain.latency.p99)} ms), ${f(cdr.cdrPlain.executedPerSecond)} executions/s (${cdr.cdrPlain.executions} run)   wrong acks ${wrong.cdrPlain}`,
		`  ratio ours/plain:        acks/s ${(cdr.cdrOurs.ackPerSecond / cdr.cdrPlain.ackPerSecond).toFixed(2)}x   executions/s ${(cdr.cdrOurs.executedPerSecond / cdr.cdrPlain.executedPerSecond).toFixed(2)}x`,
	];
	for (const l of lines) print(l);
	return { ivr: { ours, plain }, cdr, wrong, concurrency };
}

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	const stack = await startStack({ userFolder: path.join(ROOT, '.cache', 'bench-home'), fresh: true, examples: false });
	try {
		const r = await runBenchmark(stack, {
			ivrCalls: arg('ivr', 600),
			cdrs: arg('cdr', 800),
			concurrency: arg('concurrency', 20),
		});
		const wrong = Object.values(r.wrong).reduce((a, b) => a + b, 0);
		if (wrong) {
			console.error(`${wrong} wrong answers`);
			process.exitCode = 1;
		}
	} finally {
		await stack.stop();
	}
}
