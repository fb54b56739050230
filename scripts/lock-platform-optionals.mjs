// The registry mirror here lacks unrs-resolver's other-platform optional packages, so
// `npm install` leaves them out of package-lock.json, and `npm ci` then refuses the lock as
// "out of sync". This adds a lock entry (version, os/cpu/libc, optional) for each one: npm ci
// skips them on this platform without fetching anything. Run it after `npm install` changes
// the lock:  node scripts/lock-platform-optionals.mjs
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pk = lock.packages;
const parent = pk['node_modules/unrs-resolver'];
if (!parent) process.exit(0);
let added = 0;
for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
	const key = `node_modules/${name}`;
	if (pk[key]) continue;
	const m = /resolver-binding-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
	if (!m) continue;
	const [, os, cpu, abi] = m;
	const entry = { version, cpu: [cpu], dev: true };
	if (abi && /^(gnu|gnueabihf)$/.test(abi)) entry.libc = ['glibc'];
	if (abi && /^(musl|musleabihf)$/.test(abi)) entry.libc = ['musl'];
	Object.assign(entry, { license: 'MIT', optional: true, os: [os] });
	pk[key] = entry;
	added++;
}
lock.packages = Object.fromEntries(
	Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))),
);
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock: ${added} platform optional entries added`);
