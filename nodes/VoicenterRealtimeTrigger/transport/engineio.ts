/**
 * Engine.IO protocol 3 / Socket.IO protocol 4 text framing: what socket.io-client 1.x/2.x
 * speaks and what the Voicenter monitor servers expect (docs/realtime-protocol.md §2, §5).
 *
 * An Engine.IO packet is one WebSocket text frame: a type digit followed by the payload.
 *   0 open {sid, upgrades, pingInterval, pingTimeout}   1 close   2 ping   3 pong
 *   4 message (carries a Socket.IO packet)   5 upgrade   6 noop
 * A Socket.IO packet inside a message: a type digit, an optional "/namespace," and an optional
 * ack id, then JSON data:
 *   0 connect   1 disconnect   2 event ["name", payload]   3 ack   4 error   5/6 binary
 * Voicenter uses only the default namespace, no acks and no binary frames.
 */

export interface OpenPacket {
	sid: string;
	upgrades: string[];
	pingInterval: number;
	pingTimeout: number;
}

export type InboundPacket =
	| { kind: 'open'; open: OpenPacket }
	| { kind: 'close' }
	| { kind: 'ping' }
	| { kind: 'pong' }
	| { kind: 'noop' }
	| { kind: 'connect'; namespace: string }
	| { kind: 'disconnect'; namespace: string }
	| { kind: 'event'; namespace: string; name: string; args: unknown[] }
	| { kind: 'error'; namespace: string; data: unknown }
	| { kind: 'other'; raw: string };

export const PING = '2';
export const PONG = '3';
export const CLOSE = '1';
export const DISCONNECT = '41';

function parseJson(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Splits the Socket.IO part of an Engine.IO message ("2/nsp,12[...]"). */
function decodeSocketIo(body: string): InboundPacket {
	const type = body.charAt(0);
	let rest = body.slice(1);
	let namespace = '/';
	if (rest.startsWith('/')) {
		const comma = rest.indexOf(',');
		namespace = comma === -1 ? rest : rest.slice(0, comma);
		rest = comma === -1 ? '' : rest.slice(comma + 1);
	}
	// optional ack id: digits before the JSON
	const ack = /^\d+/.exec(rest);
	if (ack && type !== '0' && type !== '1') rest = rest.slice(ack[0].length);
	switch (type) {
		case '0':
			return { kind: 'connect', namespace };
		case '1':
			return { kind: 'disconnect', namespace };
		case '2': {
			const data = parseJson(rest);
			if (!Array.isArray(data) || typeof data[0] !== 'string') return { kind: 'other', raw: `4${body}` };
			return { kind: 'event', namespace, name: data[0], args: data.slice(1) };
		}
		case '4':
			return { kind: 'error', namespace, data: parseJson(rest) };
		default:
			return { kind: 'other', raw: `4${body}` };
	}
}

/** Decodes one WebSocket text frame. */
export function decodePacket(frame: string): InboundPacket {
	const type = frame.charAt(0);
	const body = frame.slice(1);
	switch (type) {
		case '0': {
			const data = parseJson(body) as Partial<OpenPacket> | undefined;
			return {
				kind: 'open',
				open: {
					sid: String(data?.sid ?? ''),
					upgrades: Array.isArray(data?.upgrades) ? data.upgrades : [],
					pingInterval: Number(data?.pingInterval) > 0 ? Number(data?.pingInterval) : 25000,
					pingTimeout: Number(data?.pingTimeout) > 0 ? Number(data?.pingTimeout) : 60000,
				},
			};
		}
		case '1':
			return { kind: 'close' };
		case '2':
			return { kind: 'ping' };
		case '3':
			return { kind: 'pong' };
		case '6':
			return { kind: 'noop' };
		case '4':
			return decodeSocketIo(body);
		default:
			return { kind: 'other', raw: frame };
	}
}

/** `42["name",arg…]`: a Socket.IO event on the default namespace. */
export function encodeEvent(name: string, ...args: unknown[]): string {
	return `42${JSON.stringify([name, ...args])}`;
}

/** The handshake URL: ws(s)://host/socket.io/?token=…&EIO=3&transport=websocket (§2, §5). */
export function socketUrl(serverUrl: string, token: string): string {
	let text = serverUrl.trim();
	if (!/^[a-z]+:\/\//i.test(text)) text = `https://${text}`;
	const url = new URL(text);
	const protocol = url.protocol === 'http:' || url.protocol === 'ws:' ? 'ws:' : 'wss:';
	// As in socket.io-client, the URL's path is a namespace, not a prefix: the engine path is
	// always /socket.io/ on the server's origin.
	return `${protocol}//${url.host}/socket.io/?token=${encodeURIComponent(token)}&EIO=3&transport=websocket`;
}
