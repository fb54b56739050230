/**
 * External Layer API (§8): the IVR_LAYER_INPUT request Voicenter POSTs, and the three answers
 * (GO_TO_LAYER §8.3, SAY_DIGITS §8.4, DIAL §8.5). One schema check serves the Respond node
 * (validate before answering), the IVR Trigger's answer guard and the simulator.
 */
import { normalizePhone } from './phone';

export interface IvrLayerInput {
	METHOD: 'IVR_LAYER_INPUT';
	DID: string;
	CALLER_ID: string;
	IVR_UNIQUE_ID: string;
	DTMF: string;
	LAYER_ID: number;
	PREVIOUS_LAYER_ID: number | null;
}

const MAX_FIELD = 512;

function asText(v: unknown, name: string, errors: string[], required: boolean): string {
	if (v === undefined || v === null || v === '') {
		if (required) errors.push(`${name} is missing`);
		return '';
	}
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	if (typeof v !== 'string') {
		errors.push(`${name} must be a string`);
		return '';
	}
	if (v.length > MAX_FIELD) {
		errors.push(`${name} is too long`);
		return '';
	}
	return v;
}

/** Integers arrive as 5 or "5" (§8.7): both become numbers. */
export function asInteger(v: unknown): number | undefined {
	if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
	if (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v)) return Number(v.trim());
	return undefined;
}

/** Parses and checks the request body; returns the flat item or the list of problems. */
export function parseIvrLayerInput(body: unknown): { data?: IvrLayerInput; errors: string[] } {
	const errors: string[] = [];
	if (!body || typeof body !== 'object' || Array.isArray(body))
		return { errors: ['Body must be a JSON object'] };
	const b = body as Record<string, unknown>;
	if (b.METHOD !== 'IVR_LAYER_INPUT') errors.push('METHOD must be IVR_LAYER_INPUT');
	let data = b.DATA;
	// DATA is typed "string" in the table (§8.1): accept a JSON-encoded object too.
	if (typeof data === 'string' && data.length <= 8192) {
		try {
			data = JSON.parse(data);
		} catch {
			errors.push('DATA is not valid JSON');
		}
	}
	if (!data || typeof data !== 'object' || Array.isArray(data)) {
		if (!errors.length || errors.every((e) => !e.startsWith('DATA'))) errors.push('DATA must be an object');
		return { errors };
	}
	const d = data as Record<string, unknown>;
	const DID = asText(d.DID, 'DATA.DID', errors, false);
	const CALLER_ID = asText(d.CALLER_ID, 'DATA.CALLER_ID', errors, false);
	const IVR_UNIQUE_ID = asText(d.IVR_UNIQUE_ID, 'DATA.IVR_UNIQUE_ID', errors, true);
	// DTMF defaults to "0" when nothing was pressed (§8.1); kept as text (leading zeros of ids).
	const DTMF = asText(d.DTMF, 'DATA.DTMF', errors, false) || '0';
	const layer = asInteger(d.LAYER_ID);
	if (layer === undefined) errors.push('DATA.LAYER_ID must be an integer');
	let previous: number | null = null;
	if (d.PREVIOUS_LAYER_ID !== undefined && d.PREVIOUS_LAYER_ID !== null && d.PREVIOUS_LAYER_ID !== '') {
		const p = asInteger(d.PREVIOUS_LAYER_ID);
		if (p === undefined) errors.push('DATA.PREVIOUS_LAYER_ID must be an integer');
		else previous = p;
	}
	if (errors.length) return { errors };
	return {
		data: {
			METHOD: 'IVR_LAYER_INPUT',
			DID,
			CALLER_ID,
			IVR_UNIQUE_ID,
			DTMF,
			LAYER_ID: layer as number,
			PREVIOUS_LAYER_ID: previous,
		},
		errors,
	};
}

export const IVR_ACTIONS = ['GO_TO_LAYER', 'SAY_DIGITS', 'DIAL'] as const;
export const RECORD_TYPES = ['Digits', 'Number', 'Date', 'DateTime', 'Recording'] as const;
export const LANGUAGES = ['HE', 'EN', 'AR', 'RU'] as const;

const isLayer = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isOptionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const isOptionalObject = (v: unknown) =>
	v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const ISO_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

