import { runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const ctx = useSimulator();

describe('Click2Call → Call (real engine against the simulator)', () => {
	it('sends the documented POST-JSON body with the account code and outputs CALLID', async () => {
		const { sim } = ctx;
		const result = await runNode({
			parameters: {
				resource: 'click2Call',
				operation: 'call',
				phone: '={{ $json.agent }}',
				target: '={{ $json.lead }}',
				options: { record: true, maxduration: 600 },
				customVariables: { variable: [{ name: 'customer', value: '={{ $json.id }}' }] },
			},
			items: [{ agent: 'SIPSIP1', lead: '+972 50-123-4567', id: 42 }],
			credentials: { voicenterApi: sim.voicenterCredentials() },
		});
		expect(result.error()).toBeUndefined();
		const requests = sim.requestsTo('api', '/ForwardDialer/click2call.aspx');
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe('POST');
		expect(requests[0].query).toEqual({});
		expect(requests[0].body).toEqual({
			code: 'SIM-ACCOUNT-CODE-0001',
			action: 'call',
			format: 'json',
			phone: 'SIPSIP1',
			target: '972501234567',
			record: true,
			maxduration: 600,
			var_customer: '42',
		});
		const calls = (sim.state.click2call as { calls: Array<{ CALLID: string }> }).calls;
		expect(result.items).toEqual([
			{ json: { CALLID: calls[0].CALLID, ERRORCODE: 0, ERRORMESSAGE: 'OK' }, pairedItem: { item: 0 } },
		]);
	});
});
