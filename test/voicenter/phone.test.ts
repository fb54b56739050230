import type { INode } from 'n8n-workflow';

import { isExtensionId, normalizePhone, toInternational, validatePhone } from '../../nodes/shared/phone';

const node: INode = {
	id: 'n',
	name: 'Voicenter',
	type: 'x',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('phone rules (nodes/shared/phone.ts)', () => {
	it.each([
		['972501234567', { value: '972501234567', kind: 'e164' }],
		['+972 50-123-4567', { value: '972501234567', kind: 'e164' }],
		['00972501234567', { value: '972501234567', kind: 'e164' }],
		['(050) 123.4567', { value: '0501234567', kind: 'israeliLocal' }],
		['03-1234567', { value: '031234567', kind: 'israeliLocal' }],
		[972501234567, { value: '972501234567', kind: 'e164' }],
		['442079460958', { value: '442079460958', kind: 'e164' }],
	])('accepts %p', (raw, expected) => {
		expect(normalizePhone(raw)).toEqual(expected);
	});

	it.each([
		['050123'],
		['05012345678'],
		['1234567'],
		['1234567890123456'],
		['+0501234567'],
		['abc'],
		[''],
		[null],
		[{}],
	])('rejects %p', (raw) => {
		expect(normalizePhone(raw)).toBeUndefined();
	});

	it('extensions only when allowed, special values as given', () => {
		expect(normalizePhone('SIPSIP')).toBeUndefined();
		expect(normalizePhone('SIPSIP', { allowExtension: true })).toEqual({
			value: 'SIPSIP',
			kind: 'extension',
		});
		expect(normalizePhone('api1api2', { allowExtension: true })).toEqual({
			value: 'api1api2',
			kind: 'extension',
		});
		expect(normalizePhone('S', { allowExtension: true })).toBeUndefined();
		expect(normalizePhone('siptrunk', { allowExtension: true, specialValues: ['SIPTRUNK'] })).toEqual({
			value: 'SIPTRUNK',
			kind: 'special',
		});
		expect(isExtensionId('SIPSIP1')).toBe(true);
		expect(isExtensionId('0501234567')).toBe(false);
	});

	it('toInternational gives the form Voicenter answers with', () => {
		expect(toInternational('0501234567')).toBe('972501234567');
		expect(toInternational('031234567')).toBe('97231234567');
		expect(toInternational('972501234567')).toBe('972501234567');
		expect(toInternational('SIPSIP')).toBeUndefined();
	});

	it('validatePhone throws a NodeOperationError naming the field and the item', () => {
		expect(validatePhone(node, 0, 'Phone', ' 050-1234567 ')).toBe('0501234567');
		expect(() => validatePhone(node, 3, 'Target', '12')).toThrow('Invalid Target "12" in item 3');
		try {
			validatePhone(node, 2, 'Phone', undefined, { allowExtension: true });
		} catch (error) {
			const e = error as {
				name: string;
				message: string;
				description: string;
				context: { itemIndex: number };
			};
			expect(e.name).toBe('NodeOperationError');
			expect(e.message).toBe('Invalid Phone an empty value in item 2');
			expect(e.description).toBe(
				'Use a phone number in E.164 without "+" (e.g. 972501234567), an Israeli number starting with 0 (e.g. 0501234567), a Voicenter extension id (e.g. SIPSIP)',
			);
			expect(e.context.itemIndex).toBe(2);
			return;
		}
		throw new Error('validatePhone did not throw');
	});
});
