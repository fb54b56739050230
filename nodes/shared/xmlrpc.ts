/**
 * The one XML-RPC codec. Voicenter answers Click2Call in an XML-RPC <methodResponse> by
 * default (§4.3) and may POST CDRs as XML-RPC (§6). fast-xml-parser is a devDependency that
 * the build bundles into dist (see gulpfile.js), so the package keeps zero runtime dependencies.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

const parser = new XMLParser({
	ignoreAttributes: true,
	parseTagValue: false,
	trimValues: false,
	processEntities: true,
	isArray: (name) => name === 'member' || name === 'param' || name === 'data' || name === 'value',
});

export class XmlRpcError extends Error {}

type Node = Record<string, unknown>;

function first(v: unknown): unknown {
	return Array.isArray(v) ? v[0] : v;
}

function decodeValue(valueNode: unknown): XmlRpcValue {
	const v = first(valueNode);
	if (v === undefined || v === null || v === '') return '';
	if (typeof v === 'string') return v; // <value>text</value> is a string
	const node = v as Node;
	const keys = Object.keys(node);
	if (keys.length === 0) return '';
	const type = keys[0];
	const raw = node[type];
	switch (type) {
		case 'string':
			return raw === undefined || raw === null ? '' : typeof raw === 'object' ? '' : String(raw);
		case 'int':
		case 'i4':
		case 'i8':
		case 'double': {
			const n = Number(String(raw).trim());
			if (!Number.isFinite(n)) throw new XmlRpcError(`Invalid <${type}> value`);
			return n;
		}
		case 'boolean':
			return String(raw).trim() === '1' || String(raw).trim().toLowerCase() === 'true';
		case 'nil':
			return null;
		case 'dateTime.iso8601':
		case 'base64':
			return String(raw ?? '');
		case 'struct': {
			const out: Record<string, XmlRpcValue> = {};
			const members = (raw as Node | '' | undefined) && (raw as Node).member;
			for (const m of (Array.isArray(members) ? members : []) as Node[]) {
				const name = m.name;
				if (typeof name !== 'string' && typeof name !== 'number')
					throw new XmlRpcError('struct member without a name');
				out[String(name)] = decodeValue(m.value);
			}
			return out;
		}
		case 'array': {
			const data = first((raw as Node | undefined)?.data) as Node | undefined;
			const values = data?.value;
			return (Array.isArray(values) ? values : []).map((x) => decodeValue([x]));
		}
		default:
			if (typeof raw === 'string') return raw;
			throw new XmlRpcError(`Unsupported XML-RPC type <${type}>`);
	}
}

/** True when the text looks like XML rather than JSON. */
export function looksLikeXml(text: string): boolean {
	return /^\s*</.test(text);
}

/**
 * Decodes an XML-RPC methodResponse or methodCall into plain values.
 * A response with one param gives that value; a methodCall gives its first param.
 */
export function decodeXmlRpc(xml: string): XmlRpcValue {
	const valid = XMLValidator.validate(xml);
	if (valid !== true) throw new XmlRpcError(`Malformed XML: ${valid.err.msg}`);
	const doc = parser.parse(xml) as Node;
	const root = (doc.methodResponse ?? doc.methodCall) as Node | undefined;
	if (!root || typeof root !== 'object') throw new XmlRpcError('Not an XML-RPC document');
	if (root.fault) return decodeValue((root.fault as Node).value);
	const params = first(root.params) as Node | undefined;
	const param = first(params?.param) as Node | undefined;
	if (!param) throw new XmlRpcError('XML-RPC document without params');
	return decodeValue(param.value);
}

function escapeXml(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function encodeValue(v: unknown): string {
	if (v === null || v === undefined) return '<value><nil/></value>';
	if (typeof v === 'number') {
		return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
	}
	if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
	if (Array.isArray(v)) return `<value><array><data>${v.map(encodeValue).join('')}</data></array></value>`;
	if (typeof v === 'object') {
		const members = Object.entries(v as Record<string, unknown>)
			.map(([k, x]) => `<member><name>${escapeXml(k)}</name>${encodeValue(x)}</member>`)
			.join('');
		return `<value><struct>${members}</struct></value>`;
	}
	return `<value><string>${escapeXml(String(v))}</string></value>`;
}

/** Encodes a value as an XML-RPC methodResponse (used for acknowledgements and the simulator). */
export function encodeXmlRpcResponse(value: unknown): string {
	return `<?xml version="1.0"?>\n<methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>`;
}

/** Encodes a methodCall (the simulator sends CDRs this way). */
export function encodeXmlRpcCall(methodName: string, value: unknown): string {
	return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(methodName)}</methodName><params><param>${encodeValue(value)}</param></params></methodCall>`;
}
