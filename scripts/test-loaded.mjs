#!/usr/bin/env node
// Runs `npm test` (jest) several times in a row while other processes keep every core busy,
// to show the suite does not depend on the machine's speed.
//
//   npm run test:loaded -- --runs 10 --hogs 2
//
// --runs N   how many jest runs in a row (default 10); stops at the first failure unless --keep-going
// --hogs N   how many busy-loop processes run beside jest (default: one per core)
// Prints one line per run and a summary; exits 1 if any run failed.
import { spawn } from 'node:child_process';
import os from 'node:os';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const runs = Number(arg('runs', 10));
const hogCount = Number(arg('hogs', os.cpus().length));
const keepGoing = args.includes('--keep-going');

const hogs = [];
for (let i = 0; i < hogCount; i++) {
	hogs.push(spawn(process.execPath, ['-e', 'for(;;){Math.sqrt(Math.random())}'], { stdio: 'ignore' }));
}
const stopHogs = () => {
	for (const h of hogs) h.kill('SIGKILL');
};
process.on('SIGINT', () => {
	stopHogs();
	process.exit(130);
});

function runJest() {
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawn('npx', ['jest', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('close', (code) => resolve({ code, seconds: (Date.now() - started) / 1000, out }));
	});
}

const load = () => os.loadavg()[0].toFixed(2);
console.log(`== ${runs} jest runs beside ${hogCount} busy-loop process(es) on ${os.cpus().length} core(s)`);
const results = [];
for (let run = 1; run <= runs; run++) {
	const r = await runJest();
	const tests = /Tests:\s+([^\n]+)/.exec(r.out)?.[1]?.trim() ?? '?';
	results.push(r);
	console.log(`run ${run}/${runs}: ${r.code === 0 ? 'pass' : 'FAIL'} in ${r.seconds.toFixed(1)} s (${tests}; load average ${load()})`);
	if (r.code !== 0) {
		console.log(r.out.split('\n').filter((l) => /●|✕|FAIL/.test(l)).slice(0, 40).join('\n'));
		if (!keepGoing) break;
	}
}
stopHogs();
const failed = results.filter((r) => r.code !== 0).length;
const secs = results.map((r) => r.seconds).sort((a, b) => a - b);
console.log(
	`== ${results.length - failed}/${results.length} runs passed; run time median ${secs[Math.floor(secs.length / 2)].toFixed(1)} s [${secs[0].toFixed(1)}–${secs[secs.length - 1].toFixed(1)}]`,
);
process.exit(failed === 0 && results.length === runs ? 0 : 1);