/** Checks one SAY_DIGITS item; returns a problem or undefined. */
export function checkPlayItem(item: unknown, index: number): string | undefined {
	if (!item || typeof item !== 'object') return `DATA[${index}] must be an object`;
	const { RecordType, Content } = item as Record<string, unknown>;
	if (!RECORD_TYPES.includes(RecordType as (typeof RECORD_TYPES)[number]))
		return `DATA[${index}].RecordType must be one of ${RECORD_TYPES.join(', ')}`;
	if (typeof Content !== 'string' || Content === '')
		return `DATA[${index}].Content must be a non-empty string`;
	if ((RecordType === 'Digits' || RecordType === 'Number') && !/^\d+$/.test(Content))
		return `DATA[${index}].Content must contain digits only for ${RecordType}`;
	if (RecordType === 'Date' && !ISO_DATE.test(Content))
		return `DATA[${index}].Content must be an ISO date YYYY-MM-DD`;
	if (RecordType === 'DateTime' && !ISO_DATE_TIME.test(Content))
		return `DATA[${index}].Content must be an ISO date-time YYYY-MM-DDTHH:mm:ss`;
	return undefined;
}

/**
 * Checks an answer against the documented shapes (§8.2–8.5). Returns the list of problems
 * (empty = valid). Used by the Respond node, the IVR Trigger's guard and the simulator.
 */
export function validateIvrAnswer(answer: unknown): string[] {
	if (!answer || typeof answer !== 'object' || Array.isArray(answer))
		return ['The answer must be a JSON object'];
	const a = answer as Record<string, unknown>;
	const errors: string[] = [];
	if (a.STATUS !== 0 && a.STATUS !== 1) errors.push('STATUS must be 0 or 1');
	switch (a.ACTION) {
		case 'GO_TO_LAYER':
			if (!isLayer(a.LAYER)) errors.push('LAYER must be a non-negative integer');
			if (!isOptionalText(a.CALLER_NAME)) errors.push('CALLER_NAME must be a string or null');
			if (!isOptionalObject(a.CUSTOM_DATA)) errors.push('CUSTOM_DATA must be an object or null');
			break;
		case 'SAY_DIGITS':
			if (!isLayer(a.NEXT_LAYER)) errors.push('NEXT_LAYER must be a non-negative integer');
			if (a.NEXT_LAYER_IF_FAILED !== undefined && !isLayer(a.NEXT_LAYER_IF_FAILED))
				errors.push('NEXT_LAYER_IF_FAILED must be a non-negative integer');
			if (a.LANGUAGE !== undefined && !LANGUAGES.includes(a.LANGUAGE as (typeof LANGUAGES)[number]))
				errors.push(`LANGUAGE must be one of ${LANGUAGES.join(', ')}`);
			if (!Array.isArray(a.DATA) || a.DATA.length === 0) errors.push('DATA must be a non-empty array');
			else
				a.DATA.forEach((item, i) => {
					const p = checkPlayItem(item, i);
					if (p) errors.push(p);
				});
			break;
		case 'DIAL':
			if (typeof a.CALLER_ID !== 'string' || !normalizePhone(a.CALLER_ID))
				errors.push('CALLER_ID must be a phone number');
			if (!isOptionalText(a.CALLER_NAME)) errors.push('CALLER_NAME must be a string');
			if (!isLayer(a.MAX_CALL_DURATION) || (a.MAX_CALL_DURATION as number) < 1)
				errors.push('MAX_CALL_DURATION must be a positive integer');
			if (
				a.MAX_DIAL_DURATION !== undefined &&
				(!isLayer(a.MAX_DIAL_DURATION) || (a.MAX_DIAL_DURATION as number) < 1)
			)
				errors.push('MAX_DIAL_DURATION must be a positive integer');
			if (!isLayer(a.NEXT_VO_ID)) errors.push('NEXT_VO_ID must be a non-negative integer');
			if (a.RECORDING !== 'yes' && a.RECORDING !== 'no') errors.push('RECORDING must be "yes" or "no"');
			if (!Array.isArray(a.TARGETS) || a.TARGETS.length === 0)
				errors.push('TARGETS must be a non-empty array');
			else
				a.TARGETS.forEach((t, i) => {
					const { TYPE, TARGET } = (t ?? {}) as Record<string, unknown>;
					if (TYPE === 'PHONE') {
						if (!normalizePhone(TARGET)) errors.push(`TARGETS[${i}].TARGET must be a phone number`);
					} else if (TYPE === 'EXTENSION') {
						if (!normalizePhone(TARGET, { allowExtension: true }))
							errors.push(`TARGETS[${i}].TARGET must be an extension id`);
					} else errors.push(`TARGETS[${i}].TYPE must be PHONE or EXTENSION`);
				});
			if (!isOptionalObject(a.CUSTOM_DATA)) errors.push('CUSTOM_DATA must be an object');
			break;
		default:
			errors.push(`ACTION must be one of ${IVR_ACTIONS.join(', ')}`);
	}
	return errors;
}

/** The fallback answer: send the caller to a layer. */
export function goToLayerAnswer(layer: number, status: 0 | 1 = 0): Record<string, unknown> {
	return { STATUS: status, ACTION: 'GO_TO_LAYER', LAYER: layer };
}
