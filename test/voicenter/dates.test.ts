import { toEpochMs } from '../../nodes/shared/dates';

describe('toEpochMs (the one date reader)', () => {
	it('reads wall-clock text in the workflow time zone, across DST', () => {
		// Israel: UTC+2 in winter, UTC+3 in summer
		expect(toEpochMs('2026-01-15T10:00:00', 'Asia/Jerusalem')).toBe(Date.UTC(2026, 0, 15, 8));
		expect(toEpochMs('2026-07-15 10:00', 'Asia/Jerusalem')).toBe(Date.UTC(2026, 6, 15, 7));
	});

	it('honours an explicit offset or Z whatever the zone', () => {
		expect(toEpochMs('2026-01-15T10:00:00Z', 'Asia/Jerusalem')).toBe(Date.UTC(2026, 0, 15, 10));
		expect(toEpochMs('2026-01-15T10:00:00+05:30', 'UTC')).toBe(Date.UTC(2026, 0, 15, 4, 30));
	});

	it('takes epoch seconds, epoch ms, Date and Luxon-like values', () => {
		expect(toEpochMs(1767225600)).toBe(1767225600000);
		expect(toEpochMs('1767225600')).toBe(1767225600000);
		expect(toEpochMs(1767225600000)).toBe(1767225600000);
		expect(toEpochMs(new Date(5000))).toBe(5000);
		expect(toEpochMs({ toMillis: () => 42 })).toBe(42);
	});

	it('rejects what is not a date', () => {
		expect(toEpochMs('2026-13-01T00:00:00', 'UTC')).toBeUndefined();
		expect(toEpochMs('yesterday', 'UTC')).toBeUndefined();
		expect(toEpochMs('')).toBeUndefined();
		expect(toEpochMs({})).toBeUndefined();
	});
});
