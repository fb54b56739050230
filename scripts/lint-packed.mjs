// Lints the package as npm would publish it, the way n8n's community package scanner does:
// `npm pack`, check that the tarball holds only dist/ (plus package.json, README, LICENSE),
// extract it, and run ESLint with @n8n/eslint-plugin-community-nodes' recommended rules over
// the packed JavaScript (the bundled XML parser included) and package.json.
// Plain JS on purpose: the TypeScript lint of the repository does not apply to it.
//   npm run build && npm run lint:packed
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { ESLint } from 'eslint';

// typescript-eslint's parser (for package.json, as n8n-node lint does) comes with @n8n/node-cli.
const requireFromCli = createRequire(createRequire(import.meta.url).resolve('@n8n/node-cli/eslint'));
const tseslint = requireFromCli('typescript-eslint');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const fail = (msg) => {
	console.error(`lint:packed FAILED: ${msg}`);
	process.exit(1);
};

if (!fs.existsSync(path.join(root, 'dist'))) fail('dist/ is missing: run `npm run build` first');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voicenter-packed-'));
try {
	const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const [info] = JSON.parse(out);
	const files = info.files.map((f) => f.path).sort();
	const allowed = (f) => f.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE', 'LICENSE.md'].includes(f);
	const stray = files.filter((f) => !allowed(f));
	if (stray.length) fail(`the tarball holds files outside dist/: ${stray.join(', ')}`);
	for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
		if (!files.includes(entry)) fail(`package.json n8n entry ${entry} is not in the tarball`);
	}
	if (Object.keys(pkg.dependencies ?? {}).length) fail('package.json has runtime dependencies');

	execFileSync('tar', ['-xzf', path.join(tmp, info.filename), '-C', tmp]);
	const dir = path.join(tmp, 'package');
	const recommended = n8nCommunityNodesPlugin.configs.recommended;
	const eslint = new ESLint({
		cwd: dir,
		overrideConfigFile: true,
		overrideConfig: [
			{
				files: ['**/*.js'],
				...recommended,
				languageOptions: { ecmaVersion: 'latest', sourceType: 'commonjs' },
			},
			{
				files: ['package.json'],
				...recommended,
				languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
			},
		],
	});
	const results = await eslint.lintFiles(['**/*.js', 'package.json']);
	let errors = 0;
	let warnings = 0;
	for (const r of results) {
		for (const m of r.messages) {
			const rel = path.relative(dir, r.filePath);
			const level = m.severity === 2 ? 'error' : 'warning';
			if (m.severity === 2) errors++;
			else warnings++;
			console.log(`${rel}:${m.line}:${m.column}  ${level}  ${m.message}  ${m.ruleId ?? ''}`);
		}
	}
	const js = results.filter((r) => r.filePath.endsWith('.js')).length;
	console.log(
		`lint:packed: ${info.filename} (${files.length} files, ${Math.round(info.size / 1024)} kB packed); linted ${js} JS files + package.json with ${Object.keys(recommended.rules).length} community-node rules: ${errors} errors, ${warnings} warnings`,
	);
	if (errors) process.exit(1);
} finally {
	fs.rmSync(tmp, { recursive: true, force: true });
}
