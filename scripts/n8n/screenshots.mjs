#!/usr/bin/env node
/**
 * Takes the README pictures: each example workflow's canvas in the real n8n editor, headless.
 *
 *   node scripts/n8n/screenshots.mjs            # writes examples/img/<example>.png
 *   node scripts/n8n/screenshots.mjs --editor   # writes docs/img/editor-*.png: the node
 *                                               # creator's Voicenter actions, the Respond panel
 *
 * Needs Chromium (Debian: apt-get install -y chromium; another binary: CHROMIUM=/path); CI
 * does not run this. `e2e/editor.e2e.test.mjs` asserts the same texts from n8n's node types.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { OWNER, ROOT, startStack } from './stack.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const OUT = path.join(ROOT, 'examples', 'img');
const EDITOR_OUT = path.join(ROOT, 'docs', 'img');
const EDITOR = process.argv.includes('--editor');

/** A workflow holding a fresh Respond node per answer kind, to show their panels as a user finds them. */
const RESPOND_WORKFLOW = {
	name: 'Editor screenshots: Voicenter Respond',
	nodes: [
		{
			id: 'e0000000-0000-4000-8000-000000000001',
			name: 'Voicenter IVR Trigger',
			type: 'n8n-nodes-voicenter.voicenterIvrTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			webhookId: 'e0000000-0000-4000-8000-0000000000a1',
		},
		{
			id: 'e0000000-0000-4000-8000-000000000002',
			name: 'Say Digits',
			type: 'n8n-nodes-voicenter.voicenterRespond',
			typeVersion: 1,
			position: [300, -180],
			parameters: { respondTo: 'ivr', action: 'sayDigits', nextLayer: 3 },
		},
		{
			id: 'e0000000-0000-4000-8000-000000000003',
			name: 'Dial',
			type: 'n8n-nodes-voicenter.voicenterRespond',
			typeVersion: 1,
			position: [300, 0],
			parameters: { respondTo: 'ivr', action: 'dial' },
		},
		{
			id: 'e0000000-0000-4000-8000-000000000004',
			name: 'Go to Layer',
			type: 'n8n-nodes-voicenter.voicenterRespond',
			typeVersion: 1,
			position: [300, 180],
			parameters: { respondTo: 'ivr', action: 'goToLayer', layer: 12 },
		},
	],
	connections: {
		'Voicenter IVR Trigger': {
			main: [
				[
					{ node: 'Say Digits', type: 'main', index: 0 },
					{ node: 'Dial', type: 'main', index: 0 },
					{ node: 'Go to Layer', type: 'main', index: 0 },
				],
			],
		},
	},
};

/** The node creator searched for "Voicenter", then the Voicenter node's actions; the Respond panels. */
async function editorShots(page, stack) {
	fs.mkdirSync(EDITOR_OUT, { recursive: true });
	const shot = async (name) => {
		const png = path.join(EDITOR_OUT, `editor-${name}.png`);
		await page.screenshot({ path: png });
		console.log(`wrote ${path.relative(ROOT, png)}`);
	};
	await page.goto(`${stack.url}/workflow/new`);
	await page.waitForSelector('[data-test-id="canvas-wrapper"], .vue-flow', { timeout: 60000 });
	await page.waitForTimeout(1500);
	// Open the node creator (the canvas "+" button, or the Tab shortcut) and search.
	const plus = page.locator('[data-test-id="canvas-plus-button"], [data-test-id="node-creator-plus-button"], [data-test-id="canvas-add-button"]');
	if (await plus.count()) await plus.first().click();
	else await page.keyboard.press('Tab');
	await page.waitForSelector('[data-test-id="node-creator-search-bar"] input, [data-test-id="search-bar"] input, input[placeholder*="Search"]', { timeout: 30000 });
	await page.keyboard.type('Voicenter');
	await page.waitForTimeout(1200);
	await shot('node-creator-search');
	await page.getByText('Voicenter', { exact: true }).first().click();
	await page.waitForTimeout(1200);
	await shot('node-creator-voicenter-actions');
	await page.keyboard.press('Escape');

	const wf = await stack.client.createWorkflow(RESPOND_WORKFLOW);
	await page.goto(`${stack.url}/workflow/${wf.id}`);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
	await page.waitForTimeout(1500);
	await page.keyboard.press('1');
	await page.waitForTimeout(800);
	await shot('respond-canvas-subtitles');
	for (const name of ['Say Digits', 'Dial']) {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"], [data-test-id="canvas-node"]:has-text("${name}")`).first().dblclick();
		await page.waitForSelector('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]', { timeout: 30000 });
		await page.waitForTimeout(1200);
		await shot(`respond-${name.toLowerCase().replace(/\s+/g, '-')}-panel`);
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);
	}
}

async function main() {
	const stack = await startStack({
		userFolder: path.join(ROOT, '.cache', EDITOR ? 'screenshots-editor-home' : 'screenshots-home'),
		fresh: true,
		examples: !EDITOR,
		skipBuild: process.argv.includes('--skip-build'),
		readyTimeoutMs: 10 * 60 * 1000,
	});
	const userDataDir = fs.mkdtempSync('/tmp/n8n-shots-');
	const context = await chromium
		.launchPersistentContext(userDataDir, {
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		viewport: { width: 1500, height: 720 },
		deviceScaleFactor: 1,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		})
		.catch(async (e) => {
			await stack.stop();
			throw e;
		});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		page.setDefaultTimeout(180000);
		page.setDefaultNavigationTimeout(180000);
		// Nothing outside this machine: block third-party requests (fonts, telemetry) at once.
		await page.route('**/*', (route) => {
			const u = new URL(route.request().url());
			return ['localhost', '127.0.0.1'].includes(u.hostname) ? route.continue() : route.abort();
		});
		await page.goto(`${stack.url}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/home|\/workflows/, { timeout: 60000 });
		if (EDITOR) {
			await editorShots(page, stack);
			return;
		}
		fs.mkdirSync(OUT, { recursive: true });
		for (const [file, wf] of Object.entries(stack.workflows)) {
			await page.goto(`${stack.url}/workflow/${wf.id}`);
			await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
			await page.waitForTimeout(1500);
			await page.keyboard.press('Escape');
			// "1" = zoom to fit in n8n's canvas.
			await page.locator('[data-test-id="canvas-wrapper"], .vue-flow').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
			await page.keyboard.press('1');
			await page.waitForTimeout(800);
			const png = path.join(OUT, file.replace(/\.json$/, '.png'));
			await page.screenshot({ path: png });
			console.log(`wrote ${path.relative(ROOT, png)}`);
		}
	} finally {
		await context.close();
		await stack.stop();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(e.stack ?? e.message);
	process.exit(1);
});
