#!/usr/bin/env node
/**
 * CDR benchmark in a real n8n: finished executions per second of our CDR Trigger (typeVersion
 * 1.1, re-delivery check on, acknowledged once the execution exists; once with its defaults and
 * once with the legs kept in memory only) against n8n's own Webhook node answering
 * "Immediately" with the same JSON acknowledgement, each followed by a No Op.
 * Same n8n, same run, interleaved (the order alternates every round), ≥ 3 rounds; executions are
 * counted from n8n's REST API (status success), not from the senders, and a round lasts from
 * its first send until n8n's `stoppedAt` of its last execution. Also printed: n8n's CPU time
 * (all threads, /proc) per finished execution. Every wait is bounded: a side that makes no
 * progress for `--stall` seconds ends its round with what finished.
 *
 *   npm run bench:cdr                                  # 3 rounds × 300 CDRs per side, 20 senders
 *   npm run bench:cdr -- --rounds 5 --cdrs 500 --concurrency 20 --stall 30
 *   npm run bench:cdr -- --lazy-isolate     # n8n with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true
 *   npm run bench:cdr -- --lazy-isolate --persist-max 100,5000   # also ours with those dedupePersistMax values
 *   npm run bench:cdr -- --lazy-isolate --persist-max 10 --no-memory-side   # ours, ours at 10 legs, plain
 *   npm run bench:cdr -- --lazy-isolate --postgres   # n8n on the machine's PostgreSQL (started for the run) instead of SQLite
 *
 * Prints the ratio (ours / plain) first, then each side's figures with their spread.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeTempDir, n8nPostgresEnv, startPostgres } from './queue-infra.mjs';
import { ROOT, startStack } from './stack.mjs';

const CDR_ACK = { err: 0, errdesc: 'OK' };

const node = (name, type, typeVersion, parameters, position, extra = {}) => ({
	id: `bench-cdr-${name.replace(/\W+/g, '-').toLowerCase()}`,
	name,
	type,
	typeVersion,
	parameters,
	position,
	...extra,
});
const link = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });

/** Our CDR Trigger 1.1 (with `parameters`) followed by a No Op, at webhook id `webhookId`. */
function oursWorkflow(name, label, parameters, webhookId) {
	return {
		name,
		label,
		nodes: [
			node('CDR', 'n8n-nodes-voicenter.voicenterCdrTrigger', 1.1, parameters, [0, 0], { webhookId }),
			node('Done', 'n8n-nodes-base.noOp', 1, {}, [240, 0]),
		],
		connections: link('CDR', 'Done'),
		path: `/webhook/${webhookId}/cdr`,
	};
}

export const CDR_BENCH_WORKFLOWS = {
	ours: oursWorkflow('Bench CDR: Voicenter CDR Trigger 1.1', 'Voicenter CDR Trigger 1.1', {}, 'benchcdr-0000-4000-8000-000000000001'),
	// The same trigger with "Remembered Across Restarts (Max)" 0: the re-delivery check in memory
	// only, no static-data write per new leg (what the restart-proof form costs).
	oursMemory: oursWorkflow(
		'Bench CDR: Voicenter CDR Trigger 1.1, legs in memory only',
		'… legs in memory only',
		{ dedupePersistMax: 0 },
		'benchcdr-0000-4000-8000-000000000003',
	),
	plain: {
		name: 'Bench CDR: plain Webhook (Respond Immediately)',
		label: 'n8n Webhook, Respond Immediately',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2.1,
				{ httpMethod: 'POST', path: 'bench-cdr-plain', responseMode: 'onReceived', options: { responseData: JSON.stringify(CDR_ACK) } },
				[0, 0],
				{ webhookId: 'benchcdr-0000-4000-8000-000000000002' },
			),
			node('Done', 'n8n-nodes-base.noOp', 1, {}, [240, 0]),
		],
		connections: link('Webhook', 'Done'),
		path: '/webhook/bench-cdr-plain',
	},
};

export function cdrBody(tag, i) {
	return JSON.stringify({
		caller: '0501234567',
		target: '972722776772',
		time: 1595960350 + i,
		duration: 11,
		ivruniqueid: `bench-${tag}-${i}`,
		type: 'Extension Outgoing',
		status: 'ANSWER',
		callerextension: 'SIPSIP1',
		queueid: 0,
		price: 0,
		dialtime: 2,
		DepartmentID: 12345678,
	});
}

