/**
 * The "real n8n" stack, as a library: build + pack this package, install the tarball into an
 * n8n user folder the way a user installs a community package by hand, start the Voicenter
 * simulator, start a real n8n (pinned, on Node 24) with the package loaded, set up the owner,
 * create the Voicenter credential pointing at the simulator, import the example workflows and
 * activate the webhook ones.
 *
 * Used by `npm start` (scripts/n8n/start.mjs), the e2e tests (e2e/) and the benchmark
 * (scripts/n8n/bench.mjs).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { install, paths as installPaths } from './install.mjs';
import { N8nClient } from './client.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

export const OWNER = {
	email: 'owner@voicenter.example',
	firstName: 'Voicenter',
	lastName: 'Owner',
	password: 'Voicenter-n8n-1',
};
export const CREDENTIAL_NAME = 'Voicenter (simulator)';
export const REALTIME_CREDENTIAL_NAME = 'Voicenter Realtime (simulator)';
export const VOIPE_CREDENTIAL_NAME = 'VoIPe (simulator)';
/** How often the simulator's Real Time API plays a demo call (ms) while the stack runs. */
export const REALTIME_DEMO_INTERVAL_MS = 5000;
export const PACKAGE_NAME = 'n8n-nodes-voicenter';
/** Placeholder folder in examples/ for files the workflows read and write. */
export const EXAMPLE_FILES_DIR = '/home/node/.n8n-files';
/** Placeholder chat webhook (Slack-compatible) in examples/; pointed at the simulator's chat sink. */
export const EXAMPLE_CHAT_WEBHOOK = 'https://hooks.slack.com/services/REPLACE/WITH/YOURS';
/** A command-line option of the stack scripts: `--name value`, or true for a bare `--name`. */
export function cliArg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return fallback;
	const v = process.argv[i + 1];
	return v === undefined || v.startsWith('--') ? true : v;
}

/** Fixed webhook paths of this package's triggers (<url>/webhook/<webhookId>/<path>) and a simulator:send that calls each. */
export const TRIGGER_PATHS = {
	'n8n-nodes-voicenter.voicenterIvrTrigger': { path: 'ivr', send: 'ivr --caller 0501234567' },
	'n8n-nodes-voicenter.voicenterCdrTrigger': { path: 'cdr', send: 'cdr --sample ivr-queue' },
	'n8n-nodes-voicenter.voicenterScreenPopTrigger': { path: 'screen-pop', send: 'screenpop --phone 0527654321' },
};

/** Data tables the examples look callers up in: examples/<file> → an n8n data table. */
export const DATA_TABLES = [
	{ file: 'voicenter-contacts.csv', name: 'Voicenter contacts', types: { vip: 'boolean' } },
	// Example 3 appends every new call here (header-only CSV: the columns).
	{ file: 'voicenter-calls.csv', name: 'Voicenter calls', types: { Duration: 'number' } },
	// Example 4 logs each abandoned call here, an upsert on legKey (header-only CSV: the columns).
	{ file: 'voicenter-abandoned-calls.csv', name: 'Voicenter abandoned calls', types: { secondsWaiting: 'number' } },
];

/** Reads a small CSV (no quoted commas) into typed rows for a data table. */
export function readDataTableCsv(file, types = {}) {
	const [headerLine, ...lines] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
	const header = headerLine.split(',');
	const columns = header.map((name) => ({ name, type: types[name] ?? 'string' }));
	const rows = lines.map((line) => {
		const cells = line.split(',');
		return Object.fromEntries(
			header.map((h, i) => {
				const v = cells[i] ?? '';
				if (types[h] === 'boolean') return [h, v === 'true'];
				if (types[h] === 'number') return [h, Number(v)];
				return [h, v];
			}),
		);
	});
	return { columns, rows };
}

/**
 * A Slack-compatible incoming-webhook sink on the simulator (<sim>/chat/hooks/alerts): the
 * alert example posts there; what it received is in sim.state.chat.messages.
 */
