/**
 * Links to the simulator's recordings (served by ./recordings). Kept apart, without imports,
 * so the Call Log and CDR generators can point their `RecordURL` / `record` at the simulator
 * without an import circle.
 */
import type { Simulator } from '../types';

export const PLAY_RECORD_PATH = '/CallsHistory/PlayRecord/';
/** The host Voicenter's recording links point at (addendum B). */
export const VOICENTER_RECORDING_HOST = 'https://cpanel.voicenter.co.il';

/** The simulator's link to a call's recording, as Voicenter writes it (`<callId>-aws.mp3`). */
export function recordingUrl(sim: Simulator, callId: string): string {
	const base = sim.url ? sim.baseUrl('cpanel') : VOICENTER_RECORDING_HOST;
	return `${base}${PLAY_RECORD_PATH}${encodeURIComponent(callId)}-aws.mp3`;
}

/**
 * Rewrites a Voicenter recording link (https://cpanel.voicenter.co.il/CallsHistory/PlayRecord/…)
 * to the simulator's host, so the links in simulated CDRs and Call Log rows can be downloaded.
 * Other values (empty, foreign links) are returned as they are.
 */
export function simulatorRecordingLink(sim: Simulator, link: unknown): unknown {
	const prefix = `${VOICENTER_RECORDING_HOST}${PLAY_RECORD_PATH}`;
	if (typeof link !== 'string' || !sim.url || !link.startsWith(prefix)) return link;
	const callId = decodeURIComponent(link.slice(prefix.length).replace(/(-aws)?\.mp3$/i, ''));
	return recordingUrl(sim, callId);
}
