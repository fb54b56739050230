/** §12 Organizational Extension List (monitor host). */
import type { Simulator as VoicenterSimulator } from '../types';
import { EXTENSIONS } from '../fixtures';

export function register(sim: VoicenterSimulator): void {
	sim.route('monitor', ['GET', 'POST'], '/Comet/api/GetExtensions', (req) => {
		const code = req.params.code;
		if (typeof code !== 'string' || code.trim() === '') return { body: { ERR: 1, DESC: 'Unauthorized' } };
		// A code that matches no account gets an empty list (§12).
		if (!sim.isValidAccountCode(code)) return { body: { ERR: 0, DESC: 'OK', EXTENSIONS: [] } };
		const showAll = String(req.params.showAll ?? '0').toLowerCase();
		const all = showAll === '1' || showAll === 'true';
		const list = EXTENSIONS.filter((e) => all || e.AccountID === 12345678).map((e) => ({
			SIP: e.SIP,
			Name: e.Name,
			SpeedDial: e.SpeedDial,
			AccountID: e.AccountID,
			AccountName: e.AccountName,
			UserName: e.UserName,
			UserEmail: e.UserEmail,
		}));
		return { body: { ERR: 0, DESC: 'OK', EXTENSIONS: list } };
	});
}
