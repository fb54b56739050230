/**
 * Security for the inbound Voicenter webhooks (CDR §6, Screen Pop §5, IVR layer §8).
 *
 * Voicenter signs nothing and documents no authentication for the requests it sends, so the
 * triggers offer two independent checks, both optional:
 *  - a shared secret, carried in a query parameter or a header of the URL you give Voicenter
 *    (compared in constant time);
 *  - an IP / CIDR allowlist (IPv4 and IPv6, IPv4-mapped IPv6 understood), written here without
 *    node:net so the package keeps zero runtime dependencies.
 * The source address is the TCP peer; X-Forwarded-For is read only when "trust proxy" is on.
 */
import type { INodeProperties } from 'n8n-workflow';

/** Constant-time string comparison: the time taken does not depend on where the strings differ. */
export function constantTimeEqual(a: string, b: string): boolean {
	const max = Math.max(a.length, b.length);
	let diff = a.length ^ b.length;
	for (let i = 0; i < max; i++) {
		const x = i < a.length ? a.charCodeAt(i) : 0;
		const y = i < b.length ? b.charCodeAt(i) : 0;
		diff |= x ^ y;
	}
	return diff === 0;
}

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6), or undefined when it is not an IP address. */
export function parseIp(text: string): number[] | undefined {
	let s = text.trim();
	if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
	const zone = s.indexOf('%');
	if (zone >= 0) s = s.slice(0, zone);
	const v4 = parseIpv4(s);
	if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
	return parseIpv6(s);
}

function parseIpv4(s: string): number[] | undefined {
	const parts = s.split('.');
	if (parts.length !== 4) return undefined;
	const out: number[] = [];
	for (const p of parts) {
		if (!/^\d{1,3}$/.test(p)) return undefined;
		const n = Number(p);
		if (n > 255) return undefined;
		out.push(n);
	}
	return out;
}

function parseIpv6(s: string): number[] | undefined {
	if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return undefined;
	let tail: number[] = [];
	let text = s;
	// An embedded IPv4 address in the last 32 bits (::ffff:1.2.3.4, 64:ff9b::1.2.3.4)
	const lastColon = text.lastIndexOf(':');
	if (text.includes('.')) {
		const v4 = parseIpv4(text.slice(lastColon + 1));
		if (!v4) return undefined;
		tail = v4;
		text = `${text.slice(0, lastColon + 1)}0:0`;
	}
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const toGroups = (h: string): number[] | undefined => {
		if (h === '') return [];
		const groups: number[] = [];
		for (const g of h.split(':')) {
			if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
			groups.push(parseInt(g, 16));
		}
		return groups;
	};
	const head = toGroups(halves[0]);
	const rest = halves.length === 2 ? toGroups(halves[1]) : [];
	if (!head || !rest) return undefined;
	let groups: number[];
	if (halves.length === 2) {
		const missing = 8 - head.length - rest.length;
		if (missing < 1) return undefined;
		groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
	} else {
		groups = head;
	}
	if (groups.length !== 8) return undefined;
	const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
	if (tail.length) bytes.splice(12, 4, ...tail);
	return bytes;
}

export interface Cidr {
	bytes: number[];
	/** Prefix length over the 128-bit form (an IPv4 /24 is stored as /120). */
	prefix: number;
	text: string;
}

/** Parses "10.0.0.0/8", "2001:db8::/32", "1.2.3.4" (a /32) or "::1" (a /128). */
export function parseCidr(text: string): Cidr | undefined {
	const trimmed = text.trim();
	const slash = trimmed.indexOf('/');
	const addr = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
	const bytes = parseIp(addr);
	if (!bytes) return undefined;
	const isV4 = parseIpv4(addr.trim()) !== undefined;
	const max = isV4 ? 32 : 128;
	let prefix = max;
	if (slash >= 0) {
		const p = trimmed.slice(slash + 1);
		if (!/^\d{1,3}$/.test(p)) return undefined;
		prefix = Number(p);
		if (prefix > max) return undefined;
	}
	return { bytes, prefix: isV4 ? prefix + 96 : prefix, text: trimmed };
}

export function cidrContains(cidr: Cidr, ip: number[]): boolean {
	let bits = cidr.prefix;
	for (let i = 0; i < 16 && bits > 0; i++) {
		const take = Math.min(8, bits);
		const mask = (0xff << (8 - take)) & 0xff;
		if ((cidr.bytes[i] & mask) !== (ip[i] & mask)) return false;
		bits -= take;
	}
	return true;
}

/** Parses a comma/space/newline separated allowlist. Invalid entries are returned separately. */
export function parseAllowlist(text: string): { cidrs: Cidr[]; invalid: string[] } {
	const cidrs: Cidr[] = [];
	const invalid: string[] = [];
	for (const entry of text.split(/[\s,;]+/).filter((e) => e !== '')) {
		const cidr = parseCidr(entry);
		if (cidr) cidrs.push(cidr);
		else invalid.push(entry);
	}
	return { cidrs, invalid };
}

