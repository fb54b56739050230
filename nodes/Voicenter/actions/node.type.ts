import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	click2Call: 'call' | 'terminate';
	blacklist: 'add' | 'remove';
	callLog: 'search';
	recording: 'mute' | 'unmute';
	extension: 'getMany';
	activeCall: 'getExtensionCalls' | 'getQueueCallers';
};

export type VoicenterType = AllEntities<NodeMap>;
