#!/usr/bin/env node
/**
 * Benchmark in a real n8n: the Voicenter IVR Trigger and Screen Pop Trigger (each + Voicenter
 * Respond) against n8n's own Webhook node (Respond: Using 'Respond to Webhook' Node) + Respond to
 * Webhook answering the same JSON. 20 callers at once, each sending one request after the other.
 * Per side: median and p99 round trip, and CPU of the n8n process per request (/proc/<pid>/stat,
 * counted until n8n has finished every execution of the side, so the work after the answer is
 * in). Same n8n, same run, sides interleaved (the order flips every round), >= 3 rounds; the
 * ratios ours/plain come first, as the median of the per-round ratios with their spread.
 *
 * Each n8n setting gets its own n8n process (settings are read at start):
 *   default  n8n's defaults (an expression isolate acquired eagerly for every execution, and for
 *            the webhook phase of every trigger except n8n's own Webhook node)
 *   lazy     N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (an isolate only when an expression runs)
 *   legacy   N8N_EXPRESSION_ENGINE=legacy (no isolates at all: expressions run unsandboxed)
 *   nosave   EXECUTIONS_DATA_SAVE_ON_SUCCESS=none (successful executions are not written)
 *   lazy+nosave  both
 *
 *   npm run bench:e2e                                        # default and lazy, 150 calls per side per round, 3 rounds
 *   npm run bench:e2e -- --settings default,lazy,legacy,nosave,lazy+nosave --calls 200 --rounds 5
 *   npm run bench:e2e -- --with-v1                           # also the IVR Trigger at typeVersion 1
 *
 * It prints figures and ratios; it asserts nothing about time (the e2e suite runs it small).
 * The CDR benchmark is scripts/n8n/bench-cdr.mjs.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ROOT, startStack } from './stack.mjs';

export const SETTINGS = {
	default: {},
	lazy: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
	nosave: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' },
	'lazy+nosave': { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' },
};

const PKG = 'n8n-nodes-voicenter';
const IVR_ANSWER = { STATUS: 0, ACTION: 'GO_TO_LAYER', LAYER: 12, CALLER_NAME: null, CUSTOM_DATA: null };
const POP_ANSWER = {
	STATUS: 'OK',
	URL: 'https://crm.example.com/contacts/1001',
	CLIENTNAME: 'Dana Levi',
	TOTAL: 1,
};
const EXTENSION_ORIGIN = 'chrome-extension://ifiaikfdhcagbagdeflffjdammidpbio';

const node = (name, type, typeVersion, parameters, extra = {}) => ({
	id: `bench-${name.replace(/\W+/g, '-').toLowerCase()}`,
	name,
	type,
	typeVersion,
	parameters,
	position: [0, 0],
	...extra,
});
const link = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

const ivrOurs = (version, webhookId) => ({
	name: `Bench: Voicenter IVR Trigger ${version} + Respond`,
	kind: 'ivr',
	nodes: [
		node(
			'IVR',
			`${PKG}.voicenterIvrTrigger`,
			version,
			{ fallbackLayer: 1, timeoutSeconds: 30, layerIds: '' },
			{ webhookId },
		),
		node('Respond', `${PKG}.voicenterRespond`, 1, {
			respondTo: 'ivr',
			action: 'goToLayer',
			layer: 12,
			ivrOptions: {},
		}),
	],
	connections: link('IVR', 'Respond'),
	path: `/webhook/${webhookId}/ivr`,
});

const plain = (kind, httpMethod, pathName, answer, webhookId) => ({
	name: `Bench: plain Webhook + Respond to Webhook (${kind})`,
	kind,
	nodes: [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2.1,
			{ httpMethod, path: pathName, responseMode: 'responseNode', options: {} },
			{ webhookId },
		),
		node('Respond to Webhook', 'n8n-nodes-base.respondToWebhook', 1.5, {
			respondWith: 'json',
			responseBody: JSON.stringify(answer),
			options: {},
		}),
	],
	connections: link('Webhook', 'Respond to Webhook'),
	path: `/webhook/${pathName}`,
});

export const BENCH_WORKFLOWS = {
	ivrOurs: ivrOurs(1.1, 'bench000-0000-4000-8000-000000000011'),
	ivrPlain: plain('ivr', 'POST', 'bench-ivr-plain', IVR_ANSWER, 'bench000-0000-4000-8000-000000000002'),
	popOurs: {
		name: 'Bench: Voicenter Screen Pop Trigger 1.1 + Respond',
		kind: 'pop',
		nodes: [
			node(
				'Screen Pop',
				`${PKG}.voicenterScreenPopTrigger`,
				1.1,
				{ timeoutSeconds: 30 },
				{ webhookId: 'bench000-0000-4000-8000-000000000021' },
			),
			node('Respond', `${PKG}.voicenterRespond`, 1, {
				respondTo: 'screenPop',
				contactFound: true,
				url: POP_ANSWER.URL,
				clientName: POP_ANSWER.CLIENTNAME,
				total: 1,
			}),
		],
		connections: link('Screen Pop', 'Respond'),
		path: '/webhook/bench000-0000-4000-8000-000000000021/screen-pop',
	},
	popPlain: plain('pop', 'GET', 'bench-pop-plain', POP_ANSWER, 'bench000-0000-4000-8000-000000000022'),
	ivrOursV1: ivrOurs(1, 'bench000-0000-4000-8000-000000000001'),
};

const PAIRS = [
	{ label: 'IVR', ours: 'ivrOurs', plain: 'ivrPlain' },
	{ label: 'Screen Pop', ours: 'popOurs', plain: 'popPlain' },
];

function ivrBody(i) {
	return JSON.stringify({
		METHOD: 'IVR_LAYER_INPUT',
		DATA: {
			DID: '0722776772',
			CALLER_ID: `05${String(10000000 + (i % 90000000)).slice(-8)}`,
			IVR_UNIQUE_ID: `bench-ivr-${i}`,
			DTMF: '0',
			LAYER_ID: 5,
			PREVIOUS_LAYER_ID: 5,
		},
	});
}

function request(agent, url, kind, i) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const t0 = process.hrtime.bigint();
		const isIvr = kind === 'ivr';
		const body = isIvr ? ivrBody(i) : undefined;
		const query = isIvr
			? ''
			: `?phone=0501234567&ivrid=bench-pop-${i}&extenUser=SIPSIP1&did=0722776773&statusCall=Ringing`;
		const req = http.request(
			{
				agent,
				host: u.hostname,
				port: u.port,
				path: u.pathname + query,
				method: isIvr ? 'POST' : 'GET',
				headers: isIvr
					? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
					: { origin: EXTENSION_ORIGIN },
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode,
						text: Buffer.concat(chunks).toString('utf8'),
						ms: Number(process.hrtime.bigint() - t0) / 1e6,
					}),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** `count` requests from `concurrency` parallel callers, each sending one after the other. */
