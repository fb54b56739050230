import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export const REALTIME_LOGIN_URL = 'https://loginapi.voicenter.co.il/monitorAPI/Login';
export const REALTIME_REFRESH_URL = 'https://loginapi.voicenter.co.il/monitorAPI/RefreshIdentityToken';

export type RealtimeLoginType = 'token' | 'user' | 'account';

/** The login path per login type (realtime-protocol-notes.md §1, old stack). */
export const REALTIME_LOGIN_PATH: Record<RealtimeLoginType, string> = {
	token: '/Token',
	user: '/User',
	account: '/Account',
};

/** The login body per login type: {token} / {email, pin} / {username, password}. */
export function realtimeLoginBody(credentials: ICredentialDataDecryptedObject): Record<string, string> {
	const type = String(credentials.loginType ?? 'token') as RealtimeLoginType;
	if (type === 'user') {
		return { email: String(credentials.email ?? ''), pin: String(credentials.userPassword ?? '') };
	}
	if (type === 'account') {
		return {
			username: String(credentials.username ?? ''),
			password: String(credentials.accountPassword ?? ''),
		};
	}
	return { token: String(credentials.token ?? '') };
}

export class VoicenterRealtimeApi implements ICredentialType {
	name = 'voicenterRealtimeApi';

	displayName = 'Voicenter Realtime API';

	icon: Icon = { light: 'file:voicenterRealtime.svg', dark: 'file:voicenterRealtime.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-voicenter/n8n-nodes-voicenter#realtime';

	properties: INodeProperties[] = [
		{
			displayName: 'Login Type',
			name: 'loginType',
			type: 'options',
			options: [
				{
					name: 'Token',
					value: 'token',
					description: 'A Real Time API token issued by Voicenter; includes queue events',
				},
				{
					name: 'User (Email + Password)',
					value: 'user',
					description: "A Voicenter user's own login: that user's extensions only, no queue events",
				},
				{
					name: 'Account (Username + Password)',
					value: 'account',
					description: 'The whole account: all monitored extensions and queues',
				},
			],
			default: 'token',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['token'] } },
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['user'] } },
		},
		{
			displayName: 'Password',
			name: 'userPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['user'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['account'] } },
		},
		{
			displayName: 'Password',
			name: 'accountPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { loginType: ['account'] } },
		},
		{
			displayName: 'Login URL',
			name: 'loginUrl',
			type: 'string',
			default: REALTIME_LOGIN_URL,
			description:
				'Base of the login endpoints (/Token, /User, /Account). Change it only to point at a simulator.',
		},
		{
			displayName: 'Refresh Token URL',
			name: 'refreshUrl',
			type: 'string',
			default: REALTIME_REFRESH_URL,
			description: 'Where the socket token is refreshed before it expires',
		},
	];

	// The login body depends on the login type, so a generic rule cannot build it: this puts
	// {token} / {email, pin} / {username, password} into the JSON body of the login request.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const body = requestOptions.body;
		const base =
			body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
		requestOptions.body = { ...base, ...realtimeLoginBody(credentials) };
		return requestOptions;
	}

	// "Test" is the login itself: 401 for a wrong user/password, 500 for a wrong token (§14.2).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.loginUrl.replace(/\\/+$/, "")}}',
			url: '={{ $credentials.loginType === "user" ? "/User" : $credentials.loginType === "account" ? "/Account" : "/Token" }}',
			method: 'POST',
			body: {},
			json: true,
		},
	};
}