/** POSTs a JSON body; resolves with status, text and round trip (status 0 on a network error). */
export function post(agent, url, body) {
	return new Promise((resolve) => {
		const u = new URL(url);
		const t0 = process.hrtime.bigint();
		const req = http.request(
			{ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', timeout: 60000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => resolve({ status: 0, text: String(e.message) }));
		req.end(body);
	});
}

export async function load({ url, count, concurrency, body }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	let wrong = 0;
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (;;) {
				const i = next++;
				if (i >= count) return;
				const r = await post(agent, url, body(i));
				let ok = false;
				try {
					ok = r.status === 200 && JSON.stringify(JSON.parse(r.text)) === JSON.stringify(CDR_ACK);
				} catch {
					ok = false;
				}
				if (!ok) wrong++;
			}
		}),
	);
	agent.destroy();
	return { wrong };
}

/** When the workflow's latest successful execution stopped (epoch ms, from n8n's own records). */
async function lastStoppedAt(client, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['success'] }));
	const r = await client.request('GET', `/rest/executions?filter=${filter}&limit=50`);
	const times = (r.body?.results ?? []).map((e) => Date.parse(e.stoppedAt)).filter(Number.isFinite);
	return times.length ? Math.max(...times) : undefined;
}

async function successCount(client, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['success'] }));
	const r = await client.request('GET', `/rest/executions?filter=${filter}&limit=1`);
	return r.body?.count ?? 0;
}

