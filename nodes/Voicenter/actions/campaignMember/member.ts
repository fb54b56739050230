import type { INodeProperties } from 'n8n-workflow';

export const memberField: INodeProperties = {
	displayName: 'Member Name or ID',
	name: 'member',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getExtensions' },
	required: true,
	default: '',
	description:
		'The agent\'s extension (its SIP code, e.g. SIPSIP1). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