export function addChatSink(sim) {
	const reset = () => {
		sim.state.chat = { messages: [] };
	};
	sim.onReset(reset);
	reset();
	sim.route('chat', 'POST', '/hooks/alerts', (req) => {
		sim.state.chat.messages.push(req.body);
		return { body: 'ok', contentType: 'text/plain' };
	});
	return `${sim.url}/chat/hooks/alerts`;
}

function say(log, line) {
	if (log) log(line);
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

export async function isPortFree(port) {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

function runSync(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
	if (r.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout ?? ''}\n${r.stderr ?? ''}`);
	}
	return r.stdout;
}

/** npm run build, then npm pack into <cache>/pack; returns the tarball path. */
export function buildAndPack({ log, skipBuild = false } = {}) {
	if (!skipBuild) {
		say(log, 'building the package (npm run build)…');
		runSync('npm', ['run', 'build', '--silent'], { cwd: ROOT });
	}
	const packDir = path.join(ROOT, '.cache', 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	fs.mkdirSync(packDir, { recursive: true });
	const out = runSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT });
	const [info] = JSON.parse(out);
	const tgz = path.join(packDir, info.filename);
	say(log, `packed ${info.filename} (${info.files.length} files, ${Math.round(info.size / 1024)} kB)`);
	return tgz;
}

/**
 * Installs the tarball into <userFolder>/.n8n/nodes exactly as n8n's own community-package
 * installer does (n8n 2.40 CommunityPackagesService.downloadPackage): extract the tarball into
 * node_modules/<name>, drop dev/peer/optional dependencies from its package.json, run
 * `npm install` inside it with n8n's flags, and record it in nodes/package.json. n8n scans
 * <userFolder>/.n8n/nodes/node_modules for n8n-nodes-* packages at start.
 */
export function installPackage(tgz, userFolder, { log } = {}) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	runSync('tar', ['-xzf', tgz, '-C', packageDir, '--strip-components=1']);
	const pkgPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
	fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
	runSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'],
		{ cwd: packageDir },
	);
	const nodesPkgPath = path.join(nodesDir, 'package.json');
	const nodesPkg = fs.existsSync(nodesPkgPath)
		? JSON.parse(fs.readFileSync(nodesPkgPath, 'utf8'))
		: { name: 'installed-nodes', private: true };
	nodesPkg.dependencies = { ...nodesPkg.dependencies, [PACKAGE_NAME]: pkg.version };
	fs.writeFileSync(nodesPkgPath, JSON.stringify(nodesPkg, null, 2));
	say(log, `installed ${pkg.name}@${pkg.version} into ${nodesDir}`);
	return nodesDir;
}

/**
 * Bundles the TypeScript simulator (and the webhook sender, when present) into one CommonJS
 * file with esbuild (a devDependency), and loads it.
 */
export async function loadSimulatorModule() {
	const esbuild = require('esbuild');
	// Outside the work tree: `n8n-node lint` lints every JS file under the project root.
	const outfile = path.join(os.tmpdir(), `n8n-nodes-voicenter-simulator-${process.pid}.cjs`);
	const lines = [`export * from './simulator/server';`];
	if (fs.existsSync(path.join(ROOT, 'simulator', 'webhooks.ts'))) lines.push(`export * from './simulator/webhooks';`);
	if (fs.existsSync(path.join(ROOT, 'simulator', 'routes', 'callLog.ts')))
		lines.push(
			`export { generateCdrs, callLogSettings, addCall, endCall, visibleCalls, startCallFlow, injectFaults } from './simulator/routes/callLog';`,
		);
	if (fs.existsSync(path.join(ROOT, 'simulator', 'realtime.ts'))) lines.push(`export * from './simulator/realtime';`);
	if (fs.existsSync(path.join(ROOT, 'simulator', 'routes', 'voipe.ts')))
		lines.push(`export { VOIPE_CLIENTS } from './simulator/routes/voipe';`);
	await esbuild.build({
		stdin: { contents: lines.join('\n'), resolveDir: ROOT, sourcefile: 'simulator-entry.ts', loader: 'ts' },
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		outfile,
		logLevel: 'warning',
		// The simulator reuses fast-xml-parser from the dev install.
		external: [],
	});
	delete require.cache[outfile];
	const mod = require(outfile);
	fs.rmSync(outfile, { force: true });
	return mod;
}

/** Environment for the n8n process. */
export function n8nEnv({ userFolder, port, brokerPort, filesDir, extra = {} }) {
	const { nodeBin } = installPaths();
	const env = { ...process.env };
	// Never hand npm's or the test runner's variables to n8n.
	for (const k of Object.keys(env)) if (k.startsWith('npm_') || k.startsWith('NODE_TEST')) delete env[k];
	delete env.NODE_OPTIONS;
	return {
		...env,
		PATH: `${path.dirname(nodeBin)}:${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
		// The sync example keeps its spreadsheet in filesDir; n8n's own files stay out of reach.
		N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES: 'true',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		...extra,
	};
}

/** What each role prints when it is ready (n8n 2.40 commands/start.js, webhook.js, worker.js). */
const READY = {
	start: 'Editor is now accessible',
	webhook: 'Webhook listener waiting for requests',
	worker: 'n8n worker is now ready',
};

/**
 * Starts one n8n process of a role ('start' | 'webhook' | 'worker'; queue.mjs starts all three)
 * and resolves once it says it is ready. Returns { role, name, process, url?, port, logFile,
 * bootMs, output(), log(), stop() }.
 */
export async function startN8nProcess({ command, name, userFolder, port, brokerPort, filesDir, env: extraEnv, args = [], readyTimeoutMs = 300000, log }) {
	const { nodeBin, n8nBin } = installPaths();
	fs.mkdirSync(userFolder, { recursive: true });
	fs.mkdirSync(filesDir, { recursive: true });
	const logFile = path.join(userFolder, 'n8n.log');
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	const env = n8nEnv({ userFolder, port, brokerPort, filesDir, extra: extraEnv });
	const t0 = Date.now();
	const child = spawn(nodeBin, [n8nBin, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let exited = null;
	const killOnExit = () => {
		if (!exited) child.kill('SIGKILL');
	};
	process.once('exit', killOnExit);
	let buffer = '';
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`n8n ${command} (${name}) not ready in ${readyTimeoutMs / 1000} s; see ${logFile}`)), readyTimeoutMs);
		let ready = false;
		const onData = (chunk) => {
			logStream.write(chunk);
			buffer = (buffer + chunk.toString('utf8')).slice(-20000);
			if (!ready && buffer.includes(READY[command])) {
				ready = true;
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			process.removeListener('exit', killOnExit);
			clearTimeout(timer);
			reject(new Error(`n8n ${command} (${name}) exited (${code ?? signal}) before it was ready; last output:\n${buffer.slice(-4000)}`));
		});
	});
	const bootMs = Date.now() - t0;
	log?.(`n8n ${command} "${name}" ready after ${(bootMs / 1000).toFixed(1)} s${command === 'worker' ? '' : ` on :${port}`} (log: ${logFile})`);
	return {
		role: command,
		name,
		process: child,
		port,
		url: command === 'worker' ? undefined : `http://localhost:${port}`,
		logFile,
		bootMs,
		output: () => buffer,
		log: () => fs.readFileSync(logFile, 'utf8'),
		async stop() {
			if (exited) return;
			await new Promise((resolve) => {
				const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
				child.once('exit', () => {
					clearTimeout(timer);
					resolve();
				});
				child.kill('SIGTERM');
			});
			logStream.end();
		},
	};
}

