/** Real Time API payloads exactly as documented (api-reference §14.8, §14.9). */
const call = {
	callStarted: 1606908123,
	calldurationinterval: 1606908123,
	callAnswered: 0,
	answered: 0,
	callername: 'Test Voicenter',
	callerphone: '0501234567',
	callstatus: 'Ringing',
	customdata: {},
	direction: 'Incoming',
	ivrid: '202012021122010135330b4f77',
	recording: { Filename: '2020120-aws-0501234567-0722776772.mp3', IsMuted: 0 },
	did: '0722776772',
};

const extension = {
	userID: 7654321,
	userName: 'Clark Kent',
	number: 1234567,
	extenUser: 'SIPSIP1',
	summery: { representative: 'Clark Kent' },
	onlineUserID: 7654321,
	representative: 7654321,
	representativeStatus: 1,
	lastCallEventEpoch: 1606908124,
	lastAnsweredCallEventEpoch: 1606847063,
	lastHangupCallEpoch: 1606905028,
	representativeUpdated: 1606763622000,
};

export const NEWCALL = {
	data: {
		eventName: 'extension',
		reason: 'NEWCALL',
		servertime: 1606908124,
		servertimeoffset: 120,
		calls: [call],
		...extension,
		currentCall: call,
	},
};

const answered = { ...call, callAnswered: 1606908134, answered: 1, callstatus: 'Talking' };
export const ANSWER = {
	data: { ...NEWCALL.data, reason: 'ANSWER', calls: [answered], currentCall: answered },
};

export const HANGUP = {
	data: {
		eventName: 'extension',
		reason: 'HANGUP',
		cause: 'Normal hangup',
		callerID: '0501234567',
		ivruniqueid: '202012021122010135330b4f77',
		servertime: 1606908139,
		servertimeoffset: 120,
		calls: [],
		...extension,
		lastCallEventEpoch: 1606908139,
		lastAnsweredCallEventEpoch: 1606908139,
		lastHangupCallEpoch: 1606908139,
		currentCall: answered,
	},
};

export const STATUS_UPDATE = {
	eventName: 'extension',
	reason: 'userStatusUpdate',
	servertime: 1606917164,
	servertimeoffset: 120,
	data: {
		calls: [],
		...extension,
		representativeStatus: 3,
		lastCallEventEpoch: 1606915860,
		lastAnsweredCallEventEpoch: 1606915833,
		lastHangupCallEpoch: 1606915860,
		representativeUpdated: 1606917164000,
	},
};

export const QUEUE_JOIN = {
	data: {
		QueueID: 15106,
		QueueName: 'ניקיטה בדיקה',
		UserID: 83242,
		DistributorID: 5956,
		Calls: [
			{
				CallerID: '0722776772',
				CallerName: 'Queue Testing',
				IvrUniqueID: '2022102013511002256fea804710c058',
				JoinTimeStamp: 1666263072,
				calldurationinterval: 1666263072,
				ivrid: '2022102013511002256fea804710c058',
				customdata: {},
			},
		],
	},
	eventName: 'queue',
	reason: 'JOIN',
	servertime: 1666263072,
	servertimeoffset: 0,
	telephonyservertime: 1666273872,
	ivruniqueid: '2022102013511002256fea804710c058',
};

export const QUEUE_EXIT = {
	data: { QueueID: 1234567, Calls: [], QueueName: 'Queue1' },
	eventName: 'queue',
	reason: 'EXIT',
	servertime: 1598206119,
	servertimeoffset: 180,
	telephonyservertime: 1598206119,
	ivruniqueid: '2020082015645675456434324949c071d',
};

export const QUEUE_ABANDONED = {
	...QUEUE_EXIT,
	reason: 'ABANDONED',
	servertime: 1598206251,
	ivruniqueid: '2020082015645675456434324949c0712',
};

/** A NEWCALL for another extension and call id (for sequences). */
export function newCall(ivrid: string, extenUser = 'SIPSIP1', reason = 'NEWCALL'): Record<string, unknown> {
	const c = { ...call, ivrid };
	return { data: { ...NEWCALL.data, reason, extenUser, calls: [c], currentCall: c } };
}

/** No HOLD / UNHOLD example is documented (§14.9): the ANSWER payload with the other reason. */
export const HOLD = { data: { ...ANSWER.data, reason: 'HOLD' } };
export const UNHOLD = { data: { ...ANSWER.data, reason: 'UNHOLD' } };
