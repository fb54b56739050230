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
 *
 * The secret lives in a Voicenter Webhook Secret API credential (encrypted by n8n, never in the
 * workflow JSON or its executions). Workflows saved before the credential existed keep their
 * secret in the node parameters (`secretLocation`, `keyName`, `secret`); it is still read.
 */
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialDescription,
	INodeCredentialTestResult,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

/** The credential type of the webhook shared secret (credentials/VoicenterWebhookApi.credentials.ts). */
export const WEBHOOK_CREDENTIAL_NAME = 'voicenterWebhookApi';

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
 * One X-Forwarded-For (or peer) entry as a bare address: some proxies append the port
 * (`10.20.30.5:5555`), and IPv6 comes bracketed, with or without a port (`[2001:db8::1]:443`).
 * A bare IPv6 address (`2001:db8::1`) has colons of its own and is kept as it is.
 */
export function stripPort(entry: string): string {
	let s = entry.trim();
	// RFC 7239 style quoting (`"[2001:db8::1]:443"`) as some proxies copy it into X-Forwarded-For.
	if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
	if (s.startsWith('[')) {
		const close = s.indexOf(']');
		if (close > 0) {
			const rest = s.slice(close + 1);
			if (rest === '' || /^:\d{1,5}$/.test(rest)) return s.slice(1, close);
		}
		return s;
	}
	const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(s);
	if (m) return m[1];
	return s;
}

/**
 * The client's address: the TCP peer, or — only when the trigger is told to trust a reverse
 * proxy — the last X-Forwarded-For entry (the address the proxy itself saw), port removed.
 */
export function clientIp(req: RequestLike, trustForwardedFor: boolean): string | undefined {
	if (trustForwardedFor) {
		const xff = req.headers['x-forwarded-for'];
		const list = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s !== '');
		if (list.length) return stripPort(list[list.length - 1]);
	}
	return req.socket?.remoteAddress;
}

export type SecretLocation = 'none' | 'query' | 'header';

export interface SecuritySettings {
	/** The legacy secret in the node parameters (workflows from before the credential). */
	secretLocation: SecretLocation;
	secretName: string;
	secret: string;
	ipAllowlist: string;
	trustForwardedFor: boolean;
	/** The secret of the Voicenter Webhook Secret credential, when Authentication uses it. */
	credential?: { location: 'query' | 'header'; name: string; secret: string };
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

function givenSecret(req: RequestLike, location: 'query' | 'header', rawName: string): string | undefined {
	const name = rawName.trim();
	if (name === '') return undefined;
	if (location === 'query') return queryValue(req, name);
	const h = req.headers[name.toLowerCase()];
	return Array.isArray(h) ? h[0] : h;
}

const UNAUTHORIZED: SecurityVerdict = { ok: false, status: 401, message: 'Unauthorized: missing or wrong secret' };

/**
 * Checks IP first (403), then the secret(s) (401): the credential's when Authentication uses
 * it, and the legacy parameter's when one is set — each configured check must pass. Messages
 * never contain the secret. A credential without a secret refuses everything (fail closed).
 */
export function checkRequestSecurity(req: RequestLike, settings: SecuritySettings): SecurityVerdict {
	if (settings.ipAllowlist.trim() !== '') {
		const { cidrs } = parseAllowlist(settings.ipAllowlist);
		if (!isIpAllowed(clientIp(req, settings.trustForwardedFor), cidrs)) {
			return { ok: false, status: 403, message: 'Forbidden: source address not allowed' };
		}
	}
	if (settings.credential) {
		const { location, name, secret } = settings.credential;
		const given = givenSecret(req, location, name);
		if (!secret || given === undefined || !constantTimeEqual(given, secret)) return UNAUTHORIZED;
	}
	if (settings.secretLocation === 'query' || settings.secretLocation === 'header') {
		const given = givenSecret(req, settings.secretLocation, settings.secretName);
		if (!settings.secret || given === undefined || !constantTimeEqual(given, settings.secret)) return UNAUTHORIZED;
	}
	return { ok: true };
}

/** The header a browser must be allowed to send for the secret (screen-pop CORS), if any. */
export function secretHeaderName(settings: SecuritySettings): string | undefined {
	if (settings.credential?.location === 'header') return settings.credential.name.trim() || undefined;
	if (settings.secretLocation === 'header') return settings.secretName.trim() || undefined;
	return undefined;
}

/**
 * The `credentials` entry of the three triggers' descriptions (each trigger spells it out as a
 * literal, which n8n's linter reads; this copy is what tests compare them with).
 */
export const webhookSecurityCredentials: INodeCredentialDescription[] = [
	{
		name: WEBHOOK_CREDENTIAL_NAME,
		required: true,
		testedBy: 'voicenterWebhookSecretTest',
		displayOptions: { show: { authentication: ['webhookSecret'] } },
	},
];

/** Shortest secret the credential test accepts. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/**
 * The credential's Test button: nothing remote to call (Voicenter calls us), so it checks
 * what makes a secret usable — long enough, and a name that fits a query parameter or header.
 */
export const webhookSecretCredentialTest = {
	async voicenterWebhookSecretTest(
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		const data = credential.data ?? {};
		const secret = String(data.secret ?? '');
		const name = String(data.name ?? '').trim();
		if (name === '' || (data.location === 'header' && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))) {
			return { status: 'Error', message: 'The name must be a valid query parameter or header name' };
		}
		if (secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
			return {
				status: 'Error',
				message: `Use a secret of at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (a long random value)`,
			};
		}
		return { status: 'OK', message: 'The secret is usable' };
	},
};

