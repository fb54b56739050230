#!/usr/bin/env node
/**
 * Where n8n's CPU goes per webhook request, ours vs n8n's own Webhook path: a CPU profile of the
 * n8n process (V8 inspector) taken only while one side's requests run, sides interleaved, each
 * profile folded into categories (this package, n8n's webhook/execution code, the database
 * driver, garbage collection, …) and divided by the number of requests.
 *
 *   npm run profile:e2e -- --setting lazy --calls 300 --rounds 2 --pairs IVR
 *   npm run profile:e2e -- --setting lazy --pairs CDR      # the CDR Trigger against the Webhook node (Respond Immediately)
 *   npm run profile:e2e -- --setting lazy --pairs 'CDR memory,CDR legs'   # legs in memory only; 1000 persisted legs against 10
 *
 * It prints figures; it asserts nothing. Use it to find what to optimise before `bench:e2e`
 * measures the effect.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { WebSocket } from 'undici';

import { BENCH_WORKFLOWS, SETTINGS, load, waitForExecutions } from './bench.mjs';
import { benchWorkflows, cdrBody, load as loadCdr } from './bench-cdr.mjs';
import { ROOT, startStack } from './stack.mjs';

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : fallback;
};
const setting = arg('setting', 'lazy');
const calls = Number(arg('calls', 300));
const rounds = Number(arg('rounds', 2));
const concurrency = Number(arg('concurrency', 20));
const top = Number(arg('top', 25));
// --callers inspect,parse: also print who calls functions of these names (their callers 4 frames up)
const callersOf = String(arg('callers', '')).split(',').filter(Boolean);
const PAIRS = {
	IVR: ['ivrOurs', 'ivrPlain'],
	'Screen Pop': ['popOurs', 'popPlain'],
	CDR: ['cdrOurs', 'cdrPlain'],
	'CDR memory': ['cdrOursMemory', 'cdrPlain'],
	// what the size of the persisted legs costs: the default 1000 against 10
	'CDR legs': ['cdrOurs', 'cdrOurs10'],
	// what n8n's static-data save costs: 10 legs persisted (one small write per new leg) against memory only
	'CDR save': ['cdrOurs10', 'cdrOursMemory'],
};
/** Each side: its workflow and how one batch of its requests is sent. */
const SIDES = {
	...Object.fromEntries(
		Object.entries(BENCH_WORKFLOWS).map(([key, wf]) => [
			key,
			{ wf, send: (url, count, offset) => load({ url, kind: wf.kind, count, concurrency, offset }) },
		]),
	),
	...Object.fromEntries(
		Object.entries(benchWorkflows([10])).map(([k, wf]) => [
			`cdr${k[0].toUpperCase()}${k.slice(1)}`,
			{ wf, send: (url, count, offset) => loadCdr({ url, count, concurrency, body: (i) => cdrBody(`prof-${k}`, offset + i) }) },
		]),
	),
};
const pairs = String(arg('pairs', 'IVR,Screen Pop')).split(',');

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(url) {
	const ws = new WebSocket(url);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = reject;
	});
	let id = 0;
	const waiting = new Map();
	ws.onmessage = (m) => {
		const msg = JSON.parse(m.data);
		if (msg.id && waiting.has(msg.id)) {
			waiting.get(msg.id)(msg);
			waiting.delete(msg.id);
		}
	};
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const n = ++id;
			waiting.set(n, (msg) => (msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result)));
			ws.send(JSON.stringify({ id: n, method, params }));
		});
	return { send, close: () => ws.close() };
}

