/**
 * The one place for phone-number and extension-id rules (Voicenter §2.4, VoIPe §15).
 *
 * Accepted forms:
 *  - E.164 without the leading "+": 8–15 digits, not starting with 0 (972521234567).
 *    A leading "+" or "00" international prefix is stripped.
 *  - Israeli local numbers: a leading 0 and 9–10 digits in all (03-1234567, 050-1234567).
 *  - Voicenter extension ids (SIP user names such as SIPSIP, API1API2): letters and digits,
 *    at least one letter, 2–64 characters.
 * Spaces, dashes, dots and parentheses are removed before checking.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type PhoneKind = 'e164' | 'israeliLocal' | 'extension';

export interface PhoneRules {
	/** Accept Voicenter extension ids (SIP user names) as well as numbers. */
	allowExtension?: boolean;
	/** Special literal values accepted as they are (e.g. Click2Call's SIPTRUNK / logincode). */
	specialValues?: string[];
}

export interface NormalizedPhone {
	value: string;
	kind: PhoneKind | 'special';
}

const FORMATTING = /[\s\-.()]/g;
const EXTENSION = /^(?=.*[A-Za-z])[A-Za-z0-9_]{2,64}$/;

/** Returns the normalised value, or undefined when the input fits no rule. */
export function normalizePhone(raw: unknown, rules: PhoneRules = {}): NormalizedPhone | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
	if (typeof raw !== 'string') return undefined;
	const trimmed = raw.trim();
	if (trimmed === '') return undefined;
	if (rules.specialValues) {
		const special = rules.specialValues.find((s) => s.toLowerCase() === trimmed.toLowerCase());
		if (special !== undefined) return { value: special, kind: 'special' };
	}
	const compact = trimmed.replace(FORMATTING, '');
	let digits: string | undefined;
	if (/^\+\d+$/.test(compact)) digits = compact.slice(1);
	else if (/^00[1-9]\d+$/.test(compact)) digits = compact.slice(2);
	else if (/^\d+$/.test(compact)) digits = compact;
	if (digits !== undefined) {
		if (digits.startsWith('0')) {
			// Israeli local format (only without an international prefix)
			if (compact === digits && digits.length >= 9 && digits.length <= 10) {
				return { value: digits, kind: 'israeliLocal' };
			}
			return undefined;
		}
		if (digits.length >= 8 && digits.length <= 15) return { value: digits, kind: 'e164' };
		return undefined;
	}
	if (rules.allowExtension && EXTENSION.test(trimmed)) return { value: trimmed, kind: 'extension' };
	return undefined;
}

export function describeRules(rules: PhoneRules = {}): string {
	const parts = [
		'a phone number in E.164 without "+" (e.g. 972501234567)',
		'an Israeli number starting with 0 (e.g. 0501234567)',
	];
	if (rules.allowExtension) parts.push('a Voicenter extension id (e.g. SIPSIP)');
	if (rules.specialValues?.length) parts.push(rules.specialValues.join(' / '));
	return `Use ${parts.join(', ')}`;
}

/**
 * Validates one phone/extension field of one item, before any request is made.
 * Throws a NodeOperationError naming the field and the item.
 */
export function validatePhone(
	node: INode,
	itemIndex: number,
	fieldLabel: string,
	raw: unknown,
	rules: PhoneRules = {},
): string {
	const normalized = normalizePhone(raw, rules);
	if (normalized) return normalized.value;
	const shown = typeof raw === 'string' || typeof raw === 'number' ? `"${String(raw)}"` : 'an empty value';
	throw new NodeOperationError(node, `Invalid ${fieldLabel} ${shown} in item ${itemIndex}`, {
		itemIndex,
		description: describeRules(rules),
	});
}

/** True when the value is a Voicenter extension id rather than a number. */
export function isExtensionId(value: string): boolean {
	return EXTENSION.test(value) && !/^\d+$/.test(value);
}

/**
 * VoIPe PBX extensions (§15.1): the documented example is numeric (`200`), which is not a
 * phone number; SIP-style names are accepted too. Rule (inferred, the source is silent):
 * 2–6 digits, or a name of letters/digits/_ with at least one letter (2–64 characters).
 */
const PBX_EXTENSION_DIGITS = /^\d{2,6}$/;

export function validatePbxExtension(
	node: INode,
	itemIndex: number,
	fieldLabel: string,
	raw: unknown,
): string {
	const text =
		typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (PBX_EXTENSION_DIGITS.test(text) || EXTENSION.test(text)) return text;
	const shown = text === '' ? 'an empty value' : `"${text}"`;
	throw new NodeOperationError(node, `Invalid ${fieldLabel} ${shown} in item ${itemIndex}`, {
		itemIndex,
		description: 'Use a PBX extension number of 2–6 digits (e.g. 200) or a SIP extension name (e.g. SIPSIP)',
	});
}

/**
 * The international (E.164 without "+") form of a number, for comparing numbers written
 * differently: Israeli local 0XXXXXXXXX becomes 972XXXXXXXXX (§2.4). Undefined when the
 * value is not a phone number.
 */
export function toInternational(raw: unknown): string | undefined {
	const n = normalizePhone(raw);
	if (!n) return undefined;
	return n.kind === 'israeliLocal' ? `972${n.value.slice(1)}` : n.value;
}

/** True when two values are the same phone number (or the same literal text). */
export function samePhoneNumber(a: unknown, b: unknown): boolean {
	if (String(a ?? '') === String(b ?? '')) return true;
	const x = toInternational(a);
	return x !== undefined && x === toInternational(b);
}