/**
 * Starts n8n (`n8n start`) and resolves once the editor (and the REST API) is up.
 * Returns { process, url, logFile, bootMs, stop(), output() }.
 */
export async function startN8n({ userFolder, port, brokerPort, filesDir, log, env, readyTimeoutMs = 240000 }) {
	const n8n = await startN8nProcess({ command: 'start', name: 'n8n', userFolder, port, brokerPort, filesDir, env, readyTimeoutMs });
	say(log, `n8n is up at ${n8n.url} after ${(n8n.bootMs / 1000).toFixed(1)} s (log: ${n8n.logFile})`);
	return { process: n8n.process, url: n8n.url, logFile: n8n.logFile, bootMs: n8n.bootMs, stop: n8n.stop, output: n8n.output };
}

/** Reads examples/*.json (sorted by name). */
export function readExamples(dir = path.join(ROOT, 'examples')) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({ file: f, workflow: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
}

/** Node types whose workflows are activated on import (they listen for webhooks). */
export function isWebhookWorkflow(workflow) {
	return workflow.nodes.some((n) => /Trigger$|\.webhook$|\.formTrigger$/i.test(n.type) && !/scheduleTrigger|manualTrigger/i.test(n.type));
}

/**
 * Prepares an example for import into this instance: the Voicenter credential by name → this
 * instance's credential id; the example files folder → this instance's files folder.
 */
export function prepareWorkflow(workflow, { credentials, filesDir, chatWebhookUrl }) {
	let text = JSON.stringify(workflow).split(EXAMPLE_FILES_DIR).join(filesDir);
	if (chatWebhookUrl) text = text.split(EXAMPLE_CHAT_WEBHOOK).join(chatWebhookUrl);
	const wf = JSON.parse(text);
	for (const node of wf.nodes) {
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			const cred = credentials[type];
			if (cred) node.credentials[type] = { id: cred.id, name: cred.name };
			else if (ref && typeof ref === 'object') delete ref.id;
		}
	}
	return wf;
}

