/**
 * The one place that maps Voicenter answers to errors.
 *
 * Every Voicenter API reports its outcome in the body with its own field names (§2.3); the
 * Call Log API also uses HTTP 403/404. Each endpoint names its envelope here, and
 * `checkVoicenterResponse` turns a non-zero code into a NodeApiError that carries
 * Voicenter's own code and message.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export type VoicenterEnvelope =
	| 'click2call' // ERRORCODE / ERRORMESSAGE (§4.4)
	| 'callLog' // ERROR_NUMBER / ERROR_DESCRIPTION (§7.4)
	| 'blacklist' // ErrorCode / ErrorMessage (§9)
	| 'mute' // ErrorCode "200" = success / Message (§10.3)
	| 'monitor' // ERR / DESC (§11, §12)
	| 'dialer'; // ErrorCode / Description (§13)

interface EnvelopeSpec {
	code: string[];
	message: string[];
	ok: (code: number) => boolean;
}

const SPECS: Record<VoicenterEnvelope, EnvelopeSpec> = {
	click2call: { code: ['ERRORCODE'], message: ['ERRORMESSAGE'], ok: (c) => c === 0 },
	callLog: { code: ['ERROR_NUMBER'], message: ['ERROR_DESCRIPTION'], ok: (c) => c === 0 },
	blacklist: { code: ['ErrorCode'], message: ['ErrorMessage'], ok: (c) => c === 0 },
	mute: { code: ['ErrorCode'], message: ['Message'], ok: (c) => c === 200 },
	monitor: { code: ['ERR'], message: ['DESC'], ok: (c) => c === 0 },
	dialer: { code: ['ErrorCode'], message: ['Description'], ok: (c) => c === 0 },
};

/** Reads a key, tolerating documented typos such as a leading space (`" ErrorCode"`, §13.14). */
export function readKey(body: Record<string, unknown>, key: string): unknown {
	if (key in body) return body[key];
	for (const k of Object.keys(body)) if (k.trim() === key) return body[k];
	return undefined;
}

export interface VoicenterOutcome {
	ok: boolean;
	code: number | undefined;
	message: string;
}

export function readOutcome(envelope: VoicenterEnvelope, body: unknown): VoicenterOutcome {
	const spec = SPECS[envelope];
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, code: undefined, message: 'Unexpected response from Voicenter' };
	}
	const obj = body as Record<string, unknown>;
	let rawCode: unknown;
	for (const k of spec.code) if ((rawCode = readKey(obj, k)) !== undefined) break;
	let rawMessage: unknown;
	for (const k of spec.message) if ((rawMessage = readKey(obj, k)) !== undefined) break;
	// Codes arrive as numbers or numeric strings ("200", <string>1</string>): coerce (§17).
	const code = rawCode === undefined || rawCode === null || rawCode === '' ? undefined : Number(rawCode);
	const message = rawMessage === undefined || rawMessage === null ? '' : String(rawMessage);
	if (code === undefined || Number.isNaN(code)) {
		return { ok: false, code: undefined, message: message || 'Response without an error code' };
	}
	return { ok: spec.ok(code), code, message };
}

/** Shortest secret that is redacted: shorter values would blank out ordinary words. */
const MIN_SECRET_LENGTH = 3;

/**
 * The forms a secret can take in a text that echoes a request: as it is, URL-encoded (a query
 * string or a form body, `+` for spaces too) and JSON-escaped (a JSON body quoted in a message).
 */