/** Category of a profile node's source. */
function category(frame) {
	const u = frame.url || '';
	const f = frame.functionName || '';
	if (!u) {
		if (f === '(garbage collector)') return 'gc';
		if (f === '(idle)' || f === '(program)') return f;
		return 'v8/native';
	}
	if (u.includes('n8n-nodes-voicenter')) return 'this package';
	const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u.replace(/.*node_modules\/n8n\/node_modules\//, 'node_modules/'));
	if (u.startsWith('node:')) return 'node:' + (u.split(':')[1].split('/')[0] || '');
	if (m) {
		if (m[1] === 'n8n') {
			const sub = /n8n\/dist\/([^/]+)/.exec(u)?.[1] ?? '';
			return `n8n/${sub.replace(/\.js$/, '')}`;
		}
		return m[1];
	}
	return 'other';
}

const frameKey = (n) =>
	`${n.callFrame.functionName || '(anonymous)'} ${path.basename(n.callFrame.url || '')}:${n.callFrame.lineNumber + 1} [${category(n.callFrame)}]`;

/**
 * Self time (ms) per category and per function from a V8 CPU profile, and total time per
 * function (itself and everything it called; a function counted once per stack).
 */
function fold(profile) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const self = new Map();
	const dt = profile.timeDeltas;
	for (let i = 0; i < profile.samples.length; i++) {
		const id = profile.samples[i];
		self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0) / 1000);
	}
	const cats = {};
	const fns = {};
	const total = {};
	const callers = {};
	for (const [id, ms] of self) {
		const n = byId.get(id);
		const c = category(n.callFrame);
		cats[c] = (cats[c] ?? 0) + ms;
		const key = frameKey(n);
		fns[key] = (fns[key] ?? 0) + ms;
		if (c === '(idle)' || c === '(program)') continue;
		if (callersOf.includes(n.callFrame.functionName)) {
			const chain = [];
			for (let at = id, i = 0; at !== undefined && i < 5; at = parent.get(at), i++) chain.push(frameKey(byId.get(at)));
			const k = chain.join('  <  ');
			callers[k] = (callers[k] ?? 0) + ms;
		}
		const seen = new Set();
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const k = frameKey(byId.get(at));
			if (seen.has(k)) continue;
			seen.add(k);
			total[k] = (total[k] ?? 0) + ms;
		}
	}
	return { cats, fns, total, callers };
}

