/** Fixed organisation data shared by the simulated endpoints (extensions, users, queues). */
export interface SimExtension {
	SIP: string;
	Name: string;
	SpeedDial: string;
	AccountID: number;
	AccountName: string;
	UserName: string;
	UserEmail: string;
	userID: number;
	extensionID: number;
	online: boolean;
	/** Extensions blocked for Click2Call (error 4). */
	click2CallBlocked?: boolean;
}

export const EXTENSIONS: SimExtension[] = [
	{
		SIP: 'SIPSIP1',
		Name: 'Extension 1',
		SpeedDial: '11',
		AccountID: 12345678,
		AccountName: 'Voicenter Account',
		UserName: 'John Doe',
		UserEmail: 'john.d@example.com',
		userID: 6946792,
		extensionID: 875756567,
		online: true,
	},
	{
		SIP: 'SIPSIP2',
		Name: 'Extension 2',
		SpeedDial: '12',
		AccountID: 12345679,
		AccountName: 'Sales Department',
		UserName: 'Walter Melon',
		UserEmail: 'walter.m@example.com',
		userID: 46454322,
		extensionID: 97483478,
		online: true,
	},
	{
		SIP: 'SIPSIP3',
		Name: 'Extension 3',
		SpeedDial: '13',
		AccountID: 12345679,
		AccountName: 'Sales Department',
		UserName: 'Lois Lane',
		UserEmail: 'lois.l@example.com',
		userID: 46454323,
		extensionID: 97483479,
		online: false,
	},
	{
		SIP: 'BLOCKED1',
		Name: 'Reception',
		SpeedDial: '14',
		AccountID: 12345678,
		AccountName: 'Voicenter Account',
		UserName: 'Clark Kent',
		UserEmail: 'clark.k@example.com',
		userID: 46454324,
		extensionID: 97483480,
		online: true,
		click2CallBlocked: true,
	},
];

export interface SimQueue {
	ID: number;
	Name: string;
	Weight: number;
}

export const QUEUES: SimQueue[] = [
	{ ID: 12345678, Name: 'Sales Queue', Weight: 5 },
	{ ID: 87654321, Name: 'Service Queue', Weight: 0 },
];

export function findExtension(sip: unknown): SimExtension | undefined {
	return EXTENSIONS.find((e) => e.SIP === sip);
}
