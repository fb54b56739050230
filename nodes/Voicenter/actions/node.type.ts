import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	click2Call: 'call' | 'terminate';
};

export type VoicenterType = AllEntities<NodeMap>;
