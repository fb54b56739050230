import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * Where Voicenter expects the account code, by endpoint (§2.2). Voicenter passes it as a
 * request parameter, spelled `code` or `Code` depending on the API; Dialer methods other
 * than GetCampaignList and MuteUnmuteCalls document none; UserLogin/SetStatusFromAPI takes
 * `Code`. We always send it in the JSON body, never in the URL.
 */
export function voicenterAuthField(url: string): 'code' | 'Code' | undefined {
	const path = url
		.replace(/^[a-z]+:\/\/[^/]+/i, '')
		.split('?')[0]
		.toLowerCase();
	if (path.includes('/blacklist/')) return 'Code';
	if (path.includes('/userlogin/')) return 'Code';
	if (path.endsWith('/dialer/getcampaignlist')) return 'Code';
	if (path.includes('/dialer/')) return undefined;
	if (path.endsWith('/muteunmutecalls')) return undefined;
	return 'code';
}

export class VoicenterApi implements ICredentialType {
	name = 'voicenterApi';

	displayName = 'Voicenter API';

	icon: Icon = { light: 'file:voicenter.svg', dark: 'file:voicenter.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-voicenter/n8n-nodes-voicenter#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Account Code',
			name: 'accountCodeSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The account (organisation) code issued by Voicenter operations. It is sent in the request body, never in a URL.',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.voicenter.com',
			description:
				'Host of Click2Call, Call Log, Blacklist and Dialer. Change it only to point at a simulator or another region.',
		},
		{
			displayName: 'Monitoring API Base URL',
			name: 'monapisecBaseUrl',
			type: 'string',
			default: 'https://monapisec.voicenter.co.il',
			description: 'Host of Active Calls and Mute Call Recording',
		},
		{
			displayName: 'Extension List Base URL',
			name: 'monitorBaseUrl',
			type: 'string',
			default: 'https://monitor.voicenter.co.il',
			description: 'Host of the Organizational Extension List API',
		},
	];

	// The account code's parameter name differs per endpoint, so a fixed generic rule cannot
	// place it: this function puts it into the JSON body under the right name (§2.2).
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const url = `${requestOptions.baseURL ?? ''}${requestOptions.url}`;
		const field = voicenterAuthField(url);
		if (!field) return requestOptions;
		const code = String(credentials.accountCodeSecret ?? '');
		const body = requestOptions.body;
		if (body === undefined || body === null || body === '') {
			requestOptions.body = { [field]: code };
		} else if (typeof body === 'object' && !Array.isArray(body)) {
			requestOptions.body = { [field]: code, ...(body as Record<string, unknown>) };
		}
		return requestOptions;
	}

	// "Test" reads the caller's active calls: a wrong code gets ERR 1 "Authorization failed" (§11.1).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.monapisecBaseUrl.replace(/\\/+$/, "")}}',
			url: '/comet/API/GetExtensionsCalls',
			method: 'POST',
			body: {},
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'ERR', value: 1, message: 'Authorization failed: check the account code' },
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'ERR',
					value: 2,
					message: 'Voicenter reported an internal error for this account code',
				},
			},
		],
	};
}