/** Waits until `target` executions finished, or until nothing finished for `stallMs`. */
async function waitFinished(client, workflowId, target, stallMs) {
	let last = -1;
	let lastChange = Date.now();
	for (;;) {
		const n = await successCount(client, workflowId);
		if (n >= target) return { n, stalled: false };
		if (n !== last) {
			last = n;
			lastChange = Date.now();
		} else if (Date.now() - lastChange > stallMs) return { n, stalled: true };
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** CPU ms (user + system) in one /proc stat line; its name, without trailing digits; its parent pid. */
function statCpu(stat) {
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// fields[1] ppid; utime, stime in clock ticks (USER_HZ 100)
	return {
		name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, ''),
		ppid: Number(fields[1]),
		ms: (Number(fields[11]) + Number(fields[12])) * 10,
	};
}

/** CPU ms (every thread, also those that have ended) the process has used so far; undefined off Linux. */
export function processCpuMs(pid) {
	try {
		return statCpu(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).ms;
	} catch {
		return undefined;
	}
}

/** CPU ms used so far by each kind of thread of the process (main, libuv pool = SQLite, V8 helpers, …). */
export function threadCpuMs(pid) {
	const out = {};
	let tasks = [];
	try {
		tasks = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		return out;
	}
	for (const task of tasks) {
		try {
			const { name, ms } = statCpu(fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'));
			out[name] = (out[name] ?? 0) + ms;
		} catch {
			// the thread ended meanwhile
		}
	}
	return out;
}

/** CPU ms used so far by the process `rootPid` and all its descendants (the PostgreSQL server and its backends). */
export function treeCpuMs(rootPid) {
	const procs = new Map();
	for (const pid of fs.readdirSync('/proc')) {
		if (!/^[0-9]+$/.test(pid)) continue;
		try {
			procs.set(Number(pid), statCpu(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')));
		} catch {
			// the process ended meanwhile
		}
	}
	const inTree = (pid) => {
		for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p)?.ppid ?? 0, hops++) if (p === rootPid) return true;
		return false;
	};
	let ms = 0;
	for (const [pid, stat] of procs) if (inTree(pid)) ms += stat.ms;
	return ms;
}

/** The workflows compared: ours, memory only (unless left out), plain, plus ours at other `dedupePersistMax` values. */
export function benchWorkflows(persistMaxSides = [], { memorySide = true } = {}) {
	const out = Object.fromEntries(Object.entries(CDR_BENCH_WORKFLOWS).filter(([k]) => memorySide || k !== 'oursMemory'));
	for (const n of persistMaxSides) {
		out[`ours${n}`] = oursWorkflow(
			`Bench CDR: Voicenter CDR Trigger 1.1, ${n} legs across restarts`,
			`… ${n} legs across restarts`,
			{ dedupePersistMax: n },
			`benchcdr-0000-4000-8000-${String(100000000000 + n).slice(-12)}`,
		);
	}
	return out;
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs the benchmark against a running stack; returns and prints the figures. */
export async function runCdrBenchmark(stack, { rounds = 3, cdrs = 300, concurrency = 20, warmup = 40, stallSeconds = 30, persistMaxSides = [], noMemorySide = false, postgresPid, print = console.log } = {}) {
	const postgres = postgresPid !== undefined;
	const WORKFLOWS = benchWorkflows(persistMaxSides, { memorySide: !noMemorySide });
	const pid = stack.n8n?.process?.pid;
	const ids = {};
	for (const [key, wf] of Object.entries(WORKFLOWS)) {
		const saved = await stack.client.upsertWorkflow({ name: wf.name, nodes: wf.nodes, connections: wf.connections });
		await stack.client.activateWorkflow(saved.id);
		ids[key] = saved.id;
	}
	const url = (key) => `${stack.url}${WORKFLOWS[key].path}`;
	const keys = Object.keys(WORKFLOWS);
	const perRound = Object.fromEntries(keys.map((k) => [k, []]));
	// n8n's CPU (all threads, incl. SQLite's) per finished execution: steadier than executions/s
	// on a shared machine, and it shows work that a profile of n8n's main thread does not.
	const cpuPerRound = Object.fromEntries(keys.map((k) => [k, []]));
	const threadsPerRound = Object.fromEntries(keys.map((k) => [k, []]));
	// with --postgres: the database's CPU per finished execution as well (it runs outside n8n)
	const pgPerRound = Object.fromEntries(keys.map((k) => [k, []]));
	const wrong = Object.fromEntries(keys.map((k) => [k, 0]));
	const stalls = [];
	const done = {};
	for (const key of keys) {
		await load({ url: url(key), count: warmup, concurrency, body: (i) => cdrBody(`${key}-warm`, i) });
		done[key] = (await waitFinished(stack.client, ids[key], warmup, stallSeconds * 1000)).n;
	}
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 ? [...keys].reverse() : keys;
		for (const key of order) {
			const t0 = Date.now();
			const cpu0 = processCpuMs(pid);
			const threads0 = threadCpuMs(pid);
			const pg0 = postgres ? treeCpuMs(postgresPid) : 0;
			const r = await load({ url: url(key), count: cdrs, concurrency, body: (i) => cdrBody(`${key}-r${round}`, i) });
			const w = await waitFinished(stack.client, ids[key], done[key] + cdrs, stallSeconds * 1000);
			// The round ends when its last execution stopped (n8n's stoppedAt), not when a poll saw it.
			const stopped = w.stalled ? undefined : await lastStoppedAt(stack.client, ids[key]);
			const seconds = ((stopped ?? Date.now() - (w.stalled ? stallSeconds * 1000 : 0)) - t0) / 1000;
			const finished = w.n - done[key];
			const cpu1 = processCpuMs(pid);
			if (cpu0 !== undefined && cpu1 !== undefined && finished > 0) cpuPerRound[key].push((cpu1 - cpu0) / finished);
			const threads1 = threadCpuMs(pid);
			if (postgres && finished > 0) pgPerRound[key].push((treeCpuMs(postgresPid) - pg0) / finished);
			if (finished > 0) threadsPerRound[key].push(Object.fromEntries(Object.entries(threads1).map(([t, ms]) => [t, (ms - (threads0[t] ?? 0)) / finished])));
			done[key] = w.n;
			wrong[key] += r.wrong;
			if (w.stalled) stalls.push(`${key} round ${round + 1}: ${finished} of ${cdrs} finished`);
			perRound[key].push(finished / seconds);
		}
	}
	const ratioOf = (key) => perRound[key].map((x, i) => x / perRound.plain[i]);
	const cpuRatioOf = (key) => cpuPerRound[key].map((x, i) => x / cpuPerRound.plain[i]);
	const ratios = ratioOf('ours');
	const f = (n) => n.toFixed(2);
	const spread = (xs) => (xs.length ? `[${f(Math.min(...xs))}–${f(Math.max(...xs))}]` : '[n/a]');
	const med = (xs) => (xs.length ? f(median(xs)) : 'n/a');
	const label = (key) => WORKFLOWS[key].label;
	const others = keys.filter((k) => k !== 'ours' && k !== 'plain');
	const lines = [
		`CDR executions/s, ours / plain: ${f(median(ratios))}x ${spread(ratios)} (median of ${rounds} interleaved rounds, ${cdrs} CDRs per side per round, ${concurrency} senders)`,
		...others.map((k) => `  ${`${label(k)} / plain:`.padEnd(34)} ${f(median(ratioOf(k)))}x ${spread(ratioOf(k))}`),
		`n8n CPU ms per execution (all threads), ours / plain: ${med(cpuRatioOf('ours'))}x ${spread(cpuRatioOf('ours'))} (lower is cheaper)`,
		...others.map((k) => `  ${`${label(k)} / plain:`.padEnd(34)} ${med(cpuRatioOf(k))}x ${spread(cpuRatioOf(k))}`),
		...keys.map((k) => `  ${`${label(k)}:`.padEnd(36)} ${f(median(perRound[k]))} executions/s ${spread(perRound[k])}   ${med(cpuPerRound[k])} CPU ms/execution ${spread(cpuPerRound[k])}   wrong acks ${wrong[k]}`),
	];
	const threadNames = [...new Set(keys.flatMap((k) => threadsPerRound[k].flatMap(Object.keys)))].filter((t) =>
		keys.some((k) => median(threadsPerRound[k].map((r) => r[t] ?? 0)) >= 0.05),
	);
	if (threadNames.length) {
		lines.push(`  CPU ms per execution by thread (median of rounds): ${keys.join(' · ')}`);
		for (const t of threadNames) lines.push(`    ${t.padEnd(16)} ${keys.map((k) => f(median(threadsPerRound[k].map((r) => r[t] ?? 0)))).join(' · ')}`);
	}
	if (postgres) {
		const both = (k) => cpuPerRound[k].map((x, i) => x + (pgPerRound[k][i] ?? 0));
		lines.push(`  PostgreSQL CPU ms per execution (median of rounds): ${keys.map((k) => `${k} ${med(pgPerRound[k])}`).join(' · ')}`);
		lines.push(`  n8n + PostgreSQL CPU per execution, ours / plain: ${keys.filter((k) => k !== 'plain').map((k) => `${k} ${med(both(k).map((x, i) => x / both('plain')[i]))}x ${spread(both(k).map((x, i) => x / both('plain')[i]))}`).join(' · ')}`);
	}
	if (stalls.length) lines.push(`  stalled (no progress for ${stallSeconds} s): ${stalls.join('; ')}`);
	for (const l of lines) print(l);
	return { ratio: median(ratios), ratios, perRound, wrong, stalls };
}

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function listArg(name) {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? String(process.argv[i + 1]).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : [];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	const lazy = process.argv.includes('--lazy-isolate');
	const usePostgres = process.argv.includes('--postgres');
	const pgDir = usePostgres ? makeTempDir('n8n-voicenter-bench-pg-') : undefined;
	const pg = usePostgres ? await startPostgres({ dir: pgDir, log: (m) => console.log(`[bench] ${m}`) }) : undefined;
	const env = {
		// n8n acquires an expression isolate for the webhook phase of every trigger but its own
		// Webhook node; with lazy acquisition only when an expression is actually evaluated.
		...(lazy ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
		...(pg ? n8nPostgresEnv(pg) : {}),
	};
	let stack;
	try {
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'bench-cdr-home'),
			fresh: true,
			examples: false,
			env: Object.keys(env).length ? env : undefined,
		});
	} catch (e) {
		await pg?.stop();
		throw e;
	}
	console.log(`n8n expression isolates: ${lazy ? 'acquired lazily (N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true)' : "n8n's default"}`);
	console.log(`n8n database: ${pg ? `PostgreSQL on 127.0.0.1:${pg.port} (fsync off)` : 'SQLite (n8n default)'}`);
	try {
		const r = await runCdrBenchmark(stack, {
			rounds: Math.max(3, arg('rounds', 3)),
			cdrs: arg('cdrs', 300),
			concurrency: arg('concurrency', 20),
			stallSeconds: arg('stall', 30),
			// --persist-max 100,5000: also ours with those "Remembered Across Restarts (Max)" values
			persistMaxSides: listArg('persist-max'),
			// --no-memory-side: leave out the memory-only side (shorter runs)
			noMemorySide: process.argv.includes('--no-memory-side'),
			postgresPid: pg?.pid,
		});
		const wrongAcks = Object.values(r.wrong).reduce((a, b) => a + b, 0);
		if (wrongAcks) {
			console.error(`${wrongAcks} wrong acknowledgements`);
			process.exitCode = 1;
		}
	} finally {
		await stack.stop();
		await pg?.stop();
		if (pgDir) fs.rmSync(pgDir, { recursive: true, force: true });
	}
}