export function isIpAllowed(ip: string | undefined, cidrs: Cidr[]): boolean {
	if (!ip) return false;
	const bytes = parseIp(ip);
	if (!bytes) return false;
	return cidrs.some((c) => cidrContains(c, bytes));
}

/** The minimal request shape the checks read (an express Request or a node:http IncomingMessage). */
export interface RequestLike {
	headers: Record<string, string | string[] | undefined>;
	socket?: { remoteAddress?: string };
	url?: string;
	query?: unknown;
}

/**
 * The client's address: the TCP peer, or — only when the trigger is told to trust a reverse
 * proxy — the last X-Forwarded-For entry (the address the proxy itself saw).
 */
export function clientIp(req: RequestLike, trustForwardedFor: boolean): string | undefined {
	if (trustForwardedFor) {
		const xff = req.headers['x-forwarded-for'];
		const list = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s !== '');
		if (list.length) return list[list.length - 1];
	}
	return req.socket?.remoteAddress;
}

export type SecretLocation = 'none' | 'query' | 'header';

export interface SecuritySettings {
	secretLocation: SecretLocation;
	secretName: string;
	secret: string;
	ipAllowlist: string;
	trustForwardedFor: boolean;
}

export interface SecurityVerdict {
	ok: boolean;
	status?: 401 | 403;
	message?: string;
}

function queryValue(req: RequestLike, name: string): string | undefined {
	const q = req.query;
	if (q && typeof q === 'object') {
		const v = (q as Record<string, unknown>)[name];
		if (typeof v === 'string') return v;
		if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
		if (v !== undefined) return undefined;
	}
	const qs = (req.url ?? '').split('?')[1];
	if (!qs) return undefined;
	return new URLSearchParams(qs).get(name) ?? undefined;
}

/** Checks IP first (403), then the secret (401). Messages never contain the secret. */
export function checkRequestSecurity(req: RequestLike, settings: SecuritySettings): SecurityVerdict {
	if (settings.ipAllowlist.trim() !== '') {
		const { cidrs } = parseAllowlist(settings.ipAllowlist);
		if (!isIpAllowed(clientIp(req, settings.trustForwardedFor), cidrs)) {
			return { ok: false, status: 403, message: 'Forbidden: source address not allowed' };
		}
	}
	if (settings.secretLocation !== 'none') {
		const name = settings.secretName.trim();
		let given: string | undefined;
		if (settings.secretLocation === 'query') given = queryValue(req, name);
		else {
			const h = req.headers[name.toLowerCase()];
			given = Array.isArray(h) ? h[0] : h;
		}
		if (!settings.secret || given === undefined || !constantTimeEqual(given, settings.secret)) {
			return { ok: false, status: 401, message: 'Unauthorized: missing or wrong secret' };
		}
	}
	return { ok: true };
}

/** The security parameters shared by the three triggers (same names on each). */
export const securityProperties: INodeProperties[] = [
	{
		displayName: 'Shared Secret',
		name: 'secretLocation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'In a Query Parameter', value: 'query' },
			{ name: 'In a Header', value: 'header' },
		],
		default: 'none',
		description:
			'Voicenter signs nothing: add a secret to the URL you give Voicenter (query parameter) or send it as a header. A request without the right secret gets 401 and starts no execution.',
	},
	{
		displayName: 'Secret Parameter or Header Name',
		name: 'keyName',
		type: 'string',
		default: 'secret',
		displayOptions: { hide: { secretLocation: ['none'] } },
		description: 'Name of the query parameter (e.g. secret → ?secret=…) or of the header',
	},
	{
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: { hide: { secretLocation: ['none'] } },
	},
	{
		displayName: 'IP Allowlist',
		name: 'ipAllowlist',
		type: 'string',
		// Plain text only: an expression that failed to evaluate would silently allow everyone.
		noDataExpression: true,
		default: '',
		placeholder: '203.0.113.0/24, 2001:db8::/32',
		description:
			'IPv4/IPv6 addresses or CIDR ranges, comma-separated. Empty allows every address. Other addresses get 403 and start no execution.',
	},
	{
		displayName: 'Trust X-Forwarded-For',
		name: 'trustForwardedFor',
		type: 'boolean',
		default: false,
		description:
			'Whether n8n runs behind a reverse proxy you control: then the last X-Forwarded-For address is taken as the source address. Leave off otherwise, as the header can be forged.',
	},
];

/** Reads the security parameters of the current node. */
export function readSecuritySettings(
	getParam: (name: string, fallback: unknown) => unknown,
): SecuritySettings {
	return {
		secretLocation: getParam('secretLocation', 'none') as SecretLocation,
		secretName: String(getParam('keyName', 'secret') ?? 'secret'),
		secret: String(getParam('secret', '') ?? ''),
		ipAllowlist: String(getParam('ipAllowlist', '') ?? ''),
		trustForwardedFor: getParam('trustForwardedFor', false) === true,
	};
}
