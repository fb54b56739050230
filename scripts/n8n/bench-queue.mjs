#!/usr/bin/env node
/**
 * Queue-mode scaling benchmark (`npm run bench:queue`): CDR executions/s and IVR round trip
 * (median, p99) on
 *   single   the `npm start` stack: one n8n process, SQLite, executions in the main
 *   queue×1  the queue-mode stack (scripts/n8n/queue.mjs) with 1 worker
 *   queue×2  the same stack with 2 workers
 * all on this machine, in the same run: both stacks stay up, the sides are interleaved (the
 * order rotates every round), ≥ 3 rounds, and each figure is printed with its spread
 * (median of the rounds [min–max]). Ratios first. Worker count is switched by stopping /
 * starting worker-2 between sides (stack.queue.setWorkers).
 *
 *   npm run bench:queue
 *   npm run bench:queue -- --rounds 5 --cdr 300 --ivr 60 --concurrency 20
 *
 * Requests go to the webhook processes' own ports, alternating (queue), or to the single n8n.
 * Executions are counted by n8n's REST API (finished = status success). It asserts nothing
 * about time: it prints figures, and fails only on wrong answers.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cdrBody as benchCdrBody, post } from './bench-cdr.mjs';
import { startQueueStack } from './queue.mjs';
import { ROOT, startStack } from './stack.mjs';

const IVR_ANSWER = { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 12 };
const CDR_ACK = { err: 0, errdesc: 'OK' };

const node = (name, type, typeVersion, parameters, position, extra = {}) => ({
	id: `benchq-${name.replace(/\W+/g, '-').toLowerCase()}`,
	name,
	type,
	typeVersion,
	parameters,
	position,
	...extra,
});
const link = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

const WORKFLOWS = {
	ivr: {
		name: 'Bench queue: IVR Trigger + Respond',
		nodes: [
			node('IVR', 'n8n-nodes-voicenter.voicenterIvrTrigger', 1, { fallbackLayer: 1, timeoutSeconds: 30, layerIds: '' }, [0, 0], {
				webhookId: 'benchq00-0000-4000-8000-000000000001',
			}),
			node('Respond', 'n8n-nodes-voicenter.voicenterRespond', 1, { respondTo: 'ivr', action: 'goToLayer', layer: 12, ivrOptions: {} }, [240, 0]),
		],
		connections: link('IVR', 'Respond'),
		path: '/webhook/benchq00-0000-4000-8000-000000000001/ivr',
	},
	cdr: {
		name: 'Bench queue: CDR Trigger',
		nodes: [
			node('CDR', 'n8n-nodes-voicenter.voicenterCdrTrigger', 1, { callTypes: [], statuses: [], minDuration: 0, dedupe: true }, [0, 0], {
				webhookId: 'benchq00-0000-4000-8000-000000000002',
			}),
			node('Done', 'n8n-nodes-base.noOp', 1, {}, [240, 0]),
		],
		connections: link('CDR', 'Done'),
		path: '/webhook/benchq00-0000-4000-8000-000000000002/cdr',
	},
};

let seq = 0;
const ivrBody = () => {
	const i = seq++;
	return JSON.stringify({
		METHOD: 'IVR_LAYER_INPUT',
		DATA: { DID: '0722776772', CALLER_ID: `05${String(10000000 + i).slice(-8)}`, IVR_UNIQUE_ID: `benchq-ivr-${i}-${Date.now()}`, DTMF: '0', LAYER_ID: 5, PREVIOUS_LAYER_ID: 5 },
	});
};
const cdrBody = () => benchCdrBody(`q${Date.now()}`, seq++);

/** `count` requests from `concurrency` callers; request i goes to urls[i % urls.length]. */
async function load({ urls, count, concurrency, body, check }) {
	const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: concurrency }));
	const latencies = [];
	let wrong = 0;
	let next = 0;
	const t0 = Date.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (;;) {
				const i = next++;
				if (i >= count) return;
				const k = i % urls.length;
				const r = await post(agents[k], urls[k], body());
				latencies.push(r.ms);
				if (!check(r)) wrong++;
			}
		}),
	);
	for (const a of agents) a.destroy();
	return { latencies, wrong, wallMs: Date.now() - t0 };
}

