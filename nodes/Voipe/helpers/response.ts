/**
 * Reads the two documented VoIPe answers (§15) into one shape.
 *
 *  - Click2Call (dial.php): the serialization is not documented; the source shows
 *    `response: true` / `unique: 514574` lines. We also accept `response=true&unique=…`,
 *    `<br>`-separated lines, any whitespace, and a JSON object `{"response":true,"unique":…}`.
 *  - Mobile Click2Call (dial_external.php): JSON `{ "src", "uniqueid", "status" }`.
 *
 * Keys are matched case-insensitively (the prose capitalises them, §15.3). Success is
 * `response` true/1/yes/ok or `status` ok/success/true; anything else (false, error,
 * no recognisable field at all) is a failure.
 */
export interface VoipeAnswer {
	ok: boolean;
	/** True when neither `response` nor `status` could be read. */
	unrecognised: boolean;
	uniqueId: string | null;
	source?: string;
	status?: string;
	/** `response` as sent by the server ("true" / "false"), when present. */
	response?: string;
	/** An explicit message/error field from the server, when present. */
	message?: string;
	/** The answer as received: the JSON object when it was JSON, the text otherwise. */
	raw: string | Record<string, unknown>;
	/** The answer as text, whitespace collapsed (for error descriptions). */
	text: string;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'ok', 'success']);

function lowerKeys(obj: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(obj)) out[k.trim().toLowerCase()] = v;
	return out;
}

function scalar(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/** `key: value` / `key=value` pairs anywhere in a text answer. */
function readPairs(text: string): Record<string, string> {
	const pairs: Record<string, string> = {};
	const re = /([A-Za-z_]+)\s*[:=]\s*"?([^\s"&;,<]*)"?/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text)) !== null) {
		const key = m[1].toLowerCase();
		if (!(key in pairs)) pairs[key] = m[2];
	}
	return pairs;
}

function tryJson(text: string): Record<string, unknown> | undefined {
	if (!/^[{[]/.test(text)) return undefined;
	try {
		const parsed = JSON.parse(text) as unknown;
		if (Array.isArray(parsed) && parsed.length === 1) return tryObject(parsed[0]);
		return tryObject(parsed);
	} catch {
		return undefined;
	}
}

function tryObject(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

export function parseVoipeAnswer(body: unknown): VoipeAnswer {
	let raw: string | Record<string, unknown>;
	let fields: Record<string, unknown>;
	let text: string;
	let fromJson = true;
	if (typeof body === 'string' || body instanceof Uint8Array) {
		const str = (typeof body === 'string' ? body : new TextDecoder().decode(body)).replace(/^\uFEFF/, '');
		const json = tryJson(str.trim());
		raw = json ?? str;
		fields = json ? lowerKeys(json) : readPairs(str.replace(/<[^>]*>/g, '\n'));
		fromJson = json !== undefined;
		// A bare `true` / `false` answer (tolerated, not documented).
		if (!json && /^(true|false)$/i.test(str.trim())) fields = { response: str.trim() };
		text = str.replace(/<[^>]*>/g, ' ');
	} else {
		const obj = tryObject(body) ?? {};
		raw = obj;
		fields = lowerKeys(obj);
		text = JSON.stringify(body ?? '');
	}
	text = text.replace(/\s+/g, ' ').trim();

	const response = scalar(fields.response);
	const status = scalar(fields.status);
	const uniqueId = scalar(fields.uniqueid) ?? scalar(fields.unique) ?? null;
	const source = scalar(fields.src);
	// Free text after `error:` in a text answer is kept whole in `text`, not cut to one word.
	const message = !fromJson
		? undefined
		: (scalar(fields.message) ?? scalar(fields.error) ?? scalar(fields.reason) ?? scalar(fields.msg));
	const flags = [response, status].filter((v): v is string => v !== undefined && v !== '');
	const unrecognised = flags.length === 0;
	// Both fields present: both must say success.
	const ok = !unrecognised && flags.every((f) => TRUE_WORDS.has(f.toLowerCase()));

	const answer: VoipeAnswer = { ok, unrecognised, uniqueId: uniqueId === '' ? null : uniqueId, raw, text };
	if (source !== undefined && source !== '') answer.source = source;
	if (status !== undefined) answer.status = status;
	if (response !== undefined) answer.response = response;
	if (message !== undefined && message !== '' && message !== status) answer.message = message;
	return answer;
}