const stack = await startStack({
	userFolder: path.join(ROOT, '.cache', 'bench-home'),
	fresh: true,
	examples: false,
	env: { ...SETTINGS[setting], NODE_OPTIONS: '--inspect=127.0.0.1:0' },
});
try {
	let wsUrl;
	for (let i = 0; i < 50 && !wsUrl; i++) {
		wsUrl = /Debugger listening on (ws:\/\/\S+)/.exec(fs.readFileSync(stack.n8n.logFile, 'utf8'))?.[1];
		if (!wsUrl) await sleep(100);
	}
	if (!wsUrl) throw new Error('no inspector URL in n8n.log');
	const cdp = await inspector(wsUrl);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	const keys = pairs.flatMap((p) => PAIRS[p]);
	const ids = {};
	const done = {};
	for (const key of keys) {
		const { wf, send } = SIDES[key];
		const stored = await stack.client.upsertWorkflow({ name: wf.name, nodes: wf.nodes, connections: wf.connections });
		await stack.client.activateWorkflow(stored.id);
		ids[key] = stored.id;
		await send(`${stack.url}${wf.path}`, 60, 0);
		done[key] = 60;
		await waitForExecutions(stack.client, ids[key], done[key], true);
	}
	const totals = Object.fromEntries(keys.map((k) => [k, { cats: {}, fns: {}, total: {}, callers: {}, n: 0 }]));
	for (let round = 0; round < rounds; round++) {
		for (const key of round % 2 ? [...keys].reverse() : keys) {
			const { wf, send } = SIDES[key];
			await cdp.send('Profiler.start');
			await send(`${stack.url}${wf.path}`, calls, done[key]);
			done[key] += calls;
			await waitForExecutions(stack.client, ids[key], done[key], true);
			const { profile } = await cdp.send('Profiler.stop');
			const { cats, fns, total, callers } = fold(profile);
			const t = totals[key];
			for (const [k, v] of Object.entries(cats)) t.cats[k] = (t.cats[k] ?? 0) + v;
			for (const [k, v] of Object.entries(fns)) t.fns[k] = (t.fns[k] ?? 0) + v;
			for (const [k, v] of Object.entries(total)) t.total[k] = (t.total[k] ?? 0) + v;
			for (const [k, v] of Object.entries(callers)) t.callers[k] = (t.callers[k] ?? 0) + v;
			t.n += calls;
		}
	}
	cdp.close();
	const per = (t, v) => v / t.n;
	for (const p of pairs) {
		const [a, b] = PAIRS[p].map((k) => totals[k]);
		const busy = (t) => Object.entries(t.cats).filter(([c]) => c !== '(idle)').reduce((s, [, v]) => s + v, 0);
		console.log(`\n== ${p} (setting "${setting}", ${rounds} rounds × ${calls} calls, ${concurrency} at once): busy CPU ms/request ours ${per(a, busy(a)).toFixed(2)} vs plain ${per(b, busy(b)).toFixed(2)} (${(busy(a) / a.n / (busy(b) / b.n)).toFixed(2)}×)`);
		const cats = [...new Set([...Object.keys(a.cats), ...Object.keys(b.cats)])].filter((c) => c !== '(idle)');
		const rows = cats.map((c) => [c, per(a, a.cats[c] ?? 0), per(b, b.cats[c] ?? 0)]).sort((x, y) => Math.abs(y[1] - y[2]) - Math.abs(x[1] - x[2]));
		console.log('  category                                   ours ms   plain ms   diff');
		for (const [c, x, y] of rows.slice(0, 18)) console.log(`  ${c.padEnd(40)} ${x.toFixed(3).padStart(8)} ${y.toFixed(3).padStart(10)} ${(x - y).toFixed(3).padStart(8)}`);
		const fnKeys = [...new Set([...Object.keys(a.fns), ...Object.keys(b.fns)])];
		const fnRows = fnKeys.map((k) => [k, per(a, a.fns[k] ?? 0), per(b, b.fns[k] ?? 0)]).sort((x, y) => y[1] - y[2] - (x[1] - x[2]));
		console.log(`  functions ours spends more in (ms/request):`);
		for (const [k, x, y] of fnRows.slice(0, top)) console.log(`    +${(x - y).toFixed(3)}  ${k}`);
		console.log(`  functions plain spends more in (ms/request):`);
		for (const [k, x, y] of fnRows.slice(-8).reverse()) console.log(`    ${(x - y).toFixed(3)}  ${k}`);
		const totKeys = [...new Set([...Object.keys(a.total), ...Object.keys(b.total)])];
		const totRows = totKeys.map((k) => [k, per(a, a.total[k] ?? 0), per(b, b.total[k] ?? 0)]).sort((x, y) => y[1] - y[2] - (x[1] - x[2]));
		console.log(`  total time (the function and what it called) ours spends more in (ms/request; ours · plain):`);
		for (const [k, x, y] of totRows.slice(0, top)) console.log(`    +${(x - y).toFixed(3)}  ${x.toFixed(3)} · ${y.toFixed(3)}  ${k}`);
		if (callersOf.length) {
			const cKeys = [...new Set([...Object.keys(a.callers), ...Object.keys(b.callers)])];
			const cRows = cKeys.map((k) => [k, per(a, a.callers[k] ?? 0), per(b, b.callers[k] ?? 0)]).sort((x, y) => y[1] + y[2] - (x[1] + x[2]));
			console.log(`  callers of ${callersOf.join(', ')} (ms/request; ours · plain):`);
			for (const [k, x, y] of cRows.slice(0, 12)) console.log(`    ${x.toFixed(3)} · ${y.toFixed(3)}  ${k}`);
		}
	}
} finally {
	await stack.stop();
}
