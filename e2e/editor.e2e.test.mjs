/**
 * End-to-end: what the real n8n editor shows of the package, read from the node type
 * descriptions n8n itself serves to the editor (`/types/nodes.json`, after n8n's loader has
 * added its own parameters, e.g. the CORS field of `supportsCORS` triggers):
 *
 *  - the action texts of every operation (what the node creator lists and what a new node is
 *    named on the canvas) in n8n's style: "Make a call", "Hang up a call", …;
 *  - one spelling of Click2Call in every text a user reads (no "Click2call", "click to call");
 *  - the Voicenter Respond node: placeholders instead of n8n's generic "Choose…", "at least one"
 *    said for Say Digits / Dial, a subtitle in words, its CORS field pointing at the trigger's;
 *  - the VoIPe node's newest version is the one new workflows get;
 *  - one `allowedOrigins` on the Screen Pop Trigger's newest version (see the note on that test).
 *
 *   npm run test:e2e        (boots its own n8n without the examples: about a minute)
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, startStack } from '../scripts/n8n/stack.mjs';

const PKG = 'n8n-nodes-voicenter';

let stack;
/** Every description n8n serves for our package (one entry per node, or per version). */
let types = [];
let credentialTypes = [];

before(
	async () => {
		stack = await startStack({
			userFolder: path.join(ROOT, '.cache', 'editor-e2e-home'),
			fresh: true,
			examples: false,
			// a loaded machine may take more than the default 4 minutes to boot n8n
			readyTimeoutMs: 10 * 60 * 1000,
			log: (line) => console.log(`# [editor-e2e] ${line}`),
		});
		types = (await stack.client.nodeTypes()).filter((t) => t.name.startsWith(`${PKG}.`));
		credentialTypes = await stack.client.credentialTypes();
	},
	{ timeout: 30 * 60 * 1000 },
);

after(async () => {
	await stack?.stop();
});

const maxVersion = (t) => (Array.isArray(t.version) ? Math.max(...t.version) : t.version);

/** The description of a node's newest version (n8n lists a versioned node once per version class). */
function newest(name) {
	const list = types.filter((t) => t.name === `${PKG}.${name}`);
	assert.ok(list.length, `n8n lists ${PKG}.${name}`);
	return list.sort((a, b) => maxVersion(b) - maxVersion(a))[0];
}

/** Whether a property is shown for a given typeVersion (only `@version` conditions are read). */
function shownForVersion(prop, version) {
	const check = (cond) =>
		cond.some((c) => {
			if (typeof c === 'number') return c === version;
			const cnd = c?._cnd;
			if (!cnd) return false;
			if ('gte' in cnd) return version >= cnd.gte;
			if ('lte' in cnd) return version <= cnd.lte;
			if ('gt' in cnd) return version > cnd.gt;
			if ('lt' in cnd) return version < cnd.lt;
			if ('eq' in cnd) return version === cnd.eq;
			return false;
		});
	const show = prop.displayOptions?.show?.['@version'];
	const hide = prop.displayOptions?.hide?.['@version'];
	if (show && !check(show)) return false;
	if (hide && check(hide)) return false;
	return true;
}

/** Every operation option (with its `action` text) of a node, with the resource it belongs to. */
function operations(type) {
	const out = [];
	for (const p of type.properties) {
		if (p.name !== 'operation' || p.type !== 'options') continue;
		const resources = p.displayOptions?.show?.resource ?? [''];
		for (const o of p.options) for (const r of resources) out.push({ resource: r, ...o });
	}
	return out;
}

/** Every text a user reads in a description (display names, descriptions, actions, hints…). */
function userTexts(value, out = []) {
	if (Array.isArray(value)) {
		for (const v of value) userTexts(v, out);
	} else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (['displayName', 'description', 'action', 'placeholder', 'hint', 'subtitle'].includes(k) && typeof v === 'string') out.push(v);
			// An option's `name` is its label; a property's `name` is its parameter id (not shown).
			else if (k === 'name' && typeof v === 'string' && 'value' in value) out.push(v);
			else if (k !== 'default' && k !== 'value') userTexts(v, out);
		}
	}
	return out;
}

