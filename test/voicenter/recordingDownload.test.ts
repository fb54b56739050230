/** Recording → Download: by link and by call id (through the Call Log), real engine runs against the simulator. */
import type { INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';
import { generateCdrs, callLogSettings, type Cdr } from '../../simulator/routes/callLog';
import {
	addRecording,
	recordingBytes,
	recordingUrl,
	servedRecordings,
	setRecordingsRequireCode,
	wavBytes,
} from '../../simulator/routes/recordings';

const ctx = useSimulator({ callLog: { totalCdrs: 2000 } });
const PLAY = '/CallsHistory/PlayRecord/';

function seeded(): Cdr[] {
	const s = callLogSettings(ctx.sim);
	return generateCdrs(1, s.totalCdrs, s.fromEpoch, s.toEpoch);
}
const recorded = () => seeded().filter((c) => c.RecordExpect === true);
const unrecorded = () => seeded().filter((c) => c.RecordExpect === false);

function bytesOf(item: INodeExecutionData, property = 'data'): Buffer {
	const b = item.binary?.[property];
	if (!b) throw new Error(`no binary ${property}`);
	return Buffer.from(b.data, 'base64');
}

const download = (parameters: Record<string, unknown>) => ({
	resource: 'recording',
	operation: 'download',
	...parameters,
});

describe('Recording → Download by URL', () => {
	it('downloads the CDR Trigger\'s `record` link: binary with the right bytes, MIME, file name, paired items', async () => {
		const { sim } = ctx;
		const ids = ['2026010112000011aaaa', '2026010112000022bbbb'];
		const items = ids.map((id) => ({ ivruniqueid: id, status: 'ANSWER', record: addRecording(sim, id) }));
		const result = await runNode({
			parameters: download({}),
			items,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(result.items).toHaveLength(2);
		result.items.forEach((item, k) => {
			expect(item.pairedItem).toEqual({ item: k });
			expect(bytesOf(item)).toEqual(recordingBytes(ids[k]));
			expect(item.binary!.data).toMatchObject({
				mimeType: 'audio/mpeg',
				fileName: `${ids[k]}.mp3`,
				fileExtension: 'mp3',
			});
			expect(item.json).toEqual({
				...items[k],
				recording: {
					hasRecording: true,
					callId: ids[k],
					url: items[k].record,
					fileName: `${ids[k]}.mp3`,
					mimeType: 'audio/mpeg',
					fileSize: recordingBytes(ids[k]).length,
				},
			});
		});
		// plain GETs: no account code anywhere, nothing else asked
		const requests = sim.requestsTo('cpanel');
		expect(requests.map((r) => [r.method, r.path])).toEqual(ids.map((id) => ['GET', `${PLAY}${id}-aws.mp3`]));
		expect(requests.every((r) => r.rawBody === '' && Object.keys(r.query).length === 0)).toBe(true);
		expect(sim.requests).toHaveLength(2);
	});

	it('takes the Call Log\'s RecordURL; binary field name and file name options; keeps input binary', async () => {
		const { sim } = ctx;
		const call = recorded()[0];
		const link = recordingUrl(sim, call.CallID);
		const result = await runNode({
			parameters: download({ binaryPropertyName: 'audio', options: { fileName: '={{ $json.CallID }}-call.mp3' } }),
			items: [{ CallID: call.CallID, RecordURL: link, RecordExpect: true }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const [item] = result.items;
		expect(Object.keys(item.binary ?? {})).toEqual(['audio']);
		expect(item.binary!.audio.fileName).toBe(`${call.CallID}-call.mp3`);
		expect(bytesOf(item, 'audio')).toEqual(recordingBytes(call.CallID));
	});

	it('uses the answer\'s audio type: a WAV recording is audio/wav, <callId>.wav', async () => {
		const { sim } = ctx;
		const url = `${sim.baseUrl('cpanel')}${PLAY}SIMWAV-1.wav`;
		const result = await runNode({
			parameters: download({}),
			items: [{ ivruniqueid: 'call-wav-1', record: url }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(result.items[0].binary!.data).toMatchObject({ mimeType: 'audio/wav', fileName: 'call-wav-1.wav' });
		expect(bytesOf(result.items[0])).toEqual(wavBytes());
	});

	it('an empty link passes with recording.hasRecording false (no request); the option turns it into an error', async () => {
		const { sim } = ctx;
		const items = [{ ivruniqueid: 'abc1', status: 'NOANSWER', record: '' }];
		const result = await runNode({
			parameters: download({}),
			items,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					...items[0],
					recording: { hasRecording: false, callId: 'abc1', url: '', reason: 'The call abc1 has no recording link' },
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(sim.requests).toHaveLength(0);
		const failing = await runNode({
			parameters: download({ options: { failWhenMissing: true } }),
			items,
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(failing.error()?.message).toBe('The call abc1 has no recording link (item 0)');
	});

	it('a 404 (expired) link is a NodeApiError; with continueOnFail the other items still download', async () => {
		const { sim } = ctx;
		const good = addRecording(sim, 'good-1');
		const gone = `${sim.baseUrl('cpanel')}${PLAY}expired-call-aws.mp3`;
		const failing = await runNode({
			parameters: download({}),
			items: [{ record: gone }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		const error = failing.error();
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toBe(
			'The recording was not found (HTTP 404): the link has expired or the call has no recording',
		);
		expect((error as unknown as { httpCode: string }).httpCode).toBe('404');

		const result = await runNode({
			parameters: download({}),
			items: [{ record: gone }, { record: good }, { record: 'ftp://example.com/x.mp3' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
			continueOnFail: true,
		});
		expect(result.error()).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({
			error: 'The recording was not found (HTTP 404): the link has expired or the call has no recording',
			httpCode: '404',
		});
		expect(result.items[0].binary).toBeUndefined();
		expect(bytesOf(result.items[1])).toEqual(recordingBytes('good-1'));
		expect(result.items[2].json.error).toBe('Recording URL "ftp://example.com/x.mp3" is not an http(s) link (item 2)');
	});

	it('invalid input stops before any request', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: download({}),
			items: [{ record: addRecording(sim, 'x1') }, { record: 'not a link' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()?.message).toBe('Recording URL "not a link" is not an http(s) link (item 1)');
		expect(sim.requests).toHaveLength(0);
	});

	it('a login page instead of audio is a clear error; Send Account Code POSTs the code in the body, never the URL', async () => {
		const { sim } = ctx;
		setRecordingsRequireCode(sim, true);
		const url = addRecording(sim, 'secure-1');
		const plain = await runNode({
			parameters: download({}),
			items: [{ record: url }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(plain.error()?.message).toBe(
			'The recording link answered with text/html, not audio: it may need a login or have expired',
		);
		sim.clearRequests();
		const withCode = await runNode({
			parameters: download({ options: { sendCode: true } }),
			items: [{ record: url }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(withCode.error()).toBeUndefined();
		expect(bytesOf(withCode.items[0])).toEqual(recordingBytes('secure-1'));
		const [req] = sim.requestsTo('cpanel');
		expect(req.method).toBe('POST');
		expect(req.body).toEqual({ code: 'SIM-ACCOUNT-CODE-0001' });
		expect(req.url).not.toContain('SIM-ACCOUNT-CODE-0001');
	});

	it('never sends the account code to a host outside Voicenter and the credential', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: download({ options: { sendCode: true } }),
			items: [{ record: 'https://recordings.example.com/a.mp3' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()?.message).toBe(
			"The account code is only sent to Voicenter's hosts, not to recordings.example.com (item 0)",
		);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Recording → Download by call ID (Call Log lookup)', () => {
	it('batched: one Call Log request for calls of the same day, then one download each', async () => {
		const { sim } = ctx;
		const calls = recorded().slice(0, 5);
		// all five within a day of each other
		expect(calls[4].DateEpoch - calls[0].DateEpoch).toBeLessThan(86_400);
		const result = await runNode({
			parameters: download({ source: 'callId' }),
			items: calls.map((c) => ({ CallID: c.CallID })),
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const lookups = sim.requestsTo('api', '/hub/cdr');
		expect(lookups).toHaveLength(1);
		const firstDay = new Date((calls[0].DateEpoch - 86_400) * 1000).toISOString().slice(0, 19);
		const lastDay = new Date((calls[4].DateEpoch + 86_400) * 1000).toISOString().slice(0, 19);
		expect(lookups[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			fields: ['CallID', 'RecordURL', 'RecordExpect'],
			search: { fromdate: firstDay, todate: lastDay },
		});
		expect(sim.requestsTo('cpanel').map((r) => r.path)).toEqual(calls.map((c) => `${PLAY}${c.CallID}-aws.mp3`));
		result.items.forEach((item, k) => {
			expect(item.pairedItem).toEqual({ item: k });
			expect(bytesOf(item)).toEqual(recordingBytes(calls[k].CallID));
			expect(item.binary!.data).toMatchObject({ mimeType: 'audio/mpeg', fileName: `${calls[k].CallID}.mp3` });
			expect(item.json.recording).toMatchObject({
				hasRecording: true,
				callId: calls[k].CallID,
				url: recordingUrl(sim, calls[k].CallID),
			});
		});
	});

	it('unbatched: one Call Log request per item, with search.CallID', async () => {
		const { sim } = ctx;
		const calls = recorded().slice(0, 3);
		const result = await runNode({
			parameters: download({ source: 'callId', options: { batch: false } }),
			items: calls.map((c) => ({ CallID: c.CallID })),
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const lookups = sim.requestsTo('api', '/hub/cdr');
		expect(lookups.map((r) => (r.body as { search: { CallID: string } }).search.CallID)).toEqual(
			calls.map((c) => c.CallID),
		);
		expect(result.items.map((i) => bytesOf(i))).toEqual(calls.map((c) => recordingBytes(c.CallID)));
	});

	it('a range holding more calls than one answer falls back to one request per missing call', async () => {
		const { sim } = ctx;
		(sim.options.callLog as Record<string, unknown>).maxRows = 10;
		try {
			// the first three recorded calls, and one of the same day that is not among the first 10 rows
			const calls = recorded().slice(0, 3);
			const rows = seeded().filter((c) => c.DateEpoch >= calls[0].DateEpoch - 86_400);
			const last = rows
				.slice(10)
				.find(
					(c) =>
						c.RecordExpect === true &&
						c.DateEpoch - calls[0].DateEpoch < 43_200 &&
						!calls.some((k) => k.CallID === c.CallID),
				)!;
			expect(last).toBeDefined();
			const result = await runNode({
				parameters: download({ source: 'callId' }),
				items: [...calls, last].map((c) => ({ CallID: c.CallID })),
				credentials: { voicenterApi: sim.voicenterCredentials() },
			});
			expect(result.error()).toBeUndefined();
			expect(result.items.map((i) => bytesOf(i))).toEqual(
				[...calls, last].map((c) => recordingBytes(c.CallID)),
			);
			const bodies = sim.requestsTo('api', '/hub/cdr').map((r) => (r.body as { search: IDataObjectLike }).search);
			expect(bodies[0].CallID).toBeUndefined();
			// the calls not in the first 10 rows were asked for one by one
			const inFirstTen = new Set(rows.slice(0, 10).map((c) => c.CallID));
			expect(bodies.slice(1).map((b) => b.CallID).sort()).toEqual(
				[...calls, last]
					.filter((c) => !inFirstTen.has(c.CallID))
					.map((c) => c.CallID)
					.sort(),
			);
			expect(bodies.length).toBeGreaterThan(1);
		} finally {
			delete (sim.options.callLog as Record<string, unknown>).maxRows;
		}
	});

	it('a call without a recording passes with the flag; a call not in the Call Log is an error; continueOnFail', async () => {
		const { sim } = ctx;
		const none = unrecorded()[0];
		const good = recorded()[0];
		const result = await runNode({
			parameters: download({ source: 'callId' }),
			items: [{ CallID: none.CallID }, { CallID: '20260101000000nosuchcall' }, { CallID: good.CallID }, { CallID: 'x y' }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
			continueOnFail: true,
		});
		expect(result.error()).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0]).toEqual({
			json: {
				CallID: none.CallID,
				recording: { hasRecording: false, callId: none.CallID, url: '', reason: `Call ${none.CallID} has no recording` },
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1].json.error).toBe('Call 20260101000000nosuchcall was not found in the Call Log (item 1)');
		expect(bytesOf(result.items[2])).toEqual(recordingBytes(good.CallID));
		expect(result.items[3].json.error).toBe('Call ID "x y" is not a call ID (item 3)');
		// no-recording as an error
		const failing = await runNode({
			parameters: download({ source: 'callId', options: { failWhenMissing: true } }),
			items: [{ CallID: none.CallID }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(failing.error()?.message).toBe(`Call ${none.CallID} has no recording (item 0)`);
	});

	it('a call id without a date needs Call Time; with it the Call Log is searched around that time', async () => {
		const { sim } = ctx;
		const good = recorded()[2];
		const id = 'nodate-call-1';
		sim.clearRequests();
		const missing = await runNode({
			parameters: download({ source: 'callId', callId: id }),
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(missing.error()?.message).toBe(
			`Call ID "${id}" does not start with the call's date: set the Call Time option (item 0)`,
		);
		expect(sim.requests).toHaveLength(0);
		const result = await runNode({
			parameters: download({
				source: 'callId',
				callId: good.CallID,
				options: { callTime: new Date(good.DateEpoch * 1000).toISOString(), windowDays: 2 },
			}),
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const search = (sim.requestsTo('api', '/hub/cdr')[0].body as { search: IDataObjectLike }).search;
		expect(search.fromdate).toBe(new Date((good.DateEpoch - 2 * 86_400) * 1000).toISOString().slice(0, 19));
		expect(bytesOf(result.items[0])).toEqual(recordingBytes(good.CallID));
	});

	it('a Call Log error (wrong account code) is the Call Log\'s own error', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: download({ source: 'callId' }),
			items: [{ CallID: recorded()[0].CallID }],
			credentials: { voicenterApi: sim.voicenterCredentials('WRONG-CODE') },
		});
		expect(result.error()?.message).toBe('Voicenter: Authorization failed (code 2)');
		expect(servedRecordings(sim)).toHaveLength(0);
	});
});

type IDataObjectLike = Record<string, unknown>;
