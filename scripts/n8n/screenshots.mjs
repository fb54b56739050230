#!/usr/bin/env node
/**
 * Takes the README pictures: each example workflow's canvas in the real n8n editor, headless.
 *
 *   node scripts/n8n/screenshots.mjs            # writes examples/img/<example>.png
 *
 * Needs Chromium (Debian: apt-get install -y chromium); CI does not run this.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { OWNER, ROOT, startStack } from './stack.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const OUT = path.join(ROOT, 'examples', 'img');

async function main() {
	const stack = await startStack({ userFolder: path.join(ROOT, '.cache', 'screenshots-home'), fresh: true });
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
