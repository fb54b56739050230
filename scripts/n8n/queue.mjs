#!/usr/bin/env node
/**
 * The `npm start` demo in n8n's queue mode (`npm run start:queue`):
 *
 *   Redis + Postgres (scripts/n8n/queue-infra.mjs, throw-away, free ports)
 *   1 main      `n8n start`    editor + REST API, the leader: it alone runs pollers and
 *                               long-lived triggers (Realtime, Call Log); it takes no
 *                               production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS)
 *   2 webhook   `n8n webhook`  each on its own port: receive Voicenter's requests, run the
 *                               triggers' webhook(), enqueue the execution, write the answer
 *   2 worker    `n8n worker`   execute the workflows (Respond answers travel back via Redis)
 *
 * Every process has its own N8N_USER_FOLDER with the packed package installed in
 * .n8n/nodes (n8n's community-package layout; main, webhook and worker processes all load
 * community packages from there), the same N8N_ENCRYPTION_KEY, the same database and Redis.
 *
 *   npm run start:queue                     # editor on a free port, printed
 *   npm run start:queue -- --port 5678 --workers 1 --webhooks 2 --concurrency 5
 *
 * As a library: startQueueStack(options) → the same object as stack.mjs startStack(), plus
 * stack.webhookUrls (one base URL per webhook process), stack.queue (processes, services).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { N8N_VERSION } from './install.mjs';
import { n8nPostgresEnv, startQueueServices } from './queue-infra.mjs';
import { CREDENTIAL_NAME, OWNER, ROOT, TRIGGER_PATHS, cliArg, freePort, isPortFree, startN8nProcess, startStack } from './stack.mjs';

export { startN8nProcess };

/**
 * The simulated Real Time API (simulator/realtime.ts), bundled on its own: stack.mjs's
 * simulator bundle does not export it; it needs only the simulator object's public methods.
 */
