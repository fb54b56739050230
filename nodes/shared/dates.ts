/**
 * The one place that reads dates given to the nodes (n8n date pickers and expressions) and
 * converts them to instants. No date library in node code: time zones go through Intl.
 */

/** Offset (ms) of a named time zone from UTC at an instant. Positive east of Greenwich. */
function zoneOffsetMs(timeZone: string, atMs: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(atMs));
	const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
	return asUtc - Math.floor(atMs / 1000) * 1000;
}

const ISO =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Turns what an n8n date picker or expression gives into epoch ms: ISO text with or without
 * an offset (`T` or a space between date and time), a JS Date, a Luxon DateTime, or an epoch
 * number (seconds below 10^11, milliseconds above). Text without an offset is read in the
 * workflow's time zone, as n8n's date pickers mean it. Undefined when it is not a date.
 */
export function toEpochMs(value: unknown, timeZone?: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return undefined;
		return Math.abs(value) < 1e11 ? value * 1000 : value;
	}
	if (typeof value === 'object') {
		const v = value as { toMillis?: () => number; toISO?: () => string };
		if (typeof v.toMillis === 'function') return v.toMillis();
		if (typeof v.toISO === 'function') return toEpochMs(v.toISO(), timeZone);
		return undefined;
	}
	const text = String(value).trim().replace(' ', 'T');
	if (/^\d+$/.test(text)) return toEpochMs(Number(text));
	const m = ISO.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
	if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 59) return undefined;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number(`0.${frac}`) * 1000));
	if (zone === 'Z') return wall;
	if (zone) {
		const sign = zone.startsWith('-') ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
	}
	if (!timeZone) return wall;
	try {
		// Twice: the second pass settles the offset for a time on the other side of a DST change.
		const first = wall - zoneOffsetMs(timeZone, wall);
		return wall - zoneOffsetMs(timeZone, first);
	} catch {
		return wall; // unknown time zone: read as UTC
	}
}
