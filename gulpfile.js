/**
 * Build steps after `tsc` (npm run build):
 *  - copy icons and codex files (*.node.json) into dist, as n8n loads them beside the JS;
 *  - bundle fast-xml-parser (a devDependency) into dist/nodes/shared/vendor and point the
 *    compiled `require("fast-xml-parser")` at it, so the package ships with zero runtime
 *    dependencies while still parsing XML-RPC.
 */
const { src, dest, parallel, series } = require('gulp');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const DIST = path.join(__dirname, 'dist');
const VENDOR_DIR = path.join(DIST, 'nodes', 'shared', 'vendor');
const VENDOR_FILE = path.join(VENDOR_DIR, 'fast-xml-parser.js');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyCodex() {
	return src(['nodes/**/*.node.json'], { base: '.' }).pipe(dest('dist'));
}

async function bundleXmlParser() {
	await esbuild.build({
		entryPoints: [require.resolve('fast-xml-parser')],
		bundle: true,
		platform: 'neutral',
		format: 'cjs',
		target: 'es2020',
		mainFields: ['main', 'module'],
		outfile: VENDOR_FILE,
		legalComments: 'inline',
		logLevel: 'warning',
	});
	const license = path.join(path.dirname(require.resolve('fast-xml-parser')), '..', 'LICENSE');
	if (fs.existsSync(license)) fs.copyFileSync(license, path.join(VENDOR_DIR, 'fast-xml-parser.LICENSE'));
}

function walk(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const full = path.join(dir, e.name);
		return e.isDirectory() ? walk(full) : [full];
	});
}

async function rewriteRequires() {
	let rewritten = 0;
	for (const file of walk(DIST).filter((f) => f.endsWith('.js') && f !== VENDOR_FILE)) {
		const text = fs.readFileSync(file, 'utf8');
		if (!text.includes('fast-xml-parser')) continue;
		let rel = path.relative(path.dirname(file), VENDOR_FILE).replace(/\\/g, '/').replace(/\.js$/, '');
		if (!rel.startsWith('.')) rel = `./${rel}`;
		const next = text.replace(/require\((["'])fast-xml-parser\1\)/g, `require("${rel}")`);
		if (next !== text) {
			fs.writeFileSync(file, next);
			rewritten++;
		}
	}
	if (rewritten === 0) throw new Error('no compiled file requires fast-xml-parser: the bundling step is out of date');
}

function clean(done) {
	fs.rmSync(DIST, { recursive: true, force: true });
	done();
}

exports.clean = clean;
exports.build = parallel(copyIcons, copyCodex, series(bundleXmlParser, rewriteRequires));
exports.default = exports.build;
