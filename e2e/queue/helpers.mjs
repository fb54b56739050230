/**
 * Helpers of the queue-mode e2e suite: n8n's own Postgres (executions and their data), the
 * processes' logs (which webhook process enqueued an execution, which worker ran it), workflows
 * built for the tests, and "held" simulator routes a workflow waits on until the test releases
 * them (faults by explicit signal, never by a wall-clock race).
 */
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { paths as installPaths } from '../../scripts/n8n/install.mjs';

function n8nRequire() {
	return createRequire(path.join(installPaths().n8nDir, 'node_modules', 'n8n', 'package.json'));
}

/** A pg client (n8n's own `pg`) on the stack's database. */
export async function openDb(stack) {
	const { Client } = n8nRequire()('pg');
	const pg = stack.queue.services.postgres;
	const client = new Client({ host: pg.host, port: pg.port, user: pg.user, database: pg.database });
	await client.connect();
	return client;
}

const flatted = () => n8nRequire()('flatted');

/** Executions of a workflow in n8n's database: [{ id, status, mode, finished }]. */
export async function executionRows(db, workflowId) {
	const r = await db.query('SELECT id, status, mode, finished FROM execution_entity WHERE "workflowId" = $1 ORDER BY id', [workflowId]);
	return r.rows.map((row) => ({ ...row, id: String(row.id) }));
}

/**
 * Waits until the workflow has at least `min` executions and none is new/running/waiting, and
 * the count has not changed for `stablePolls` polls in a row. Returns the rows.
 */
export async function settledExecutions(db, workflowId, { min = 1, timeoutMs = 120000, stablePolls = 4, pollMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last = -1;
	let stable = 0;
	for (;;) {
		const rows = await executionRows(db, workflowId);
		const open = rows.filter((r) => ['new', 'running', 'waiting', 'unknown'].includes(r.status)).length;
		if (rows.length >= min && open === 0) {
			stable = rows.length === last ? stable + 1 : 0;
			if (stable >= stablePolls) return rows;
		} else stable = 0;
		last = rows.length;
		if (Date.now() > deadline) throw new Error(`executions of ${workflowId} did not settle: ${rows.length} (min ${min}), ${open} open`);
		await new Promise((r) => setTimeout(r, pollMs));
	}
}

/** The output items of a node in each execution: [{ id, status, items: [json…] }]. */
export async function nodeOutputs(db, workflowId, nodeName) {
	const r = await db.query(
		'SELECT e.id, e.status, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 ORDER BY e.id',
		[workflowId],
	);
	return r.rows.map((row) => {
		const data = flatted().parse(row.data);
		const run = data?.resultData?.runData?.[nodeName]?.[0];
		const items = (run?.data?.main?.[0] ?? []).map((i) => i.json);
		return { id: String(row.id), status: row.status, items };
	});
}

/**
 * Who handled each execution, from the processes' own logs: the webhook process that enqueued it
 * ("Enqueued execution N") and the worker that ran it ("Worker started execution N").
 */
export function executionPlaces(stack) {
	const enqueuedBy = new Map();
	const ranOn = new Map();
	const read = (p) => (fs.existsSync(p.logFile) ? fs.readFileSync(p.logFile, 'utf8') : '');
	for (const p of [stack.queue.main, ...stack.queue.webhooks]) {
		for (const m of read(p).matchAll(/Enqueued execution (\d+) /g)) enqueuedBy.set(m[1], p.name);
	}
	for (const p of stack.queue.workers) {
		for (const m of read(p).matchAll(/Worker started execution (\d+) /g)) ranOn.set(m[1], p.name);
	}
	return { enqueuedBy, ranOn };
}

/** Creates a workflow and publishes it; returns the saved workflow. */
export async function createActive(stack, wf) {
	const saved = await stack.client.createWorkflow({ settings: { executionOrder: 'v1' }, ...wf });
	await stack.client.activateWorkflow(saved.id);
	return saved;
}

export const uuid = () => crypto.randomUUID();

/** Node factory: positions and ids filled in. */
let x = 0;
export function node(name, type, typeVersion, parameters = {}, extra = {}) {
	x += 220;
	return { id: uuid(), name, type, typeVersion, position: [x, 300], parameters, ...extra };
}

export function chain(...names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/**
 * A simulator route that holds each request until release() (then answers { ok: true }).
 * received() = how many requests reached it; waitFor(n) resolves when n have.
 */
export function holdRoute(sim, name) {
	let released = false;
	let releaseAll;
	const gate = new Promise((r) => (releaseAll = r));
	let count = 0;
	const waiters = [];
	sim.route('api', 'POST', `/queue-e2e/hold/${name}`, async () => {
		count++;
		for (const w of [...waiters]) if (count >= w.n) w.resolve();
		if (!released) await gate;
		return { body: { ok: true } };
	});
	return {
		url: `${sim.baseUrl('api')}/queue-e2e/hold/${name}`,
		received: () => count,
		waitFor: (n, timeoutMs = 120000) =>
			count >= n
				? Promise.resolve()
				: new Promise((resolve, reject) => {
						const t = setTimeout(() => reject(new Error(`hold ${name}: ${count} of ${n} requests arrived`)), timeoutMs);
						waiters.push({
							n,
							resolve: () => {
								clearTimeout(t);
								resolve();
							},
						});
					}),
		release() {
			released = true;
			releaseAll();
		},
	};
}

/** Sends with a fixed timing record: { ms, ...response }. */
export async function timed(fn) {
	const t0 = performance.now();
	const r = await fn();
	return { ms: performance.now() - t0, r };
}

export function quantile(values, q) {
	if (!values.length) return NaN;
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

let nodeTypesCache;
/** The version n8n gives a new node of this type (its defaultVersion, else the highest). */
export async function defaultVersion(stack, type) {
	nodeTypesCache ??= await stack.client.nodeTypes();
	const versions = nodeTypesCache.filter((t) => t.name === type);
	if (!versions.length) throw new Error(`node type ${type} not in n8n`);
	const d = versions.find((t) => t.defaultVersion !== undefined)?.defaultVersion;
	if (d !== undefined) return d;
	return Math.max(...versions.flatMap((t) => (Array.isArray(t.version) ? t.version : [t.version])));
}