export function secretVariants(secrets: Array<string | undefined | null>): string[] {
	const out = new Set<string>();
	for (const raw of secrets) {
		if (typeof raw !== 'string' || raw.length < MIN_SECRET_LENGTH) continue;
		out.add(raw);
		const trimmed = raw.trim();
		if (trimmed.length >= MIN_SECRET_LENGTH) out.add(trimmed);
		for (const s of [raw, trimmed]) {
			const encoded = encodeURIComponent(s);
			out.add(encoded);
			out.add(encoded.replace(/%20/g, '+'));
			out.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
			const json = JSON.stringify(s).slice(1, -1);
			out.add(json);
			// `\/` as PHP and .NET write it, and the XML-escaped form of an XML-RPC answer.
			out.add(json.replace(/\//g, '\\/'));
			out.add(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
		}
	}
	// Longest first, so a secret that contains another is replaced whole.
	return [...out].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Removes every occurrence of the secrets from a text (error messages must not leak the code). */
export function redact(text: string, secrets: Array<string | undefined | null>): string {
	if (typeof text !== 'string' || text === '') return text;
	let out = text;
	for (const s of secretVariants(secrets)) if (out.includes(s)) out = out.split(s).join('***');
	return out;
}

/**
 * A copy of any JSON-like value (an answer body, an error's context) with every secret removed
 * from every string in it, keys included. Cycles are cut; class instances other than plain
 * objects and arrays are copied as plain objects of their own enumerable properties.
 */
export function redactDeep<T>(value: T, secrets: Array<string | undefined | null>): T {
	const variants = secretVariants(secrets);
	if (variants.length === 0) return value;
	const seen = new WeakMap<object, unknown>();
	const scrub = (text: string): string => {
		let out = text;
		for (const s of variants) if (out.includes(s)) out = out.split(s).join('***');
		return out;
	};
	const walk = (v: unknown, depth: number): unknown => {
		if (typeof v === 'string') return scrub(v);
		if (v === null || typeof v !== 'object') return v;
		if (seen.has(v)) return seen.get(v);
		if (depth > 50) return '[redacted: too deep]';
		if (v instanceof Uint8Array) return scrub(new TextDecoder().decode(v));
		if (Array.isArray(v)) {
			const arr: unknown[] = [];
			seen.set(v, arr);
			for (const x of v) arr.push(walk(x, depth + 1));
			return arr;
		}
		const obj: Record<string, unknown> = {};
		seen.set(v, obj);
		for (const [k, x] of Object.entries(v as Record<string, unknown>)) obj[scrub(k)] = walk(x, depth + 1);
		return obj;
	};
	return walk(value, 0) as T;
}

/** Whether a text or any string inside a value contains one of the secrets (for checks and tests). */
export function containsSecret(value: unknown, secrets: Array<string | undefined | null>): boolean {
	const variants = secretVariants(secrets);
	if (variants.length === 0) return false;
	let text: string;
	try {
		text = typeof value === 'string' ? value : JSON.stringify(value);
	} catch {
		text = String(value);
	}
	return variants.some((s) => text.includes(s));
}

/**
 * Removes the secrets from every part of an error that n8n shows, logs or saves: message,
 * description, the messages list, context, the error response and the cause (replaced by a
 * redacted plain copy), the stack, and whatever else the error carries as own properties
 * (except the node). Mutates and returns the same error, so its class (NodeApiError,
 * NodeOperationError) is kept. Generic: every credential's secrets go through it.
 */
export function redactError<E>(error: E, secrets: Array<string | undefined | null>): E {
	if (!error || typeof error !== 'object' || secretVariants(secrets).length === 0) return error;
	const target = error as unknown as Record<string, unknown>;
	for (const key of [...Object.getOwnPropertyNames(target), 'message', 'stack', 'description', 'cause']) {
		if (key === 'node') continue;
		const value = target[key];
		if (value === undefined || value === null || typeof value === 'function') continue;
		let next: unknown;
		if (typeof value === 'string') next = redact(value, secrets);
		else if (value instanceof Error) next = redactDeep({ ...value, message: value.message, name: value.name }, secrets);
		else if (typeof value === 'object') next = redactDeep(value, secrets);
		else continue;
		if (next === value) continue;
		try {
			Object.defineProperty(target, key, { value: next, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(target, key) });
		} catch {
			// A frozen property stays as it is.
		}
	}
	return error;
}

export interface VoicenterErrorOptions {
	itemIndex?: number;
	httpCode?: number;
	operation?: string;
	/** Credential secrets to remove from every part of the error (the transport passes them). */
	secrets?: Array<string | undefined>;
}

export function voicenterApiError(
	node: INode,
	envelope: VoicenterEnvelope,
	rawOutcome: VoicenterOutcome,
	rawBody: unknown,
	options: VoicenterErrorOptions = {},
): NodeApiError {
	const secrets = options.secrets ?? [];
	const outcome = secrets.length ? { ...rawOutcome, message: redact(rawOutcome.message, secrets) } : rawOutcome;
	const body = secrets.length ? redactDeep(rawBody, secrets) : rawBody;
	const codeText = outcome.code === undefined ? '' : ` (code ${outcome.code})`;
	const message = `Voicenter: ${outcome.message || 'request failed'}${codeText}`;
	const error = new NodeApiError(node, (body ?? {}) as JsonObject, {
		message,
		description: options.operation
			? `Voicenter rejected ${options.operation}${codeText}: ${outcome.message}`
			: undefined,
		httpCode: options.httpCode !== undefined ? String(options.httpCode) : undefined,
		itemIndex: options.itemIndex,
	});
	// Keep Voicenter's own code and message on the error for continueOnFail output.
	error.context.voicenterCode = outcome.code;
	error.context.voicenterMessage = outcome.message;
	error.context.envelope = envelope;
	return secrets.length ? redactError(error, secrets) : error;
}

/** Throws a NodeApiError when the body reports an error; returns the body otherwise. */
export function checkVoicenterResponse<T>(
	node: INode,
	envelope: VoicenterEnvelope,
	body: T,
	options: VoicenterErrorOptions = {},
): T {
	const outcome = readOutcome(envelope, body);
	if (!outcome.ok) throw voicenterApiError(node, envelope, outcome, body, options);
	return body;
}
