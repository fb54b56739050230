import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The shared secret of the Voicenter webhook triggers (CDR, IVR, Screen Pop), kept in n8n's
 * encrypted credential store instead of the workflow: like n8n's own Header Auth credential,
 * a name and a value, plus where the caller puts it (Voicenter can only call a URL, so a
 * query parameter is the usual place; a header works behind a proxy that adds one).
 */
export class VoicenterWebhookApi implements ICredentialType {
	name = 'voicenterWebhookApi';

	displayName = 'Voicenter Webhook Secret API';

	icon: Icon = { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-voicenter/n8n-nodes-voicenter#webhook-secret-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Sent In',
			name: 'location',
			type: 'options',
			options: [
				{ name: 'Query Parameter', value: 'query', description: 'Add ?<name>=<secret> to the URL you give Voicenter' },
				{ name: 'Header', value: 'header', description: 'The caller (or a proxy in front of n8n) sends it as a header' },
			],
			default: 'query',
		},
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: 'secret',
			required: true,
			description: 'Name of the query parameter (secret → ?secret=…) or of the header',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A long random value. Requests without it get 401 and start no execution. It is compared in constant time.',
		},
	];
}