/** Shows a parameter only on the trigger versions that had it (typeVersion 1). */
const LEGACY_ONLY = { '@version': [{ _cnd: { lt: 1.1 } }] };

/** The security parameters shared by the three triggers (same names on each). */
export const securityProperties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none' },
			{
				name: 'Webhook Secret (Credential)',
				value: 'webhookSecret',
				description: 'A Voicenter Webhook Secret API credential: kept encrypted, never in the workflow or its executions',
			},
		],
		default: 'none',
		description:
			'Voicenter signs nothing: require a shared secret in the URL you give Voicenter (or a header). A request without the right secret gets 401 and starts no execution.',
	},
	{
		displayName:
			'The Shared Secret parameters below are stored in clear text in the workflow and in every saved execution. Use Authentication → Webhook Secret (Credential) instead, then set Shared Secret to None.',
		name: 'legacySecretNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...LEGACY_ONLY }, hide: { secretLocation: ['none'] } },
	},
	{
		displayName: 'Shared Secret (in Workflow, Deprecated)',
		name: 'secretLocation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'In a Query Parameter', value: 'query' },
			{ name: 'In a Header', value: 'header' },
		],
		default: 'none',
		displayOptions: { show: { ...LEGACY_ONLY } },
		description:
			'Kept for workflows made before the Webhook Secret credential; still checked when set. Prefer Authentication → Webhook Secret (Credential).',
	},
	{
		displayName: 'Secret Parameter or Header Name',
		name: 'keyName',
		type: 'string',
		default: 'secret',
		displayOptions: { show: { ...LEGACY_ONLY }, hide: { secretLocation: ['none'] } },
		description: 'Name of the query parameter (e.g. secret → ?secret=…) or of the header',
	},
	{
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: { show: { ...LEGACY_ONLY }, hide: { secretLocation: ['none'] } },
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

/**
 * Reads the trigger's security settings for one request: the parameters, and the Voicenter
 * Webhook Secret credential only when Authentication uses it (so a trigger without one pays
 * nothing per request). A credential that cannot be read refuses the request (fail closed).
 */
export async function readWebhookSecurity(this: IWebhookFunctions): Promise<SecuritySettings> {
	const settings = readSecuritySettings((n, d) => this.getNodeParameter(n, d));
	if (this.getNodeParameter('authentication', 'none') !== 'webhookSecret') return settings;
	let data: Record<string, unknown> = {};
	try {
		data = (await this.getCredentials(WEBHOOK_CREDENTIAL_NAME)) as Record<string, unknown>;
	} catch {
		data = {};
	}
	settings.credential = {
		location: data.location === 'header' ? 'header' : 'query',
		name: String(data.name ?? 'secret'),
		secret: String(data.secret ?? ''),
	};
	return settings;
}
