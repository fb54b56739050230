/** Which Real Time API events the trigger outputs, and the extension / queue / campaign filters. */
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import {
	normalizeAllDialersStatus,
	normalizeAllExtensionsStatus,
	normalizeDialerEvent,
	normalizeExtensionEvent,
	normalizeLoginStatus,
	normalizeQueueEvent,
	readReason,
} from './transport/normalize';

/**
 * The event options. `action` is what n8n's node creator lists for this trigger
 * ("On …" entries); `name` is the option in the Events list.
 */
export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Extension: Call Ringing or Dialing (NEWCALL)',
		value: 'extension.NEWCALL',
		action: 'On call ringing or dialing at an extension',
		description: 'A call starts ringing at an extension, or the extension dials out',
	},
	{
		name: 'Extension: Call Answered (ANSWER)',
		value: 'extension.ANSWER',
		action: 'On call answered at an extension',
	},
	{
		name: 'Extension: Call On Hold (HOLD)',
		value: 'extension.HOLD',
		action: 'On call put on hold',
	},
	{
		name: 'Extension: Call Off Hold (UNHOLD)',
		value: 'extension.UNHOLD',
		action: 'On call taken off hold',
	},
	{
		name: 'Extension: Call Ended (HANGUP)',
		value: 'extension.HANGUP',
		action: 'On call ended at an extension',
	},
	{
		name: 'Extension: Agent Status Changed (userStatusUpdate)',
		value: 'extension.userStatusUpdate',
		action: 'On agent status changed',
		description: 'Login, logout, break…',
	},
	{
		name: 'Queue: Caller Joined (JOIN)',
		value: 'queue.JOIN',
		action: 'On caller joined a queue',
		description: 'Token and account logins only',
	},
	{
		name: 'Queue: Caller Answered or Exited (EXIT, ANSWER)',
		value: 'queue.EXIT',
		action: 'On caller left a queue (answered or exited)',
		description: 'Token and account logins only',
	},
	{
		name: 'Queue: Caller Abandoned (ABANDONED)',
		value: 'queue.ABANDONED',
		action: 'On caller abandoned a queue',
		description: 'Token and account logins only',
	},
	{
		name: 'Dialer: Campaign Update (DialerEvent)',
		value: 'dialer.DialerEvent',
		action: 'On dialer campaign update',
		description: "A dialer campaign's state changed: its calls and statistics",
	},
	{
		name: 'Snapshot: All Dialers Status (on Connect)',
		value: 'snapshot.AllDialersStatus',
		action: 'On dialer status snapshot (connect)',
		description: 'Every dialer campaign, sent on each (re)connection',
	},
	{
		name: 'Snapshot: All Extensions Status (on Connect)',
		value: 'snapshot.AllExtensionsStatus',
		action: 'On extension status snapshot (connect)',
		description: 'Every monitored extension, sent on each (re)connection',
	},
	{
		name: 'Snapshot: Monitored Queues (loginStatus, on Connect)',
		value: 'snapshot.loginStatus',
		action: 'On monitored queues snapshot (connect)',
		description: 'The monitored queues, sent on each (re)connection',
	},
];

export interface EventSelection {
	events: Set<string>;
	extensions: string[];
	queues: string[];
	campaigns: string[];
}

export function parseList(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(/[,;\n]+/);
	return items.map((v) => String(v).trim().toLowerCase()).filter((v) => v !== '');
}

/** The original spelling of a comma-separated list (for the server-side extension filter). */
export function parseListKeepCase(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(/[,;\n]+/);
	return items.map((v) => String(v).trim()).filter((v) => v !== '');
}

function matches(filter: string[], ...values: unknown[]): boolean {
	if (filter.length === 0) return true;
	return values.some(
		(v) => v !== undefined && v !== null && v !== '' && filter.includes(String(v).trim().toLowerCase()),
	);
}

function extensionMatches(filter: string[], ext: IDataObject): boolean {
	return matches(filter, ext.number, ext.extenUser, ext.userId, ext.onlineUserId);
}

function queueMatches(filter: string[], queue: IDataObject): boolean {
	return matches(filter, queue.id, queue.name);
}

function campaignMatches(filter: string[], dialer: IDataObject): boolean {
	return matches(filter, dialer.campaignID, dialer.name, dialer.code);
}

/** The selection key of a raw event: "extension.NEWCALL", "queue.EXIT", "snapshot.loginStatus"… */
export function selectionKey(name: string, payload: unknown): string | null {
	if (name === 'ExtensionEvent') return `extension.${readReason(payload) ?? ''}`;
	if (name === 'QueueEvent') {
		const reason = (readReason(payload) ?? '').toUpperCase();
		return `queue.${reason === 'ANSWER' ? 'EXIT' : reason}`;
	}
	if (name === 'DialerEvent') return 'dialer.DialerEvent';
	if (name === 'AllExtensionsStatus' || name === 'loginStatus' || name === 'AllDialersStatus')
		return `snapshot.${name}`;
	return null;
}

/** The clean item for a raw event, or null when it is not selected or filtered out. */
export function toItem(selection: EventSelection, name: string, payload: unknown): IDataObject | null {
	const key = selectionKey(name, payload);
	if (!key || !selection.events.has(key)) return null;
	if (name === 'ExtensionEvent') {
		const item = normalizeExtensionEvent(payload);
		return extensionMatches(selection.extensions, item.extension as IDataObject) ? item : null;
	}
	if (name === 'QueueEvent') {
		const item = normalizeQueueEvent(payload);
		return queueMatches(selection.queues, item.queue as IDataObject) ? item : null;
	}
	if (name === 'DialerEvent') {
		const item = normalizeDialerEvent(payload);
		return campaignMatches(selection.campaigns, item.dialer as IDataObject) ? item : null;
	}
	if (name === 'AllDialersStatus') {
		const item = normalizeAllDialersStatus(payload);
		item.dialers = (item.dialers as IDataObject[]).filter((d) => campaignMatches(selection.campaigns, d));
		return item;
	}
	if (name === 'AllExtensionsStatus') {
		const item = normalizeAllExtensionsStatus(payload);
		item.extensions = (item.extensions as IDataObject[]).filter((e) =>
			extensionMatches(selection.extensions, e),
		);
		return item;
	}
	const item = normalizeLoginStatus(payload);
	item.queues = (item.queues as IDataObject[]).filter((q) => queueMatches(selection.queues, q));
	return item;
}
