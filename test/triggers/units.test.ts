/* eslint-disable no-console -- figures are printed */
import { CdrParseError, decodeCdrBody, detectCdrFormat, normalizeCdr } from '../../nodes/shared/cdr';
import { parseIvrLayerInput, validateIvrAnswer } from '../../nodes/shared/ivr';
import {
	checkRequestSecurity,
	clientIp,
	constantTimeEqual,
	isIpAllowed,
	parseAllowlist,
	parseCidr,
	parseIp,
} from '../../nodes/shared/webhookSecurity';
import { createRng } from '../../simulator/rng';

describe('IP / CIDR matching (no node:net)', () => {
	it.each([
		['10.1.2.3', '10.0.0.0/8', true],
		['11.1.2.3', '10.0.0.0/8', false],
		['192.168.1.255', '192.168.1.0/24', true],
		['192.168.2.0', '192.168.1.0/24', false],
		['::ffff:10.9.8.7', '10.0.0.0/8', true],
		['::ffff:a09:807', '10.0.0.0/8', true],
		['10.9.8.7', '::ffff:10.0.0.0/104', true],
		['2001:db8::1', '2001:db8::/32', true],
		['2001:db9::1', '2001:db8::/32', false],
		['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1', true],
		['::1', '::1', true],
		['::1', '127.0.0.1', false],
		['fe80::1%eth0', 'fe80::/10', true],
		['1.2.3.4', '0.0.0.0/0', true],
		['2001:db8::1', '0.0.0.0/0', false],
		['2001:db8::1', '::/0', true],
		['203.0.113.9', '203.0.113.9', true],
	])('%s in %s → %s', (ip, cidr, expected) => {
		expect(isIpAllowed(ip, [parseCidr(cidr)!])).toBe(expected);
	});

	it('rejects invalid addresses and ranges', () => {
		for (const bad of [
			'1.2.3',
			'256.1.1.1',
			'1.2.3.4.5',
			'::1::2',
			'12345::',
			'abc',
			'',
			'1:2:3:4:5:6:7:8:9',
			'01.2.3.4x',
		])
			expect(parseIp(bad)).toBeUndefined();
		for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/x', 'host.example.com'])
			expect(parseCidr(bad)).toBeUndefined();
		expect(parseAllowlist('10.0.0.0/8, nope; 2001:db8::/32\nbad/1').invalid).toEqual(['nope', 'bad/1']);
	});

	it('source address: TCP peer, X-Forwarded-For only when trusted (last entry)', () => {
		const req = {
			headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' },
			socket: { remoteAddress: '::ffff:127.0.0.1' },
		};
		expect(clientIp(req, false)).toBe('::ffff:127.0.0.1');
		expect(clientIp(req, true)).toBe('203.0.113.9');
	});

	it('secret check: constant-time compare, 401 without leaking the secret', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abc', 'abd')).toBe(false);
		expect(constantTimeEqual('abc', 'abcd')).toBe(false);
		expect(constantTimeEqual('', '')).toBe(true);
		const settings = {
			secretLocation: 'header' as const,
			secretName: 'X-Key',
			secret: 'top-secret',
			ipAllowlist: '',
			trustForwardedFor: false,
		};
		const verdict = checkRequestSecurity({ headers: { 'x-key': 'wrong' } }, settings);
		expect(verdict).toEqual({ ok: false, status: 401, message: 'Unauthorized: missing or wrong secret' });
		expect(checkRequestSecurity({ headers: { 'x-key': 'top-secret' } }, settings)).toEqual({ ok: true });
		expect(
			checkRequestSecurity(
				{ headers: {}, url: '/x?k=top-secret' },
				{ ...settings, secretLocation: 'query', secretName: 'k' },
			),
		).toEqual({ ok: true });
	});
});

// The CDR re-delivery store is tested in cdrDelivery.test.ts.

describe('in-process fuzz of the parsers (figures printed)', () => {
	it('decodeCdrBody/normalizeCdr and parseIvrLayerInput only ever report parse errors', () => {
		const rng = createRng(7);
		const pieces = [
			'{',
			'}',
			'[',
			']',
			'"',
			':',
			',',
			'<',
			'>',
			'/',
			'=',
			'&',
			'ivruniqueid',
			'IVR',
			'value',
			'struct',
			'member',
			'name',
			'1',
			'x',
			' ',
			'\u0000',
			'%',
			'\\',
			'null',
			'true',
		];
		let cdrErrors = 0;
		let ivrErrors = 0;
		const N = 10000;
		for (let i = 0; i < N; i++) {
			let s = '';
			const n = rng.int(0, 60);
			for (let j = 0; j < n; j++) s += rng.pick(pieces);
			const format =
				detectCdrFormat(
					rng.pick(['', 'application/json', 'text/xml', 'application/x-www-form-urlencoded']),
					s,
				) ?? 'json';
			try {
				normalizeCdr(decodeCdrBody(format, s), format);
			} catch (error) {
				expect(error).toBeInstanceOf(CdrParseError);
				cdrErrors++;
			}
			let parsed: unknown = s;
			try {
				parsed = JSON.parse(s);
			} catch {
				parsed = s;
			}
			if (parseIvrLayerInput(parsed).errors.length) ivrErrors++;
			expect(validateIvrAnswer(parsed).length).toBeGreaterThan(0);
		}
		console.log(
			`parser fuzz: ${N} random bodies → CDR parse errors ${cdrErrors}, IVR request errors ${ivrErrors}`,
		);
		expect(ivrErrors).toBe(N);
	});
});
