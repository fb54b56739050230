import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	click2Call: 'call' | 'terminate';
	blacklist: 'add' | 'remove';
	callLog: 'search';
	recording: 'download' | 'mute' | 'unmute';
	extension: 'getMany';
	activeCall: 'getExtensionCalls' | 'getQueueCallers';
	campaign: 'getAll' | 'get' | 'start' | 'stop' | 'clearCalls' | 'getPendingCalls' | 'updateStrategy';
	campaignCall: 'add' | 'update' | 'remove';
	campaignMember: 'getAll' | 'add' | 'remove';
	agent: 'setStatus';
};

export type VoicenterType = AllEntities<NodeMap>;