const isJson = (expected) => (r) => {
	try {
		const j = JSON.parse(r.text);
		return r.status === 200 && Object.entries(expected).every(([k, v]) => j[k] === v);
	} catch {
		return false;
	}
};

const quantile = (values, q) => {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

async function successCount(client, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['success'] }));
	const r = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`);
	return r.body?.count ?? 0;
}

async function waitForSuccess(client, workflowId, expected, timeoutMs = 120000) {
	const deadline = Date.now() + timeoutMs;
	let n = 0;
	for (;;) {
		try {
			n = await successCount(client, workflowId);
		} catch (e) {
			// An overloaded single-process n8n answers 503 "Database is not ready" while its SQLite
			// health ping times out; ask again.
			if (!/→ 503/.test(e.message)) throw e;
		}
		if (n >= expected || Date.now() > deadline) return n;
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** One side: { label, client, urls(), before() }. */
async function measure(side, ids, { cdrs, ivrCalls, concurrency, ivrConcurrency }) {
	if (side.before) await side.before();
	const urls = (p) => side.bases().map((b) => `${b}${p}`);
	// Warm-up: a few of each, not counted.
	await load({ urls: urls(WORKFLOWS.ivr.path), count: 10, concurrency: 2, body: ivrBody, check: () => true });
	await load({ urls: urls(WORKFLOWS.cdr.path), count: 10, concurrency: 2, body: cdrBody, check: () => true });
	const cdrBase = await waitForSuccess(side.client, ids[side.key].cdr, (side.cdrDone ?? 0) + 10);
	// CDR: acknowledged at `concurrency`; executions/s = finished executions / (first send → last finished).
	const t0 = Date.now();
	const c = await load({ urls: urls(WORKFLOWS.cdr.path), count: cdrs, concurrency, body: cdrBody, check: isJson(CDR_ACK) });
	const done = await waitForSuccess(side.client, ids[side.key].cdr, cdrBase + cdrs);
	const cdrMs = Date.now() - t0;
	side.cdrDone = done;
	// IVR round trip at `ivrConcurrency` callers.
	const v = await load({ urls: urls(WORKFLOWS.ivr.path), count: ivrCalls, concurrency: ivrConcurrency, body: ivrBody, check: isJson(IVR_ANSWER) });
	return {
		cdrPerSecond: (done - cdrBase) / (cdrMs / 1000),
		cdrExecuted: done - cdrBase,
		ackPerSecond: cdrs / (c.wallMs / 1000),
		ivrMedian: quantile(v.latencies, 0.5),
		ivrP99: quantile(v.latencies, 0.99),
		wrong: c.wrong + v.wrong + (done - cdrBase < cdrs ? cdrs - (done - cdrBase) : 0),
	};
}

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
	const opts = {
		rounds: arg('rounds', 3),
		cdrs: arg('cdr', 200),
		ivrCalls: arg('ivr', 60),
		concurrency: arg('concurrency', 20),
		ivrConcurrency: arg('ivr-concurrency', 10),
	};
	const log = (l) => console.log(`[bench:queue] ${l}`);
	log(`starting the single-process stack and the queue-mode stack (2 webhook processes, 2 workers)…`);
	const single = await startStack({ userFolder: path.join(ROOT, '.cache', 'bench-queue-single'), fresh: true, examples: false, log });
	let queue;
	try {
		queue = await startQueueStack({ home: path.join(ROOT, '.cache', 'bench-queue-home'), examples: false, skipBuild: true, realtime: false, log });
		const ids = {};
		for (const [key, stack] of [
			['single', single],
			['queue', queue],
		]) {
			ids[key] = {};
			for (const [k, wf] of Object.entries(WORKFLOWS)) {
				const saved = await stack.client.upsertWorkflow({ name: wf.name, nodes: wf.nodes, connections: wf.connections });
				await stack.client.activateWorkflow(saved.id);
				ids[key][k] = saved.id;
			}
		}
		const sides = [
			{ label: 'single', key: 'single', client: single.client, bases: () => [single.url] },
			{ label: 'queue×1', key: 'queue', client: queue.client, bases: () => queue.webhookUrls, before: () => queue.queue.setWorkers(1) },
			{ label: 'queue×2', key: 'queue', client: queue.client, bases: () => queue.webhookUrls, before: () => queue.queue.setWorkers(2) },
		];
		const results = Object.fromEntries(sides.map((s) => [s.label, []]));
		for (let round = 0; round < opts.rounds; round++) {
			// Rotate the order each round so no side always runs first (or right after a worker restart).
			const order = sides.map((_, i) => sides[(i + round) % sides.length]);
			for (const side of order) {
				const r = await measure(side, ids, opts);
				results[side.label].push(r);
				log(
					`round ${round + 1} ${side.label.padEnd(8)} CDR ${r.cdrPerSecond.toFixed(1)} executions/s (${r.cdrExecuted} run, acks ${r.ackPerSecond.toFixed(1)}/s)   IVR median ${r.ivrMedian.toFixed(0)} ms p99 ${r.ivrP99.toFixed(0)} ms   wrong ${r.wrong}`,
				);
			}
		}
		const stat = (label, f) => {
			const v = results[label].map(f).sort((a, b) => a - b);
			return { med: v[Math.floor(v.length / 2)], min: v[0], max: v[v.length - 1] };
		};
		const ratio = (a, b, f) => {
			const v = results[a].map((r, i) => f(r) / f(results[b][i])).sort((x, y) => x - y);
			return `${v[Math.floor(v.length / 2)].toFixed(2)}× [${v[0].toFixed(2)}–${v[v.length - 1].toFixed(2)}]`;
		};
		const cdr = (r) => r.cdrPerSecond;
		const med = (r) => r.ivrMedian;
		const p99 = (r) => r.ivrP99;
		const fmt = (s, d = 1) => `${s.med.toFixed(d)} [${s.min.toFixed(d)}–${s.max.toFixed(d)}]`;
		const lines = [
			'',
			`Queue-mode scaling, ${opts.rounds} rounds interleaved, ${opts.cdrs} CDRs at ${opts.concurrency} concurrent senders and ${opts.ivrCalls} IVR calls at ${opts.ivrConcurrency} concurrent callers per side and round; median of the per-round ratios [min–max]:`,
			`  CDR executions/s   queue×1 / single ${ratio('queue×1', 'single', cdr)}   queue×2 / single ${ratio('queue×2', 'single', cdr)}   queue×2 / queue×1 ${ratio('queue×2', 'queue×1', cdr)}`,
			`  IVR median         queue×1 / single ${ratio('queue×1', 'single', med)}   queue×2 / single ${ratio('queue×2', 'single', med)}   queue×2 / queue×1 ${ratio('queue×2', 'queue×1', med)}`,
			`  IVR p99            queue×1 / single ${ratio('queue×1', 'single', p99)}   queue×2 / single ${ratio('queue×2', 'single', p99)}   queue×2 / queue×1 ${ratio('queue×2', 'queue×1', p99)}`,
			'Absolute (median of rounds [min–max]; this machine, noisy):',
			...sides.map(
				(s) =>
					`  ${s.label.padEnd(8)} CDR ${fmt(stat(s.label, cdr))} executions/s   IVR median ${fmt(stat(s.label, med), 0)} ms   p99 ${fmt(stat(s.label, p99), 0)} ms`,
			),
		];
		console.log(lines.join('\n'));
		const wrong = Object.values(results).flat().reduce((a, r) => a + r.wrong, 0);
		if (wrong) {
			console.error(`${wrong} wrong answers or missing executions`);
			process.exitCode = 1;
		}
	} finally {
		await queue?.stop();
		await single.stop();
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	main().catch((e) => {
		console.error(e.stack ?? e.message);
		process.exit(1);
	});
}
