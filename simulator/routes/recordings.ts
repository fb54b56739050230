/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, never shipped in dist */
/**
 * Call recordings (addendum B). Voicenter has no recording API: the CDR's `record` and the Call
 * Log's `RecordURL` are direct links to an MP3 on the CPanel host,
 *   https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/<ivruniqueid>-aws.mp3
 * The simulator serves them under its `cpanel` prefix:
 *   GET|POST /cpanel/CallsHistory/PlayRecord/<callId>-aws.mp3
 *  - every Call Log call with a recording (RecordExpect true), the two documented CDR examples,
 *    and recordings a test adds with addRecording(): a small valid MP3 (an ID3 tag holding the
 *    call id, then silent MPEG-1 Layer III frames), its bytes given by recordingBytes();
 *  - `SIMLARGE-<MB>MB-<n>`: a <MB> MB MP3 generated on the fly as a stream (the memory check);
 *  - `SIMWAV-<n>`: a small WAV (audio/wav);
 *  - anything else: 404 with an HTML page, as for an expired link.
 * With `requireCode` (options.recordings or setRecordingsRequireCode) a request without the
 * account code in a POST-JSON body gets CPanel's login page (HTTP 200, text/html), which is
 * what an unauthenticated browser would see (whether Voicenter links need it is undocumented).
 */
import { Readable } from 'node:stream';

import type { SimRequest, SimResponse, Simulator } from '../types';
import { callLogSettings, generateCdrs } from './callLog';
import { PLAY_RECORD_PATH, recordingUrl } from './recordingLinks';

export { PLAY_RECORD_PATH, VOICENTER_RECORDING_HOST, recordingUrl, simulatorRecordingLink } from './recordingLinks';

/** Ids of the two documented CDR examples (§6.3, §6.4), whose links have no `-aws.mp3` suffix. */
const DOCUMENTED_IDS = ['2020072818dcDHFJc', '20200721121327012'];

export interface RecordingsOptions {
	/** Demand the account code (POST-JSON body `code`) before serving a recording. */
	requireCode?: boolean;
}

interface ExtraRecording {
	bytes?: Buffer;
	contentType?: string;
}

interface RecordingsState {
	requireCode: boolean;
	extra: Map<string, ExtraRecording>;
	/** Recording downloads served (call id, bytes), in order. */
	served: Array<{ callId: string; bytes: number }>;
}

function state(sim: Simulator): RecordingsState {
	if (!sim.state.recordings) {
		const o = (sim.options.recordings ?? {}) as RecordingsOptions;
		sim.state.recordings = { requireCode: o.requireCode ?? false, extra: new Map(), served: [] };
	}
	return sim.state.recordings as RecordingsState;
}

/** Lets a test add a recording for any call id (bytes default to recordingBytes(callId)). */
export function addRecording(sim: Simulator, callId: string, recording: ExtraRecording = {}): string {
	state(sim).extra.set(callId, recording);
	return recordingUrl(sim, callId);
}

export function setRecordingsRequireCode(sim: Simulator, requireCode: boolean): void {
	state(sim).requireCode = requireCode;
}

export function servedRecordings(sim: Simulator): Array<{ callId: string; bytes: number }> {
	return state(sim).served;
}

// ---- generated audio ----------------------------------------------------------------------

/** One silent MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz, no padding: 417 bytes. */
const MP3_FRAME = (() => {
	const frame = Buffer.alloc(417);
	frame.set([0xff, 0xfb, 0x90, 0x64]);
	return frame;
})();

function id3Tag(title: string): Buffer {
	const text = Buffer.from(title, 'latin1');
	const frame = Buffer.alloc(10 + 1 + text.length);
	frame.write('TIT2', 0, 'latin1');
	frame.writeUInt32BE(1 + text.length, 4);
	text.copy(frame, 11);
	const size = frame.length;
	const header = Buffer.from([
		0x49,
		0x44,
		0x33,
		3,
		0,
		0,
		(size >> 21) & 0x7f,
		(size >> 14) & 0x7f,
		(size >> 7) & 0x7f,
		size & 0x7f,
	]);
	return Buffer.concat([header, frame]);
}

