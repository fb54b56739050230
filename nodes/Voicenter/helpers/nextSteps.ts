/**
 * What to do next, per Voicenter error code: each operation keeps its own map (the codes mean
 * different things per API), and the step is added to the error's description, after
 * Voicenter's own code and message.
 */
import { NodeApiError } from 'n8n-workflow';

/** Code → next step; or a function of code and Voicenter's message (when one code has several causes). */
export type NextSteps =
	| Record<number, string>
	| ((code: number | undefined, message: string) => string | undefined);

export const CHECK_ACCOUNT_CODE =
	'Check the Account Code of the Voicenter API credential: it must be the code Voicenter gave your account for the API';
export const TRY_AGAIN_THEN_SUPPORT =
	'This is an error on the Voicenter side: try again in a minute, and contact Voicenter support if it persists';

function stepFor(steps: NextSteps, code: number | undefined, message: string): string | undefined {
	if (typeof steps === 'function') return steps(code, message);
	return code === undefined ? undefined : steps[code];
}

/** The monitoring APIs' ERR codes (Active Calls, Extension List, §11, §12). */
export const MONITOR_NEXT_STEPS: NextSteps = {
	1: CHECK_ACCOUNT_CODE,
	2: `Check the extension or queue you chose (pick it from the list). ${TRY_AGAIN_THEN_SUPPORT}`,
};

/** Adds the next step to a Voicenter NodeApiError (other errors are returned unchanged). */
export function addNextStep<E>(error: E, steps: NextSteps): E {
	if (!(error instanceof NodeApiError)) return error;
	const ctx = error.context ?? {};
	if (ctx.nextStep !== undefined) return error;
	const code = typeof ctx.voicenterCode === 'number' ? ctx.voicenterCode : undefined;
	const step = stepFor(steps, code, String(ctx.voicenterMessage ?? ''));
	if (!step) return error;
	const base = (error.description ?? '').trim().replace(/\.$/, '');
	error.description = base ? `${base}. ${step}` : step;
	error.context.nextStep = step;
	return error;
}

/** Runs a request and adds the next step to the Voicenter error it may throw. */
export async function withNextSteps<T>(steps: NextSteps, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw addNextStep(error, steps);
	}
}