export async function load({ url, kind, count, concurrency, offset, expected }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies = [];
	let wrong = 0;
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (;;) {
				const i = next++;
				if (i >= count) return;
				const r = await request(agent, url, kind, offset + i);
				latencies.push(r.ms);
				let ok = false;
				try {
					ok =
						r.status === 200 &&
						(!expected || JSON.stringify(JSON.parse(r.text)) === JSON.stringify(expected));
				} catch {
					ok = false;
				}
				if (!ok) wrong++;
			}
		}),
	);
	agent.destroy();
	return { latencies, wrong };
}

/** CPU seconds (user + system) of a process so far. */
export function cpuSeconds(pid) {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

const quantile = (sorted, q) =>
	sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

function summarize(latencies) {
	const s = [...latencies].sort((a, b) => a - b);
	return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99) };
}

async function finishedExecutions(client, workflowId) {
	const filter = encodeURIComponent(
		JSON.stringify({ workflowId, status: ['success', 'error', 'crashed', 'canceled'] }),
	);
	const r = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`);
	return r.body?.count ?? 0;
}

/** Waits until n8n reports `expected` finished executions (when executions are saved), at most 2 minutes. */
export async function waitForExecutions(client, workflowId, expected, saved) {
	if (!saved) {
		await new Promise((r) => setTimeout(r, 300));
		return;
	}
	const deadline = Date.now() + 120000;
	while ((await finishedExecutions(client, workflowId)) < expected && Date.now() < deadline)
		await new Promise((r) => setTimeout(r, 200));
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs the benchmark against a running stack (one n8n setting). Returns the figures; prints
 * them with `print`.
 */
export async function runBenchmark(
	stack,
	{
		calls = 150,
		rounds = 3,
		concurrency = 20,
		warmup = 40,
		withV1 = false,
		setting = 'default',
		saved = true,
		print = console.log,
	} = {},
) {
	const pid = stack.n8n.process.pid;
	const pairs = withV1 ? [...PAIRS, { label: 'IVR 1.1 vs 1.0', ours: 'ivrOurs', plain: 'ivrOursV1' }] : PAIRS;
	const keys = [...new Set(pairs.flatMap((p) => [p.ours, p.plain]))];
	const ids = {};
	for (const key of keys) {
		const wf = BENCH_WORKFLOWS[key];
		const stored = await stack.client.upsertWorkflow({
			name: wf.name,
			nodes: wf.nodes,
			connections: wf.connections,
		});
		await stack.client.activateWorkflow(stored.id);
		ids[key] = stored.id;
	}
	const url = (key) => `${stack.url}${BENCH_WORKFLOWS[key].path}`;
	const expectedFor = (key) => (BENCH_WORKFLOWS[key].kind === 'ivr' ? IVR_ANSWER : POP_ANSWER);
	const done = Object.fromEntries(keys.map((k) => [k, 0]));
	const wrong = Object.fromEntries(keys.map((k) => [k, 0]));
	for (const key of keys) {
		await load({ url: url(key), kind: BENCH_WORKFLOWS[key].kind, count: warmup, concurrency, offset: 0 });
		done[key] += warmup;
		await waitForExecutions(stack.client, ids[key], done[key], saved);
	}
	const perRound = Object.fromEntries(keys.map((k) => [k, []]));
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? keys : [...keys].reverse();
		for (const key of order) {
			const cpu0 = cpuSeconds(pid);
			const r = await load({
				url: url(key),
				kind: BENCH_WORKFLOWS[key].kind,
				count: calls,
				concurrency,
				offset: warmup + round * calls,
				expected: expectedFor(key),
			});
			done[key] += calls;
			await waitForExecutions(stack.client, ids[key], done[key], saved);
			const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / calls;
			wrong[key] += r.wrong;
			perRound[key].push({ ...summarize(r.latencies), cpuMs });
		}
	}
	const f = (n, d = 1) => n.toFixed(d);
	const spread = (xs) => `${f(median(xs), 2)}x [${f(Math.min(...xs), 2)}–${f(Math.max(...xs), 2)}]`;
	const ratios = {};
	print(
		`n8n setting "${setting}" ${JSON.stringify(SETTINGS[setting] ?? {})}: ${concurrency} callers at once, ${rounds} rounds x ${calls} calls per side, interleaved`,
	);
	for (const p of pairs) {
		const r = (m) => perRound[p.ours].map((x, i) => x[m] / perRound[p.plain][i][m]);
		ratios[p.label] = { median: r('median'), p99: r('p99'), cpu: r('cpuMs') };
		print(
			`  ${p.label} ours/plain:  median ${spread(ratios[p.label].median)}   p99 ${spread(ratios[p.label].p99)}   CPU/request ${spread(ratios[p.label].cpu)}`,
		);
	}
	for (const key of keys) {
		const rs = perRound[key];
		print(
			`    ${BENCH_WORKFLOWS[key].name.padEnd(58)} median ${rs.map((x) => f(x.median)).join(' / ')} ms   p99 ${rs.map((x) => f(x.p99)).join(' / ')} ms   CPU ${rs.map((x) => f(x.cpuMs)).join(' / ')} ms/request   wrong ${wrong[key]}`,
		);
	}
	return { setting, ratios, perRound, wrong, concurrency };
}

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	const settings = String(arg('settings', 'default,lazy')).split(',');
	for (const s of settings)
		if (!(s in SETTINGS)) throw new Error(`unknown setting ${s}; known: ${Object.keys(SETTINGS).join(', ')}`);
	let wrongTotal = 0;
	const summary = [];
	for (const [i, setting] of settings.entries()) {
		const stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'bench-home'),
			fresh: true,
			examples: false,
			skipBuild: i > 0,
			env: SETTINGS[setting],
		});
		const onSignal = () => void stack.stop().finally(() => process.exit(130));
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
		try {
			const r = await runBenchmark(stack, {
				calls: Number(arg('calls', 150)),
				rounds: Number(arg('rounds', 3)),
				concurrency: Number(arg('concurrency', 20)),
				withV1: process.argv.includes('--with-v1'),
				setting,
				saved: SETTINGS[setting].EXECUTIONS_DATA_SAVE_ON_SUCCESS !== 'none',
			});
			wrongTotal += Object.values(r.wrong).reduce((a, b) => a + b, 0);
			summary.push(r);
		} finally {
			process.removeListener('SIGINT', onSignal);
			process.removeListener('SIGTERM', onSignal);
			await stack.stop();
		}
	}
	console.log('\nSummary (ours/plain, median of rounds [min–max]):');
	for (const r of summary)
		for (const [label, x] of Object.entries(r.ratios))
			console.log(
				`  ${r.setting.padEnd(12)} ${label.padEnd(16)} median ${median(x.median).toFixed(2)}x [${Math.min(...x.median).toFixed(2)}–${Math.max(...x.median).toFixed(2)}]  p99 ${median(x.p99).toFixed(2)}x [${Math.min(...x.p99).toFixed(2)}–${Math.max(...x.p99).toFixed(2)}]  CPU ${median(x.cpu).toFixed(2)}x [${Math.min(...x.cpu).toFixed(2)}–${Math.max(...x.cpu).toFixed(2)}]`,
			);
	if (wrongTotal) {
		console.error(`${wrongTotal} wrong answers`);
		process.exitCode = 1;
	}
}