describe('node creator and canvas names', () => {
	test('every operation has an action text in n8n\'s style', () => {
		for (const name of ['voicenter', 'voipe']) {
			for (const op of operations(newest(name))) {
				assert.ok(op.action, `${name} ${op.resource}/${op.value} has an action text`);
				// Sentence case, a verb first, no trailing period: "Make a call", "Get many campaigns".
				assert.match(op.action, /^[A-Z][a-z]+( [^ ]+)*$/, `${name} ${op.resource}/${op.value}: "${op.action}"`);
				assert.doesNotMatch(op.action, /\.$|  /, op.action);
			}
		}
		const voicenter = Object.fromEntries(operations(newest('voicenter')).map((o) => [`${o.resource}/${o.value}`, o.action]));
		assert.equal(voicenter['click2Call/call'], 'Make a call');
		assert.equal(voicenter['click2Call/terminate'], 'Hang up a call');
		assert.equal(voicenter['blacklist/add'], 'Add a number to the blacklist');
		assert.equal(voicenter['extension/getMany'], 'Get many extensions');
		assert.equal(voicenter['campaign/getAll'], 'Get many campaigns');
		const voipe = Object.fromEntries(operations(newest('voipe')).map((o) => [o.value, o.action]));
		assert.deepEqual(voipe, { click2call: 'Make a call from an extension', mobileClick2call: 'Make a call from a mobile phone' });
	});

	test('one spelling of Click2Call in every text of every node and credential of the package', () => {
		const ours = credentialTypes.filter((c) => /^(voicenter|voipe)/i.test(c.name));
		assert.ok(ours.length >= 2, 'our credentials are listed');
		const texts = [...types.flatMap((t) => userTexts(t)), ...ours.flatMap((c) => userTexts(c))];
		assert.ok(texts.length > 100, `read ${texts.length} texts`);
		const wrong = [];
		for (const text of texts) {
			if (/click[\s-]*to[\s-]*call/i.test(text)) wrong.push(text);
			// "Click2Call" only; the API's own lowercase names (click2call.aspx) may be quoted.
			for (const m of text.matchAll(/click\s*2\s*call(\.aspx)?/gi)) if (m[0] !== 'Click2Call' && !m[1]) wrong.push(text);
		}
		assert.deepEqual(wrong, []);
	});

	test('descriptions use plain words, not the API\'s action names', () => {
		for (const name of ['voicenter', 'voicenterRespond']) {
			const d = newest(name).description;
			assert.doesNotMatch(d, /GO_TO_LAYER|SAY_DIGITS|\bDIAL\b|XML-RPC/, `${name}: ${d}`);
		}
		assert.match(newest('voicenterRespond').description, /route the caller: send to a layer, read out digits, forward the call/);
	});

	test('new VoIPe nodes get the version with VoIPe\'s documented field names', () => {
		const voipe = newest('voipe');
		assert.deepEqual(voipe.version, [1, 2]);
		assert.equal(voipe.defaultVersion, 2);
	});
});

describe('Voicenter Respond panel', () => {
	const prop = (name) => {
		const p = newest('voicenterRespond').properties.find((x) => x.name === name);
		assert.ok(p, `Respond has ${name}`);
		return p;
	};

	test('Playback and Targets have their own placeholders and say that one entry is needed', () => {
		assert.equal(prop('playback').placeholder, 'Add Playback Item');
		assert.equal(prop('targets').placeholder, 'Add Target');
		assert.match(prop('playback').description, /at least one/i);
		assert.match(prop('targets').description, /at least one/i);
	});

	test('answers are grouped by the trigger they answer; the subtitle is words', () => {
		assert.deepEqual(
			prop('respondTo').options.map((o) => o.value),
			['ivr', 'screenPop'],
		);
		const subtitle = newest('voicenterRespond').subtitle;
		for (const words of ['Go to layer ', 'Say digits, then layer ', 'Dial, on failure layer ', 'Screen pop: contact found']) {
			assert.ok(subtitle.includes(words), `subtitle says "${words}"`);
		}
		assert.deepEqual(
			prop('action').options.map((o) => o.action),
			['Send the caller to a layer', 'Read out digits to the caller', 'Forward the call'],
		);
	});

	test('its CORS field says that the Screen Pop Trigger\'s Allowed Origins governs', () => {
		assert.match(prop('allowedOrigin').description, /Screen Pop Trigger.*Allowed Origins \(CORS\)/);
		assert.match(prop('corsNotice').displayName, /Screen Pop Trigger/);
	});
});

describe('Screen Pop Trigger', () => {
	// Enabled by itself once the trigger has a second version: the "ivr" branch adds one that
	// drops the trigger's own CORS field, so that n8n's own "Allowed Origins (CORS)" (added by
	// supportsCORS) is the only one. Before that merge the newest version is 1, which still
	// shows both fields, and the test is skipped. LEAD: after merging "ivr", check it runs.
	const pending = () => maxVersion(newest('voicenterScreenPopTrigger')) <= 1;

	test('one allowedOrigins field on the newest version (pending the "ivr" branch)', (t) => {
		if (pending()) {
			t.skip('Screen Pop Trigger has only typeVersion 1 here: enable after merging the "ivr" branch');
			return;
		}
		const trigger = newest('voicenterScreenPopTrigger');
		const version = maxVersion(trigger);
		const fields = [];
		for (const p of trigger.properties) {
			if (!shownForVersion(p, version)) continue;
			if (p.name === 'allowedOrigins') fields.push(p.name);
			for (const o of p.type === 'collection' ? (p.options ?? []) : []) if (o.name === 'allowedOrigins') fields.push(`${p.name}.${o.name}`);
		}
		assert.equal(fields.length, 1, `allowedOrigins fields on typeVersion ${version}: ${fields.join(', ')}`);
	});
});
