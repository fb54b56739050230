import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/** Path of Mobile Click2Call (§15.2), the only VoIPe endpoint that takes the client name. */
export const VOIPE_MOBILE_PATH = '/voipe/dial_external.php';

export class VoipeApi implements ICredentialType {
	name = 'voipeApi';

	displayName = 'VoIPe API';

	icon: Icon = { light: 'file:voipe.svg', dark: 'file:voipe.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-voicenter/n8n-nodes-voicenter#voipe';

	properties: INodeProperties[] = [
		{
			displayName: 'PBX Server URL',
			name: 'pbxUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://192.0.2.10',
			description:
				'Address of your VoIPe PBX, used by Click2Call (/web/dial.php). VoIPe documents it over plain http; http and https are both accepted, and http:// is assumed when no scheme is given.',
		},
		{
			displayName: 'Client Name',
			name: 'clientNameSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Your VoIPe client name: the "client" parameter of Mobile Click2Call. It identifies (and is the only documented protection of) your account, so it is kept out of node parameters and error messages.',
		},
		{
			displayName: 'Mobile Click2Call Base URL',
			name: 'mobileBaseUrl',
			type: 'string',
			default: 'https://cpanel.voipe.cc',
			description: 'Host of Mobile Click2Call. Change it only to point at a simulator.',
		},
	];

	// The client name goes into the query string of Mobile Click2Call only, so it is never
	// sent to the PBX host and node code never handles it.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const path = String(requestOptions.url ?? '').split('?')[0];
		if (!path.toLowerCase().endsWith(VOIPE_MOBILE_PATH)) return requestOptions;
		const client = String(credentials.clientNameSecret ?? '').trim();
		requestOptions.qs = { client, ...((requestOptions.qs as IDataObject | undefined) ?? {}) };
		return requestOptions;
	}

	// VoIPe documents no read-only endpoint: both documented links place a call. The test
	// therefore only GETs the root of the PBX (or, without a PBX URL, of the Mobile Click2Call
	// host) and accepts any HTTP answer: it proves the server is reachable, places no call,
	// and cannot check the client name.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.pbxUrl || $credentials.mobileBaseUrl).trim().replace(/^(?!https?:\\/\\/)/i, "http://").replace(/\\/web\\/dial\\.php.*$/i, "").replace(/\\/+$/, "") }}',
			url: '/',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
	};
}
