/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test tooling */
/**
 * The repository's import graph (type imports included): no node imports from another node's
 * folder (shared code lives in nodes/shared/), and no import circle anywhere in the
 * TypeScript sources (nodes, credentials, simulator, scripts, tests).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const DIRS = ['nodes', 'credentials', 'simulator', 'scripts', 'test'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function tsFiles(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(p);
		return e.name.endsWith('.ts') ? [p] : [];
	});
}

function resolve(from: string, spec: string): string | undefined {
	const base = path.resolve(path.dirname(from), spec);
	return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
}

const files = DIRS.flatMap((d) => tsFiles(path.join(ROOT, d)));
const graph = new Map<string, string[]>();
for (const f of files) {
	const text = fs.readFileSync(f, 'utf8');
	graph.set(
		f,
		[...text.matchAll(IMPORT)].map((m) => resolve(f, m[1])).filter((t): t is string => t !== undefined),
	);
}
const rel = (f: string) => path.relative(ROOT, f);

describe('import structure', () => {
	it('reads the sources', () => {
		expect(files.length).toBeGreaterThan(50);
	});

	it('no node imports from another node folder (only nodes/shared and credentials are shared)', () => {
		const crossing: string[] = [];
		for (const [from, targets] of graph) {
			const a = rel(from).split(path.sep);
			if (a[0] !== 'nodes') continue;
			for (const to of targets) {
				const b = rel(to).split(path.sep);
				if (b[0] === 'nodes' && b[1] !== a[1] && b[1] !== 'shared')
					crossing.push(`${rel(from)} → ${rel(to)}`);
			}
		}
		expect(crossing).toEqual([]);
	});

	it('no import circle', () => {
		const cycles: string[] = [];
		const state = new Map<string, 1 | 2>();
		const stack: string[] = [];
		const visit = (f: string) => {
			state.set(f, 1);
			stack.push(f);
			for (const t of graph.get(f) ?? []) {
				if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), t].map(rel).join(' → '));
				else if (!state.has(t)) visit(t);
			}
			stack.pop();
			state.set(f, 2);
		};
		for (const f of files) if (!state.has(f)) visit(f);
		expect(cycles).toEqual([]);
	});
});