/** The bytes of a call's small recording: an ID3 tag with the call id and 1 to 8 silent frames. */
export function recordingBytes(callId: string): Buffer {
	let h = 0;
	for (const ch of callId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
	const frames = 1 + (h % 8);
	return Buffer.concat([id3Tag(callId), ...Array.from({ length: frames }, () => MP3_FRAME)]);
}

/** A small valid WAV file: 8 kHz mono 16-bit, `samples` samples of silence. */
export function wavBytes(samples = 800): Buffer {
	const data = samples * 2;
	const b = Buffer.alloc(44 + data);
	b.write('RIFF', 0, 'latin1');
	b.writeUInt32LE(36 + data, 4);
	b.write('WAVE', 8, 'latin1');
	b.write('fmt ', 12, 'latin1');
	b.writeUInt32LE(16, 16);
	b.writeUInt16LE(1, 20);
	b.writeUInt16LE(1, 22);
	b.writeUInt32LE(8000, 24);
	b.writeUInt32LE(16000, 28);
	b.writeUInt16LE(2, 32);
	b.writeUInt16LE(16, 34);
	b.write('data', 36, 'latin1');
	b.writeUInt32LE(data, 40);
	return b;
}

/** Size in bytes of a SIMLARGE-<MB>MB-… recording. */
export function largeRecordingSize(callId: string): number | undefined {
	const m = /^SIMLARGE-(\d+)MB(?:-|$)/.exec(callId);
	return m ? Number(m[1]) * 1024 * 1024 : undefined;
}

/** Streams `size` bytes of MP3 frames, 64 KiB at a time, without holding the file in memory. */
export function largeRecordingStream(size: number): Readable {
	const chunk = Buffer.concat(Array.from({ length: Math.ceil(65536 / MP3_FRAME.length) }, () => MP3_FRAME)).subarray(
		0,
		MP3_FRAME.length * Math.floor(65536 / MP3_FRAME.length),
	);
	let left = size;
	return new Readable({
		read() {
			if (left <= 0) {
				this.push(null);
				return;
			}
			const n = Math.min(left, chunk.length);
			left -= n;
			this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
		},
	});
}

function callLogHasRecording(sim: Simulator, callId: string): boolean {
	const s = callLogSettings(sim);
	const all = generateCdrs(Number(sim.options.seed ?? 1), s.totalCdrs, s.fromEpoch, s.toEpoch);
	return all.some((c) => c.CallID === callId && c.RecordExpect === true && c.RecordURL !== '');
}

const NOT_FOUND_PAGE =
	'<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head><body><h2>404 - File or directory not found.</h2></body></html>';
const LOGIN_PAGE =
	'<!DOCTYPE html><html><head><title>Voicenter CPanel - Login</title></head><body><form action="/Login"><input name="username"><input name="password" type="password"></form></body></html>';

function handle(sim: Simulator, req: SimRequest): SimResponse {
	const st = state(sim);
	if (st.requireCode && !(req.method === 'POST' && sim.isValidAccountCode(req.params.code)))
		return { status: 200, body: LOGIN_PAGE, contentType: 'text/html; charset=utf-8' };
	const file = decodeURIComponent(req.path.slice(PLAY_RECORD_PATH.length));
	const callId = file.replace(/(-aws)?\.mp3$/i, '').replace(/\.wav$/i, '');
	const notFound: SimResponse = { status: 404, body: NOT_FOUND_PAGE, contentType: 'text/html; charset=utf-8' };
	if (!callId || callId.includes('/')) return notFound;
	const large = largeRecordingSize(callId);
	if (large !== undefined) {
		st.served.push({ callId, bytes: large });
		return {
			body: largeRecordingStream(large),
			contentType: 'audio/mpeg',
			headers: { 'Content-Length': String(large) },
		};
	}
	let bytes: Buffer | undefined;
	let contentType = 'audio/mpeg';
	const extra = st.extra.get(callId);
	if (extra) {
		bytes = extra.bytes ?? recordingBytes(callId);
		contentType = extra.contentType ?? contentType;
	} else if (/^SIMWAV-/.test(callId)) {
		bytes = wavBytes();
		contentType = 'audio/wav';
	} else if (DOCUMENTED_IDS.includes(callId) || callLogHasRecording(sim, callId)) {
		bytes = recordingBytes(callId);
	}
	if (!bytes) return notFound;
	st.served.push({ callId, bytes: bytes.length });
	return { body: bytes, contentType, headers: { 'Content-Length': String(bytes.length) } };
}

export function register(sim: Simulator): void {
	sim.onReset(() => {
		delete sim.state.recordings;
		state(sim);
	});
	sim.route('cpanel', ['GET', 'POST'], `${PLAY_RECORD_PATH}*`, (req) => handle(sim, req));
}