async function loadRealtimeModule() {
	const file = path.join(ROOT, 'simulator', 'realtime.ts');
	if (!fs.existsSync(file)) return undefined;
	const require = createRequire(import.meta.url);
	const esbuild = require('esbuild');
	const outfile = path.join(os.tmpdir(), `n8n-nodes-voicenter-realtime-${process.pid}.cjs`);
	await esbuild.build({ entryPoints: [file], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
	delete require.cache[outfile];
	const mod = require(outfile);
	fs.rmSync(outfile, { force: true });
	return mod;
}

/** Copies the installed community package (<from>/.n8n/nodes) into another user folder. */
function copyInstalledPackage(fromUserFolder, toUserFolder) {
	const from = path.join(fromUserFolder, '.n8n', 'nodes');
	const to = path.join(toUserFolder, '.n8n', 'nodes');
	fs.rmSync(to, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(to), { recursive: true });
	fs.cpSync(from, to, { recursive: true });
}

/**
 * Boots the queue-mode stack. Options (besides startStack's: skipBuild, examples, activate,
 * simulatorOptions, log):
 *  - home: parent folder of the processes' user folders (default .cache/queue-home; always fresh,
 *    since the database is new every time)
 *  - webhooks: number of `n8n webhook` processes (default 2)
 *  - workers: number of `n8n worker` processes (default 2)
 *  - concurrency: executions per worker at a time (default 5)
 *  - port: the main's port (0 = free)
 *  - realtime: attach the simulated Real Time API to the simulator (default true)
 *  - env: extra environment for every n8n process
 */
export async function startQueueStack(options = {}) {
	const log = options.log ?? ((line) => console.log(`[queue] ${line}`));
	const home = options.home ?? path.join(ROOT, '.cache', 'queue-home');
	fs.rmSync(home, { recursive: true, force: true });
	const nWebhooks = options.webhooks ?? 2;
	const nWorkers = options.workers ?? 2;
	const concurrency = options.concurrency ?? 5;
	let services;
	let workerSpec;
	const procs = { main: undefined, webhooks: [], workers: [] };
	const stopAll = async () => {
		const all = [...procs.webhooks, ...procs.workers];
		await Promise.all(all.map((p) => p.stop()));
		if (procs.main) await procs.main.stop();
		if (services) await services.stop();
	};

	/** Called by startStack in place of its single `n8n start`. */
	const startQueueN8n = async ({ userFolder, port, brokerPort, filesDir }) => {
		const t0 = Date.now();
		services = await startQueueServices({ log });
		const encryptionKey = crypto.randomBytes(24).toString('base64url');
		const common = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: services.redis.host,
			QUEUE_BULL_REDIS_PORT: String(services.redis.port),
			...n8nPostgresEnv(services.postgres),
			N8N_ENCRYPTION_KEY: encryptionKey,
			// Manual runs from the editor (and the REST API) execute on the workers too.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			// Production webhooks are served by the webhook processes only.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			// Production executions are saved by default; keep that explicit: the tests count them.
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			...options.env,
		};
		try {
			procs.main = await startN8nProcess({ command: 'start', name: 'main', userFolder, port, brokerPort, filesDir, env: common, log });
			const starts = [];
			for (let i = 1; i <= nWebhooks; i++) {
				const name = `webhook-${i}`;
				const uf = path.join(home, name);
				copyInstalledPackage(userFolder, uf);
				const [p, b] = [await freePort(), await freePort()];
				starts.push(
					startN8nProcess({ command: 'webhook', name, userFolder: uf, port: p, brokerPort: b, filesDir, env: { ...common, WEBHOOK_URL: `http://localhost:${port}/` }, log }).then(
						(proc) => procs.webhooks.push(proc),
					),
				);
			}
			workerSpec = async (i) => {
				const name = `worker-${i}`;
				const uf = path.join(home, name);
				if (!fs.existsSync(path.join(uf, '.n8n', 'nodes'))) copyInstalledPackage(userFolder, uf);
				const [p, b] = [await freePort(), await freePort()];
				return {
					command: 'worker',
					name,
					userFolder: uf,
					port: p,
					brokerPort: b,
					filesDir,
					args: [`--concurrency=${concurrency}`],
					env: { ...common, WEBHOOK_URL: `http://localhost:${port}/` },
					log,
				};
			};
			for (let i = 1; i <= nWorkers; i++) {
				starts.push(workerSpec(i).then((spec) => startN8nProcess(spec)).then((proc) => procs.workers.push(proc)));
			}
			const results = await Promise.allSettled(starts);
			const failed = results.find((r) => r.status === 'rejected');
			if (failed) throw failed.reason;
			procs.webhooks.sort((a, b) => a.name.localeCompare(b.name));
			procs.workers.sort((a, b) => a.name.localeCompare(b.name));
		} catch (e) {
			await stopAll();
			throw e;
		}
		return {
			process: procs.main.process,
			url: procs.main.url,
			logFile: procs.main.logFile,
			bootMs: Date.now() - t0,
			output: procs.main.output,
			stop: stopAll,
		};
	};

	const stack = await startStack({
		...options,
		log,
		userFolder: path.join(home, 'main'),
		fresh: true,
		port: options.port,
		env: undefined,
		startN8n: startQueueN8n,
	});
	const attachRealtime = stack.simModule.attachRealtime ?? (await loadRealtimeModule())?.attachRealtime;
	if (!stack.realtime && options.realtime !== false && attachRealtime) {
		stack.realtime = await attachRealtime(stack.sim);
		const stopStack = stack.stop;
		stack.stop = async () => {
			await stopStack();
			await stack.realtime.stop();
		};
	}
	stack.queue = {
		...procs,
		services,
		home,
		concurrency,
		/** Stops or starts workers until n run (workers are stopped gracefully, newest first). */
		async setWorkers(count) {
			while (procs.workers.length > count) await procs.workers.pop().stop();
			while (procs.workers.length < count) procs.workers.push(await startN8nProcess(await workerSpec(procs.workers.length + 1)));
			stack.queue.workers = procs.workers;
		},
	};
	stack.webhookUrls = procs.webhooks.map((p) => p.url);
	/** Base URL of webhook process i (round robin). */
	stack.webhookUrl = (i) => stack.webhookUrls[((i % stack.webhookUrls.length) + stack.webhookUrls.length) % stack.webhookUrls.length];
	return stack;
}

async function main() {
	const port = Number(cliArg('port', 0)) || 0;
	if (port && !(await isPortFree(port))) {
		console.error(`Port ${port} is taken; choose another with --port (or leave it out for a free one).`);
		process.exit(1);
	}
	const t0 = Date.now();
	const stack = await startQueueStack({
		port,
		webhooks: Number(cliArg('webhooks', 2)),
		workers: Number(cliArg('workers', 2)),
		concurrency: Number(cliArg('concurrency', 5)),
		skipBuild: Boolean(cliArg('skip-build', false)),
		simulatorOptions: { seed: Number(cliArg('seed', 1)) },
	});
	const q = stack.queue;
	const lines = [
		'',
		'────────────────────────────────────────────────────────────────────────',
		` n8n ${N8N_VERSION} in queue mode with n8n-nodes-voicenter (${((Date.now() - t0) / 1000).toFixed(0)} s):`,
		`   main ${stack.url}, ${q.webhooks.length} webhook processes, ${q.workers.length} workers (concurrency ${q.concurrency} each)`,
		`   Redis 127.0.0.1:${q.services.redis.port}, Postgres 127.0.0.1:${q.services.postgres.port} (database n8n, user n8n; thrown away on exit)`,
		'',
		` Open the editor:  ${stack.url}/home/workflows`,
		` Log in:           ${OWNER.email}  /  ${OWNER.password}`,
		` Credential:       "${CREDENTIAL_NAME}" → Voicenter simulator at ${stack.sim.url}`,
		'',
		' Webhook processes (send Voicenter requests to any of them; the main takes none):',
		...q.webhooks.map((w) => `   ${w.name}: ${w.url}   (log: ${w.logFile})`),
		' Workers:',
		...q.workers.map((w) => `   ${w.name}   (log: ${w.logFile})`),
		'',
		' Example workflows:',
	];
	for (const [file, wf] of Object.entries(stack.workflows)) {
		lines.push(`  • ${wf.name}  (${file})  ${wf.active ? 'active' : 'inactive: run it from the editor'}`);
		if (!wf.active) continue;
		for (const node of wf.nodes ?? []) {
			const ours = TRIGGER_PATHS[node.type];
			if (!ours || !node.webhookId) continue;
			for (const base of stack.webhookUrls) {
				const url = `${base}/webhook/${node.webhookId}/${ours.path}`;
				lines.push(`      ${node.name}: ${url}`);
			}
			lines.push(`        try: npm run simulator:send -- ${ours.send} --url ${stack.webhookUrls[0]}/webhook/${node.webhookId}/${ours.path}`);
		}
	}
	lines.push('', ` main log: ${stack.n8n.logFile}`, ' Ctrl-C stops everything.', '────────────────────────────────────────────────────────────────────────');
	console.log(lines.join('\n'));
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n (all processes), Redis, Postgres and the simulator…');
		await stack.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	for (const p of [q.main, ...q.webhooks, ...q.workers]) {
		p.process.on('exit', (code) => {
			if (!stopping) {
				console.error(`n8n ${p.name} exited (${code}); see ${p.logFile}`);
				void stop(1);
			}
		});
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	main().catch((e) => {
		console.error(e.stack ?? e.message);
		process.exit(1);
	});
}
