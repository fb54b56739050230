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

/** Removes every occurrence of the secrets from a text (error messages must not leak the code). */
export function redact(text: string, secrets: Array<string | undefined>): string {
	let out = text;
	for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
	return out;
}

export function voicenterApiError(
	node: INode,
	envelope: VoicenterEnvelope,
	outcome: VoicenterOutcome,
	body: unknown,
	options: { itemIndex?: number; httpCode?: number; operation?: string } = {},
): NodeApiError {
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
	return error;
}

/** Throws a NodeApiError when the body reports an error; returns the body otherwise. */
export function checkVoicenterResponse<T>(
	node: INode,
	envelope: VoicenterEnvelope,
	body: T,
	options: { itemIndex?: number; httpCode?: number; operation?: string } = {},
): T {
	const outcome = readOutcome(envelope, body);
	if (!outcome.ok) throw voicenterApiError(node, envelope, outcome, body, options);
	return body;
}
