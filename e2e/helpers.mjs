/**
 * E2E helpers: HTTP calls to n8n's production webhooks and validators of the documented
 * answer schemas (shared/api-reference.md §5.2 screen pop, §6.5 CDR acknowledgement,
 * §8.2–8.5 IVR External Layer).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { ROOT } from '../scripts/n8n/stack.mjs';

export async function postJson(url, body, headers = {}) {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	return await readResponse(res);
}

export async function postForm(url, fields) {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString(),
	});
	return await readResponse(res);
}

export async function get(url) {
	return await readResponse(await fetch(url));
}

async function readResponse(res) {
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

const isInt = (v) => Number.isInteger(v);

/** §8.2–8.5: the IVR answer, per action. Returns the answer. */
export function assertIvrAnswer(answer) {
	assert.equal(typeof answer, 'object', 'IVR answer is a JSON object');
	assert.ok([0, 1].includes(answer.STATUS), `STATUS is 0 or 1 (an int), got ${JSON.stringify(answer.STATUS)}`);
	assert.ok(['GO_TO_LAYER', 'SAY_DIGITS', 'DIAL'].includes(answer.ACTION), `ACTION is documented: ${answer.ACTION}`);
	if (answer.ACTION === 'GO_TO_LAYER') {
		assert.ok(isInt(answer.LAYER), 'GO_TO_LAYER has an int LAYER');
		if ('CALLER_NAME' in answer) assert.ok(answer.CALLER_NAME === null || typeof answer.CALLER_NAME === 'string');
		if ('CUSTOM_DATA' in answer)
			assert.ok(answer.CUSTOM_DATA === null || (typeof answer.CUSTOM_DATA === 'object' && !Array.isArray(answer.CUSTOM_DATA)));
	}
	if (answer.ACTION === 'SAY_DIGITS') {
		assert.ok(isInt(answer.NEXT_LAYER), 'SAY_DIGITS has an int NEXT_LAYER');
		assert.ok(Array.isArray(answer.DATA) && answer.DATA.length > 0, 'SAY_DIGITS has DATA items');
		for (const item of answer.DATA) {
			assert.ok(['Digits', 'Number', 'Date', 'DateTime', 'Recording'].includes(item.RecordType));
			assert.equal(typeof item.Content, 'string');
		}
		if ('LANGUAGE' in answer) assert.ok(['HE', 'EN', 'AR', 'RU'].includes(answer.LANGUAGE));
	}
	if (answer.ACTION === 'DIAL') {
		assert.equal(typeof answer.CALLER_ID, 'string', 'DIAL has a CALLER_ID');
		assert.ok(isInt(answer.MAX_CALL_DURATION), 'DIAL has an int MAX_CALL_DURATION');
		assert.ok(isInt(answer.NEXT_VO_ID), 'DIAL has an int NEXT_VO_ID');
		assert.ok(['yes', 'no'].includes(answer.RECORDING), 'DIAL RECORDING is "yes" or "no"');
		assert.ok(Array.isArray(answer.TARGETS) && answer.TARGETS.length > 0, 'DIAL has TARGETS');
		for (const t of answer.TARGETS) {
			assert.ok(['PHONE', 'EXTENSION'].includes(t.TYPE));
			assert.equal(typeof t.TARGET, 'string');
		}
	}
	return answer;
}

/** §6.5: HTTP 200 with { err: 0, errdesc: "OK" }. */
export function assertCdrAck(res) {
	assert.equal(res.status, 200, `CDR acknowledgement is HTTP 200: ${res.text}`);
	assert.deepEqual(res.json, { err: 0, errdesc: 'OK' });
}

/** §5.2: { STATUS: "OK", URL?, CLIENTNAME?, TOTAL?, COMPANY? } with those types. */
export function assertScreenPopAnswer(answer) {
	assert.equal(answer.STATUS, 'OK');
	const allowed = ['STATUS', 'URL', 'CLIENTNAME', 'TOTAL', 'COMPANY'];
	for (const k of Object.keys(answer)) assert.ok(allowed.includes(k), `undocumented screen-pop field ${k}`);
	if ('URL' in answer) assert.equal(typeof answer.URL, 'string');
	if ('CLIENTNAME' in answer) assert.equal(typeof answer.CLIENTNAME, 'string');
	if ('COMPANY' in answer) assert.equal(typeof answer.COMPANY, 'string');
	if ('TOTAL' in answer) assert.ok(isInt(answer.TOTAL));
	return answer;
}

/**
 * The node type names this package ships, read from the built package (package.json
 * "n8n.nodes" → each class's description.name), prefixed as n8n names community nodes.
 */
export function shippedNodeTypes() {
	const require = createRequire(path.join(ROOT, 'package.json'));
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const names = [];
	for (const file of pkg.n8n.nodes) {
		const mod = require(path.join(ROOT, file));
		for (const Cls of Object.values(mod)) {
			if (typeof Cls !== 'function' || !/^class\b/.test(Function.prototype.toString.call(Cls))) continue;
			const instance = new Cls();
			const name = instance.description?.name;
			if (name) names.push(`${pkg.name}.${name}`);
		}
	}
	return names;
}

export function shippedCredentialTypes() {
	const require = createRequire(path.join(ROOT, 'package.json'));
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const names = [];
	for (const file of pkg.n8n.credentials) {
		const mod = require(path.join(ROOT, file));
		for (const Cls of Object.values(mod)) {
			if (typeof Cls !== 'function' || !/^class\b/.test(Function.prototype.toString.call(Cls))) continue;
			const name = new Cls().name;
			if (name) names.push(name);
		}
	}
	return names;
}

/** Parses the CSV the sync example writes (RFC 4180: quotes, doubled quotes, CRLF or LF). */
export function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	const [header = [], ...data] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
	return { header, rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}