/**
 * Boots the whole stack. Options:
 *  - userFolder: n8n's N8N_USER_FOLDER (default .cache/n8n-home)
 *  - port, simPort, brokerPort: 0 = a free port
 *  - fresh: wipe the user folder first
 *  - examples: import examples/ (default true); activate: activate the webhook ones (default true)
 *  - simulatorOptions: passed to startSimulator
 *  - callFlow: options of the simulator's growing call log (startCallFlow), false = off
 *  - realtimeDemo: the simulator's Real Time API plays a call every realtimeDemoIntervalMs (default 5 s)
 *  - skipBuild: reuse dist/
 *  - startN8n: replaces startN8n() (same arguments and result), e.g. the queue-mode processes
 */
export async function startStack(options = {}) {
	const log = options.log ?? ((line) => console.log(`[stack] ${line}`));
	const timings = {};
	let t = Date.now();
	await install();
	timings.installMs = Date.now() - t;

	const userFolder = options.userFolder ?? path.join(ROOT, '.cache', 'n8n-home');
	if (options.fresh) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	const filesDir = path.join(userFolder, 'files');

	t = Date.now();
	// N8N_E2E_SKIP_BUILD=1: dist/ was just built (npm run test:e2e builds once for all e2e files).
	const tgz = buildAndPack({ log, skipBuild: options.skipBuild ?? process.env.N8N_E2E_SKIP_BUILD === '1' });
	installPackage(tgz, userFolder, { log });
	timings.buildPackInstallMs = Date.now() - t;

	const port = options.port || (await freePort());
	const simPort = options.simPort || (await freePort());
	const brokerPort = options.brokerPort || (await freePort());

	t = Date.now();
	const simModule = await loadSimulatorModule();
	// The Call Log holds the last three days of calls, so "since the last run" finds some.
	const nowS = Math.floor(Date.now() / 1000);
	const sim = await simModule.startSimulator({
		port: simPort,
		seed: 1,
		...options.simulatorOptions,
		callLog: { totalCdrs: 500, fromEpoch: nowS - 3 * 86400, toEpoch: nowS - 600, ...options.simulatorOptions?.callLog },
	});
	const chatWebhookUrl = addChatSink(sim);
	log(`Voicenter simulator at ${sim.url}`);
	// The Call Log grows while the stack runs (a call every few seconds, some long), for the
	// Call Log Trigger example; callFlow: false leaves it to the caller (e2e adds calls itself).
	if (options.callFlow !== false && simModule.startCallFlow) simModule.startCallFlow(sim, options.callFlow ?? {});
	// The Real Time API (both login stacks, three monitor servers), with demo calls flowing.
	const realtime = simModule.attachRealtime ? await simModule.attachRealtime(sim, { servers: 3 }) : null;
	// npm start and the Realtime e2e ask for it; elsewhere no call traffic disturbs exact counts.
	if (realtime && options.realtimeDemo) realtime.startDemo(options.realtimeDemoIntervalMs ?? REALTIME_DEMO_INTERVAL_MS);
	const stopSimulator = async () => {
		await realtime?.stop();
		await sim.stop();
	};

	let n8n;
	try {
		// options.startN8n: another way to run n8n (queue mode: scripts/n8n/queue.mjs).
		n8n = await (options.startN8n ?? startN8n)({
			userFolder,
			port,
			brokerPort,
			filesDir,
			log,
			env: options.env,
			readyTimeoutMs: options.readyTimeoutMs,
		});
	} catch (e) {
		await stopSimulator();
		throw e;
	}
	timings.n8nBootMs = n8n.bootMs;

	const client = new N8nClient(n8n.url);
	const stack = {
		url: n8n.url,
		port,
		sim,
		realtime,
		simModule,
		n8n,
		client,
		userFolder,
		filesDir,
		timings,
		credentials: {},
		chatWebhookUrl,
		workflows: {},
		tgz,
		async stop() {
			await n8n.stop();
			await stopSimulator();
		},
		/** Stops the simulator and its Real Time API servers (for tests that restart n8n themselves). */
		stopSimulator,
	};
	try {
		t = Date.now();
		await client.setupOwnerOrLogin(OWNER);
		const cred = await client.upsertCredential({
			name: CREDENTIAL_NAME,
			type: 'voicenterApi',
			data: sim.voicenterCredentials(),
		});
		stack.credentials.voicenterApi = cred;
		if (realtime) {
			stack.credentials.voicenterRealtimeApi = await client.upsertCredential({
				name: REALTIME_CREDENTIAL_NAME,
				type: 'voicenterRealtimeApi',
				data: realtime.credentials('token', 'current'),
			});
		}
		if (simModule.VOIPE_CLIENTS) {
			stack.credentials.voipeApi = await client.upsertCredential({
				name: VOIPE_CREDENTIAL_NAME,
				type: 'voipeApi',
				data: {
					pbxUrl: sim.baseUrl('voipe-pbx'),
					clientNameSecret: Object.keys(simModule.VOIPE_CLIENTS)[0],
					mobileBaseUrl: sim.baseUrl('voipe-cpanel'),
				},
			});
		}
		for (const t of DATA_TABLES) {
			const { columns, rows } = readDataTableCsv(path.join(ROOT, 'examples', t.file), t.types);
			await client.upsertDataTable({ name: t.name, columns, rows, replace: options.replaceWorkflows ?? true });
			log(`data table "${t.name}" ready (${rows.length} rows from examples/${t.file})`);
		}
		if (options.examples !== false) {
			for (const { file, workflow } of readExamples()) {
				const wf = prepareWorkflow(workflow, { credentials: stack.credentials, filesDir, chatWebhookUrl });
				const saved = await client.upsertWorkflow(wf, { replace: options.replaceWorkflows ?? true });
				const active = options.activate !== false && isWebhookWorkflow(wf);
				if (active) await client.activateWorkflow(saved.id);
				stack.workflows[file] = { ...saved, active };
				log(`workflow ${saved.name} (${file}) ${saved.kept ? 'kept as it was (--reimport replaces it)' : 'imported'}${active ? ', active' : ''}`);
			}
		}
		timings.setupMs = Date.now() - t;
	} catch (e) {
		await stack.stop();
		throw e;
	}
	return stack;
}
